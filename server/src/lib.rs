//! The `decentra` server: configuration, the gRPC adapters, the auth layer, the embedded web
//! client and the one port that serves them all. The rules live in `decentra-core`.

pub mod app;
pub mod auth_layer;
pub mod config;
pub mod doctor;
pub mod grpc;
pub mod rest;
pub mod tls;
pub mod turn;
pub mod web;

use decentra_core::{Services, store};

pub use config::Config;

/// Opens the database (running migrations) and builds the services.
pub async fn services(config: &Config) -> anyhow::Result<Services> {
    services_with_turn(config, None).await
}

/// [`services`], handing out the embedded TURN server's URLs and credentials with every voice
/// join and call when it runs.
pub async fn services_with_turn(
    config: &Config,
    turn: Option<&turn::EmbeddedTurn>,
) -> anyhow::Result<Services> {
    let url = config.database_url();
    if let Some(path) = url.strip_prefix("sqlite://")
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let store = store::connect_with_replica(&url, config.database_read_url()).await?;
    tracing::info!(backend = store.backend(), url = %config::redact_url(&url), "database ready");
    let encoder = std::sync::Arc::new(grpc::events::ProtoEncoder);
    let mut core = config.core()?;
    core.voice.embedded_turn = turn.map(|t| decentra_core::voice::ice::EmbeddedTurn {
        urls: t.urls().to_vec(),
        secret: t.secret().to_owned(),
    });
    Ok(Services::start(core, store, encoder).await?)
}
