//! Test harness: the real server on `127.0.0.1:0` with a fresh database per test, on either
//! backend, driven through the Rust SDK.

#![allow(dead_code)]

pub mod events;
pub mod nats;
#[path = "../../core/tests/support/pg.rs"]
pub mod pg;
pub mod process;
pub mod smtp;
pub mod voice;

use std::{net::SocketAddr, sync::Arc};

use decentra::{Config, app};
use decentra_sdk::{Client, proto};
use tempfile::TempDir;
use tokio::{sync::oneshot, task::JoinHandle};

/// Storage backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fixed secret so tests can forge tokens (expired, tampered) like an attacker who knows
/// the format but — in the tampered cases — not the key.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A running server plus what it needs to be restarted on the same data.
pub struct TestServer {
    pub addr: SocketAddr,
    pub config: Config,
    pub database_url: String,
    /// The running server's password hasher (its high-water mark is only visible inside).
    pub password_hasher: decentra_core::auth::password::PasswordHasher,
    /// The running server's services, for tests of calls no RPC exposes yet (deleting an
    /// owner's bots).
    pub services: decentra_core::Services,
    /// The embedded TURN server, started (as `main` does) when the config sets
    /// `turn_public_ip`.
    pub turn: Option<decentra::turn::EmbeddedTurn>,
    data_dir: Arc<TempDir>,
    pg_database: Option<pg::TestDatabase>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts with a config tweak (rate limits, TTLs, …).
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let data_dir = Arc::new(TempDir::new().expect("temp dir"));
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data_dir.path().join("decentra.db").display()),
                None,
            ),
            Backend::Postgres => {
                let db = pg::fresh_database().await;
                (db.url.clone(), Some(db))
            }
        };
        let mut config = Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.clone(),
            data_dir: data_dir.path().to_path_buf(),
            jwt_secret: JWT_SECRET.to_owned(),
            // Generous defaults so ordinary tests never trip the limiter.
            auth_rate_per_ip: 10_000,
            auth_rate_per_username: 10_000,
            ..Config::default()
        };
        tweak(&mut config);
        Self::launch(config, database_url, data_dir, pg_database).await
    }

    async fn launch(
        config: Config,
        database_url: String,
        data_dir: Arc<TempDir>,
        pg_database: Option<pg::TestDatabase>,
    ) -> Self {
        let turn = match decentra::turn::TurnConfig::from_config(&config).expect("TURN config") {
            Some(turn) => Some(
                decentra::turn::EmbeddedTurn::start(turn)
                    .await
                    .expect("TURN starts"),
            ),
            None => None,
        };
        let services = decentra::services_with_turn(&config, turn.as_ref())
            .await
            .expect("services start");
        let router = app::router(services.clone()).await.expect("router");
        let password_hasher = services.auth.password_hasher().clone();
        let services_handle = services.clone();
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let tls = config.tls().expect("TLS configuration");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            match tls {
                Some(tls) => app::serve_tls(listener, tls, router, services, stop).await,
                None => app::serve(listener, router, services, stop).await,
            }
            .expect("serve");
        });
        Self {
            addr,
            config,
            database_url,
            password_hasher,
            services: services_handle,
            turn,
            data_dir,
            pg_database,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` when the server serves TLS (the
    /// name its test certificates carry).
    pub fn url(&self) -> String {
        if self.config.tls_cert.is_some() || self.config.tls_self_signed {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// `n` nodes sharing one fresh PostgreSQL database and one NATS event stream (a prefix
    /// of their own), each with its own node id and data directory. The database and the
    /// stream go with the returned guards (keep them until the nodes are stopped).
    pub async fn cluster(
        n: usize,
        tweak: impl Fn(&mut Config),
    ) -> (Vec<TestServer>, pg::TestDatabase, nats::TestStream) {
        let db = pg::fresh_database().await;
        let stream = nats::TestStream::new();
        let mut nodes = Vec::new();
        for i in 0..n {
            nodes.push(Self::node(&db.url, &stream, i as u16 + 1, &tweak).await);
        }
        (nodes, db, stream)
    }

    /// One more node of a cluster (node ids must differ).
    pub async fn node(
        database_url: &str,
        stream: &nats::TestStream,
        node_id: u16,
        tweak: impl Fn(&mut Config),
    ) -> Self {
        let data_dir = Arc::new(TempDir::new().expect("temp dir"));
        let mut config = Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.to_owned(),
            data_dir: data_dir.path().to_path_buf(),
            jwt_secret: JWT_SECRET.to_owned(),
            auth_rate_per_ip: 10_000,
            auth_rate_per_username: 10_000,
            node_id,
            nats_url: nats::url().to_owned(),
            nats_prefix: stream.prefix.clone(),
            ..Config::default()
        };
        tweak(&mut config);
        Self::launch(config, database_url.to_owned(), data_dir, None).await
    }

    /// A new SDK client (no session yet).
    pub async fn client(&self) -> Client {
        Client::connect(self.url()).await.expect("connect")
    }

    /// Stops the server gracefully and starts a new one on the same data directory and
    /// database (the port changes).
    pub async fn restart(mut self) -> Self {
        self.stop_server().await;
        let config = self.config.clone();
        let data_dir = Arc::clone(&self.data_dir);
        let pg = self.pg_database.take();
        Self::launch(config, self.database_url.clone(), data_dir, pg).await
    }

    async fn stop_server(&mut self) {
        if let Some(turn) = self.turn.take() {
            turn.close().await;
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // A server that cannot shut down gracefully is a bug to report, not to wait on.
            tokio::time::timeout(std::time::Duration::from_secs(30), task)
                .await
                .expect("server did not shut down within 30 s")
                .expect("server task");
        }
    }

    /// Stops the server; its PostgreSQL database goes with the guard.
    pub async fn stop(mut self) {
        self.stop_server().await;
        drop(self.pg_database.take());
    }
}

/// Registers a user on `server` and returns a signed-in client.
pub async fn register(
    server: &TestServer,
    username: &str,
    invite_code: Option<String>,
) -> Result<(Client, proto::RegisterResponse), tonic::Status> {
    let client = server.client().await;
    let r = client
        .register(proto::RegisterRequest {
            username: username.to_owned(),
            password: format!("{username}-password"),
            email: None,
            invite_code,
        })
        .await
        .map_err(|e| match e {
            decentra_sdk::Error::Status(s) => s,
            other => tonic::Status::internal(other.to_string()),
        })?;
    Ok((client, r))
}

/// The admin (first user) and an invite-created second user.
pub async fn admin_and_member(server: &TestServer) -> (Client, Client) {
    let (admin, _) = register(server, "admin", None).await.expect("first user");
    let code = create_invite(&admin, None, None).await.code;
    let (member, _) = register(server, "member", Some(code))
        .await
        .expect("second user");
    (admin, member)
}

pub async fn create_invite(
    admin: &Client,
    max_uses: Option<u32>,
    expires_in_seconds: Option<i64>,
) -> proto::InstanceInvite {
    admin
        .admin()
        .create_instance_invite(proto::CreateInstanceInviteRequest {
            max_uses,
            expires_in_seconds,
        })
        .await
        .expect("create invite")
        .into_inner()
        .invite
        .expect("invite")
}

/// Runs a test body with an upper bound, so a hang fails the test instead of CI.
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(300), test)
        .await
        .expect("test did not finish within 300 s");
}

/// Generates `#[tokio::test]`s running each listed `async fn(Backend)` on SQLite and on
/// PostgreSQL (the latter `#[ignore]`d, i.e. reported as skipped, where PostgreSQL is absent).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::bounded(super::$name($crate::common::Backend::Sqlite)).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(decentra_pg),
                    ignore = "PostgreSQL unavailable: set TEST_DATABASE_URL or install PostgreSQL"
                )]
                async fn $name() {
                    $crate::common::bounded(super::$name($crate::common::Backend::Postgres)).await
                }
            )*
        }
    };
}

