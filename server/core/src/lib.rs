//! Decentra's core: the domain services that hold every rule, the storage layer and the
//! error type. Transports (gRPC in `decentra`, REST in `decentra-gateway`) are thin adapters
//! over [`Services`]: they convert input, pass the authenticated [`Principal`] and convert
//! the result back.

pub mod access;
pub mod admin;
pub mod admin_servers;
pub mod admin_users;
pub mod audit;
pub mod auth;
pub mod bots;
pub mod change;
pub mod channels;
pub mod context;
pub mod dms;
pub mod error;
pub mod events;
pub mod files;
pub mod id;
pub mod invites;
pub mod mail;
pub mod messages;
pub mod model;
pub mod notifications;
pub mod permissions;
pub mod principal;
pub mod relationships;
pub mod roles;
pub mod secrets;
pub mod servers;
pub mod settings;
pub mod store;
pub mod users;
pub mod validate;
pub mod verified;
pub mod voice;

use std::sync::Arc;

pub use context::CoreConfig;
pub use error::{Error, Result};
pub use id::Id;
pub use principal::{ClientMeta, Principal};

/// Every domain service, sharing one [`context::Context`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Services {
    /// Accounts and sessions.
    pub auth: auth::AuthService,
    /// Users and profiles.
    pub users: users::UserService,
    /// Instance administration.
    pub admin: admin::AdminService,
    /// Messages, reactions, pins, read state, typing, attachments.
    pub messages: messages::MessageService,
    /// Servers, members, moderation, audit log.
    pub servers: servers::ServerService,
    /// Channels, categories, overwrites.
    pub channels: channels::ChannelService,
    /// Roles and role assignment.
    pub roles: roles::RoleService,
    /// Server invites.
    pub invites: invites::InviteService,
    /// The event stream.
    pub events: events::EventService,
    /// Friends, friend requests and blocks.
    pub relationships: relationships::RelationshipService,
    /// DMs and group DMs.
    pub dms: dms::DmService,
    /// Bot accounts and their tokens.
    pub bots: bots::BotService,
    /// Voice channels, signalling and ICE servers.
    pub voice: voice::VoiceService,
    ctx: Arc<context::Context>,
}

impl Services {
    /// Builds the services over an opened store.
    pub async fn start(
        config: CoreConfig,
        store: Arc<dyn store::Store>,
        encoder: Arc<dyn events::EventEncoder>,
    ) -> Result<Self> {
        let ctx = Arc::new(context::Context::load(config, store, encoder).await?);
        // Friends see each other's presence even without a shared server.
        let weak = Arc::downgrade(&ctx);
        ctx.hub.set_presence_watchers(Arc::new(move |user| {
            let weak = weak.clone();
            Box::pin(async move {
                match weak.upgrade() {
                    Some(ctx) => relationships::friend_ids(&ctx, user)
                        .await
                        .unwrap_or_default(),
                    None => Vec::new(),
                }
            })
        }));
        // A user whose last event stream closed leaves voice.
        let weak = Arc::downgrade(&ctx);
        ctx.hub.set_on_disconnect(Arc::new(move |user| {
            let weak = weak.clone();
            Box::pin(async move {
                if let Some(ctx) = weak.upgrade() {
                    voice::leave_if_disconnected(&ctx, user).await;
                }
            })
        }));
        // Several nodes: read the shared event stream, applying other nodes' side effects.
        if let Some(nats) = &ctx.cluster {
            let weak = Arc::downgrade(&ctx);
            nats.start(
                &ctx.hub,
                Arc::new(move |signal| {
                    if let Some(ctx) = weak.upgrade() {
                        change::apply_signal(&ctx, signal);
                    }
                }),
            )
            .await?;
            voice::spawn_cluster_tasks(&ctx);
        }
        mail::outbox::spawn_worker(Arc::clone(&ctx));
        notifications::spawn_worker(Arc::clone(&ctx));
        // Several nodes: settings another node changed are read again.
        let (weak, reload) = (Arc::downgrade(&ctx), Arc::clone(&ctx.settings_reload));
        tokio::spawn(async move {
            loop {
                reload.notified().await;
                let Some(ctx) = weak.upgrade() else { return };
                if let Err(e) = ctx.reload_settings().await {
                    tracing::error!(error = %e, "cannot read the instance settings again");
                }
            }
        });
        Ok(Self {
            auth: auth::AuthService::new(Arc::clone(&ctx)),
            users: users::UserService::new(Arc::clone(&ctx)),
            admin: admin::AdminService::new(Arc::clone(&ctx)),
            messages: messages::MessageService::new(Arc::clone(&ctx)),
            servers: servers::ServerService::new(Arc::clone(&ctx)),
            channels: channels::ChannelService::new(Arc::clone(&ctx)),
            roles: roles::RoleService::new(Arc::clone(&ctx)),
            invites: invites::InviteService::new(Arc::clone(&ctx)),
            events: events::EventService::new(Arc::clone(&ctx)),
            relationships: relationships::RelationshipService::new(Arc::clone(&ctx)),
            dms: dms::DmService::new(Arc::clone(&ctx)),
            bots: bots::BotService::new(Arc::clone(&ctx)),
            voice: voice::VoiceService::new(Arc::clone(&ctx)),
            ctx,
        })
    }

    /// Ends all event streams so a graceful shutdown does not wait on them forever.
    pub fn close_streams(&self) {
        self.ctx.hub.close_all();
        // The mail workers stop too; unsent mail stays in the outbox for the next start.
        self.ctx.mail.stop();
        self.ctx.notify.stop();
    }

    /// Stops the mail workers and waits (a few seconds at most) until they ended, so a send
    /// in flight is recorded or handed back rather than left leased to a stopped process.
    pub async fn stop_workers(&self) {
        self.ctx.mail.stop();
        self.ctx.notify.stop();
        let both = async {
            self.ctx.mail.until_exited().await;
            self.ctx.notify.until_exited().await;
        };
        let limit = mail::outbox::STOP_GRACE + std::time::Duration::from_secs(5);
        if tokio::time::timeout(limit, both).await.is_err() {
            tracing::warn!("mail workers did not stop in time");
        }
    }

    /// Clustered: the stored events this node's feed has received (those of the audiences
    /// its users need, and those addressed to very many audiences at once). `None` alone.
    pub fn cluster_received(&self) -> Option<u64> {
        self.ctx.cluster.as_ref().map(|c| c.received())
    }

    /// Clustered: the ephemeral events (typing, presence, voice signals) this node has
    /// received. `None` alone.
    pub fn cluster_received_ephemeral(&self) -> Option<u64> {
        self.ctx.cluster.as_ref().map(|c| c.received_ephemeral())
    }

    /// Whether the database answers (for health checks).
    pub async fn healthy(&self) -> bool {
        self.ctx.store.ping().await.is_ok()
    }
}