/// The `#general` channel id of a freshly created server, read from the owner's channels.
pub async fn general_channel(client: &Client, server_id: &str) -> String {
    client
        .channels()
        .list_channels(proto::ListChannelsRequest {
            server_id: server_id.to_owned(),
        })
        .await
        .expect("list channels")
        .into_inner()
        .channels
        .into_iter()
        .find(|c| c.name == "general")
        .expect("#general")
        .id
}

/// Creates a server owned by `owner` and returns it.
pub async fn create_server(owner: &Client, name: &str) -> proto::Server {
    owner
        .servers()
        .create_server(proto::CreateServerRequest {
            name: name.to_owned(),
            ..Default::default()
        })
        .await
        .expect("create server")
        .into_inner()
        .server
        .expect("server")
}

/// Makes `user` join `server` through a fresh invite created by `inviter`.
pub async fn join(inviter: &Client, user: &Client, server_id: &str) {
    let code = inviter
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: server_id.to_owned(),
            ..Default::default()
        })
        .await
        .expect("create invite")
        .into_inner()
        .invite
        .expect("invite")
        .code;
    user.invites()
        .accept_invite(proto::AcceptInviteRequest { code })
        .await
        .expect("accept invite");
}

/// Registers `n` more users (through admin invites) and returns their clients and ids.
pub async fn users(server: &TestServer, admin: &Client, names: &[&str]) -> Vec<(Client, String)> {
    let mut out = Vec::new();
    for name in names {
        let code = create_invite(admin, Some(1), None).await.code;
        let (client, reg) = register(server, name, Some(code)).await.expect("register");
        out.push((client, reg.user.expect("user").id));
    }
    out
}

/// The bit of one permission flag.
pub fn bit(p: proto::Permission) -> u64 {
    1u64 << (p as i32)
}

/// The bits of several permission flags.
pub fn bits(ps: &[proto::Permission]) -> u64 {
    ps.iter().map(|p| bit(*p)).fold(0, |a, b| a | b)
}

/// The signed-in user's id.
pub async fn user_id(client: &Client) -> String {
    client
        .users()
        .get_current_user(proto::GetCurrentUserRequest {})
        .await
        .expect("current user")
        .into_inner()
        .user
        .expect("user")
        .id
}

/// Posts a plain text message; panics if refused.
pub async fn send(client: &Client, channel_id: &str, content: &str) -> proto::Message {
    client
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: channel_id.to_owned(),
            content: content.to_owned(),
            ..Default::default()
        })
        .await
        .expect("send")
        .into_inner()
        .message
        .expect("message")
}

/// The gRPC code of a result.
pub fn code<T>(r: Result<T, tonic::Status>) -> tonic::Code {
    match r {
        Ok(_) => tonic::Code::Ok,
        Err(s) => s.code(),
    }
}

/// Runs one statement with one text bind directly on the server's database: tests use it to
/// reach states the API rightly cannot produce on demand (an invite that already expired).
pub async fn db_exec(ts: &TestServer, sql: &'static str, bind: &str) {
    if ts.database_url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&ts.database_url)
            .await
            .expect("sqlite");
        sqlx::query(sql)
            .bind(bind)
            .execute(&pool)
            .await
            .expect("statement");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&ts.database_url).await.expect("pg");
        sqlx::query(sql)
            .bind(bind)
            .execute(&pool)
            .await
            .expect("statement");
        pool.close().await;
    }
}

/// Runs a script of statements (no binds) on the server's database: `sqlite` on SQLite,
/// `postgres` on PostgreSQL. Tests use it to break the database on purpose (a trigger that
/// makes a write fail).
pub async fn db_script(ts: &TestServer, sqlite: &'static str, postgres: &'static str) {
    if ts.database_url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&ts.database_url)
            .await
            .expect("sqlite");
        sqlx::raw_sql(sqlite).execute(&pool).await.expect("script");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&ts.database_url).await.expect("pg");
        sqlx::raw_sql(postgres)
            .execute(&pool)
            .await
            .expect("script");
        pool.close().await;
    }
}

/// One value (`SELECT x … WHERE y = $1`, one bind) read directly from the server's database,
/// on either backend.
pub async fn db_scalar<T, B>(ts: &TestServer, sql: &str, bind: B) -> T
where
    T: Send
        + Unpin
        + sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>,
    B: Send
        + 'static
        + sqlx::Type<sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Postgres>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>,
{
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    if ts.database_url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&ts.database_url)
            .await
            .expect("sqlite");
        let v = sqlx::query_scalar(sql)
            .bind(bind)
            .fetch_one(&pool)
            .await
            .expect("query");
        pool.close().await;
        v
    } else {
        let pool = sqlx::PgPool::connect(&ts.database_url).await.expect("pg");
        let v = sqlx::query_scalar(sql)
            .bind(bind)
            .fetch_one(&pool)
            .await
            .expect("query");
        pool.close().await;
        v
    }
}

/// `SELECT COUNT(*) …` with one integer bind, on the server's database.
pub async fn db_count(ts: &TestServer, sql: &str, id: i64) -> i64 {
    db_scalar(ts, sql, id).await
}

/// A REST call to `{base_url}/api/v1{path}` with an optional `authorization` header value
/// (`Bearer …`, `Bot …`) and JSON body: the status and the JSON answer (`Null` if none).
pub async fn rest_at(
    base_url: &str,
    method: reqwest::Method,
    path: &str,
    auth: Option<String>,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut rq = reqwest::Client::new().request(method, format!("{base_url}/api/v1{path}"));
    if let Some(a) = auth {
        rq = rq.header("authorization", a);
    }
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    let resp = rq.send().await.expect("send");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

/// [`rest_at`] against a test server.
pub async fn rest(
    ts: &TestServer,
    method: reqwest::Method,
    path: &str,
    auth: Option<String>,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    rest_at(&ts.url(), method, path, auth, body).await
}
