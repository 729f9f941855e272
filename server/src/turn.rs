//! The embedded TURN server (the `turn` crate of the webrtc-rs project): off by default, on
//! ONE port for UDP and TCP (for networks that block UDP), authenticated by the TURN REST
//! convention — username `<unix expiry>:<user id>`, password
//! `base64(HMAC-SHA1(shared secret, username))` — so the same credentials work with an
//! external coturn (`use-auth-secret`) configured with the same secret.
//!
//! Relayed transport addresses are UDP sockets taken from `turn_relay_ports` (a range, by the
//! crate's range generator), since every allocation needs its own address.
//!
//! Peer addresses are filtered: a relay into loopback, private (RFC 1918, unique-local),
//! link-local or shared (CGNAT) addresses would let anyone with a credential reach the
//! host's LAN (SSRF), so CreatePermission and ChannelBind naming such a peer get 403
//! Forbidden unless `turn_allow_private_peers` is set (LAN-only deployments, tests).
//! Unspecified, multicast and broadcast peers are always refused. The `turn` crate has no
//! permission hook, so [`PeerFilter`] sits in front of the server's listening connection.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context as _, Result};
use async_trait::async_trait;
use base64::{Engine as _, engine::general_purpose::STANDARD};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream, UdpSocket, tcp},
    sync::Mutex,
    task::JoinHandle,
};
use turn::{
    auth::{AuthHandler, generate_auth_key},
    relay::{
        RelayAddressGenerator, relay_range::RelayAddressGeneratorRanges,
        relay_static::RelayAddressGeneratorStatic,
    },
    server::{
        Server,
        config::{ConnConfig, ServerConfig},
    },
};
use webrtc_util::{Conn, vnet::net::Net};

use crate::Config;

/// The realm the server announces (part of the long-term credential key).
pub const REALM: &str = "decentra";

/// What the embedded TURN server needs to start.
#[derive(Clone)]
pub struct TurnConfig {
    /// The address clients and peers reach (in URLs and relayed addresses).
    pub public_ip: IpAddr,
    /// Where the UDP and TCP listeners bind (port 0 = any free port, the same for both).
    pub bind: SocketAddr,
    /// Relay ports, inclusive; `None` = any free port the OS picks.
    pub relay_ports: Option<(u16, u16)>,
    /// The TURN REST shared secret.
    pub secret: String,
    /// Relay to loopback / private / link-local peers too (LAN-only deployments).
    pub allow_private_peers: bool,
}

impl std::fmt::Debug for TurnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnConfig")
            .field("public_ip", &self.public_ip)
            .field("bind", &self.bind)
            .field("relay_ports", &self.relay_ports)
            .field("secret", &"<redacted>")
            .field("allow_private_peers", &self.allow_private_peers)
            .finish()
    }
}

impl TurnConfig {
    /// The TURN configuration if `turn_public_ip` is set; the shared secret is the configured
    /// one or generated once and kept in `data_dir/turn_secret`.
    pub fn from_config(config: &Config) -> Result<Option<Self>> {
        let Some(public_ip) = config.turn_public_ip else {
            return Ok(None);
        };
        Ok(Some(Self {
            public_ip,
            bind: SocketAddr::new(config.turn_bind, config.turn_port),
            relay_ports: config.turn_relay_ports,
            secret: shared_secret(config)?,
            allow_private_peers: config.turn_allow_private_peers,
        }))
    }
}

/// The configured TURN REST secret, or the one generated once into the data dir.
pub fn shared_secret(config: &Config) -> Result<String> {
    if !config.turn_secret.is_empty() {
        return Ok(config.turn_secret.clone());
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let bytes = crate::config::load_or_create_secret(&config.data_dir.join("turn_secret"))?;
    Ok(STANDARD.encode(bytes))
}

/// The TURN REST password for `username`: `base64(HMAC-SHA1(secret, username))`.
pub fn rest_password(secret: &str, username: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    STANDARD.encode(ring::hmac::sign(&key, username.as_bytes()).as_ref())
}

/// Time-limited credentials for `user` valid for `ttl`: `(username, password)`.
pub fn rest_credentials(secret: &str, user: &str, ttl: Duration) -> (String, String) {
    let expiry = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_add(ttl)
        .as_secs();
    let username = format!("{expiry}:{user}");
    let password = rest_password(secret, &username);
    (username, password)
}

/// Checks TURN REST usernames: `<unix expiry>[:<user>]`, refused once expired.
struct RestAuth {
    secret: String,
}

impl AuthHandler for RestAuth {
    fn auth_handle(
        &self,
        username: &str,
        realm: &str,
        src_addr: SocketAddr,
    ) -> Result<Vec<u8>, turn::Error> {
        let expiry = username
            .split(':')
            .next()
            .and_then(|t| t.parse::<u64>().ok())
            .ok_or_else(|| turn::Error::Other(format!("malformed TURN username {username:?}")))?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if expiry < now {
            tracing::debug!(%src_addr, username, "expired TURN credential refused");
            return Err(turn::Error::Other(format!(
                "expired TURN username {username:?}"
            )));
        }
        let password = rest_password(&self.secret, username);
        Ok(generate_auth_key(username, realm, &password))
    }
}

/// The running embedded TURN server. The handle the rest of the server needs: [`urls`] and
/// [`secret`] (what `GetIceServers` hands out with REST credentials). Dropping it stops
/// accepting TCP connections; [`EmbeddedTurn::close`] also ends the allocations.
///
/// [`urls`]: EmbeddedTurn::urls
/// [`secret`]: EmbeddedTurn::secret
pub struct EmbeddedTurn {
    urls: Vec<String>,
    secret: String,
    local_addr: SocketAddr,
    udp: Server,
    tcp_task: JoinHandle<()>,
}

impl std::fmt::Debug for EmbeddedTurn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedTurn")
            .field("urls", &self.urls)
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl EmbeddedTurn {
    /// Binds UDP and TCP on the same port and starts serving.
    pub async fn start(config: TurnConfig) -> Result<Self> {
        let (udp, tcp) = bind_same_port(config.bind).await?;
        let local_addr = udp.local_addr()?;
        let auth: Arc<dyn AuthHandler + Send + Sync> = Arc::new(RestAuth {
            secret: config.secret.clone(),
        });
        let udp_server = Server::new(ServerConfig {
            conn_configs: vec![ConnConfig {
                conn: Arc::new(PeerFilter::new(Arc::new(udp), config.allow_private_peers)),
                relay_addr_generator: relay_generator(&config),
            }],
            realm: REALM.to_owned(),
            auth_handler: Arc::clone(&auth),
            channel_bind_timeout: Duration::ZERO,
            alloc_close_notify: None,
        })
        .await
        .context("starting the TURN server (UDP)")?;
        let tcp_task = tokio::spawn(serve_tcp(tcp, config.clone(), auth));
        let host = match config.public_ip {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let port = local_addr.port();
        let urls = vec![
            format!("turn:{host}:{port}?transport=udp"),
            format!("turn:{host}:{port}?transport=tcp"),
        ];
        tracing::info!(%local_addr, ?urls, relay_ports = ?config.relay_ports, allow_private_peers = config.allow_private_peers, "TURN server listening (UDP + TCP)");
        if !config.allow_private_peers && !is_public_peer(config.public_ip) {
            tracing::warn!(
                public_ip = %config.public_ip,
                "the TURN public IP is not public but relays to private addresses are refused: \
                 set DECENTRA_TURN_ALLOW_PRIVATE_PEERS=true for a LAN-only deployment"
            );
        }
        Ok(Self {
            urls,
            secret: config.secret,
            local_addr,
            udp: udp_server,
            tcp_task,
        })
    }

    /// `turn:IP:PORT?transport=udp` and `turn:IP:PORT?transport=tcp`.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// The TURN REST shared secret (see [`rest_credentials`]).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The local address of the UDP and TCP listeners.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops both listeners and ends every allocation.
    pub async fn close(self) {
        self.tcp_task.abort();
        if let Err(e) = self.udp.close().await {
            tracing::debug!(error = %e, "closing the TURN server");
        }
    }
}

impl Drop for EmbeddedTurn {
    fn drop(&mut self) {
        self.tcp_task.abort();
    }
}

fn relay_generator(config: &TurnConfig) -> Box<dyn RelayAddressGenerator + Send + Sync> {
    let address = config.bind.ip().to_string();
    let net = Arc::new(Net::new(None));
    match config.relay_ports {
        Some((min_port, max_port)) => Box::new(RelayAddressGeneratorRanges {
            relay_address: config.public_ip,
            min_port,
            max_port,
            max_retries: 32,
            address,
            net,
        }),
        None => Box::new(RelayAddressGeneratorStatic {
            relay_address: config.public_ip,
            address,
            net,
        }),
    }
}

/// UDP and TCP on the same port; with port 0 the OS picks the UDP port and TCP follows it
/// (retried a few times should that port be taken for TCP).
async fn bind_same_port(bind: SocketAddr) -> Result<(UdpSocket, TcpListener)> {
    let attempts = if bind.port() == 0 { 16 } else { 1 };
    let mut last = None;
    for _ in 0..attempts {
        let udp = UdpSocket::bind(bind)
            .await
            .with_context(|| format!("binding TURN UDP {bind}"))?;
        let addr = udp.local_addr()?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(anyhow::anyhow!(
        "binding TURN TCP on the UDP port ({bind}): {}",
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// TURN over TCP: each connection gets its own server instance over a framed [`StreamConn`]
/// (allocations of a TCP client live as long as its connection).
async fn serve_tcp(
    listener: TcpListener,
    config: TurnConfig,
    auth: Arc<dyn AuthHandler + Send + Sync>,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "TURN TCP accept failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let config = config.clone();
        let auth = Arc::clone(&auth);
        tokio::spawn(async move {
            let conn = match StreamConn::new(stream) {
                Ok(conn) => Arc::new(conn),
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TURN TCP connection unusable");
                    return;
                }
            };
            let server = Server::new(ServerConfig {
                conn_configs: vec![ConnConfig {
                    conn: Arc::new(PeerFilter::new(
                        Arc::clone(&conn) as Arc<dyn Conn + Send + Sync>,
                        config.allow_private_peers,
                    )),
                    relay_addr_generator: relay_generator(&config),
                }],
                realm: REALM.to_owned(),
                auth_handler: auth,
                channel_bind_timeout: Duration::ZERO,
                alloc_close_notify: None,
            })
            .await;
            match server {
                Ok(server) => {
                    conn.closed().await;
                    let _ = server.close().await;
                }
                Err(e) => tracing::warn!(%peer, error = %e, "TURN over TCP failed to start"),
            }
        });
    }
}

/// A TCP stream seen as the datagram connection the `turn` crate works on: STUN messages and
/// ChannelData frames are self-delimiting (RFC 5766 §11.5: ChannelData padded to 4 bytes on
/// streams). Used by the server for TCP clients and by TURN-over-TCP clients (the doctor).
pub struct StreamConn {
    reader: Mutex<tcp::OwnedReadHalf>,
    writer: Mutex<tcp::OwnedWriteHalf>,
    local: SocketAddr,
    peer: SocketAddr,
    closed: tokio::sync::Notify,
    is_closed: std::sync::atomic::AtomicBool,
}

impl StreamConn {
    /// Wraps a connected stream.
    pub fn new(stream: TcpStream) -> std::io::Result<Self> {
        let local = stream.local_addr()?;
        let peer = stream.peer_addr()?;
        let _ = stream.set_nodelay(true);
        let (reader, writer) = stream.into_split();
        Ok(Self {
            reader: Mutex::new(reader),
            writer: Mutex::new(writer),
            local,
            peer,
            closed: tokio::sync::Notify::new(),
            is_closed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Resolves once the stream has ended (read EOF or error, or `close`).
    pub async fn closed(&self) {
        let notified = self.closed.notified();
        if self.is_closed.load(std::sync::atomic::Ordering::Acquire) {
            return;
        }
        notified.await;
    }

    fn mark_closed(&self) {
        self.is_closed
            .store(true, std::sync::atomic::Ordering::Release);
        self.closed.notify_waiters();
    }

    async fn read_frame(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut reader = self.reader.lock().await;
        let mut header = [0u8; 4];
        reader.read_exact(&mut header).await?;
        let len = u16::from_be_bytes([header[2], header[3]]) as usize;
        let (total, padded) = match header[0] >> 6 {
            // STUN: 20-byte header, attributes already 4-byte aligned.
            0 => (20 + len, 20 + len),
            // ChannelData (0x40..=0x7F): 4-byte header, padded to 4 on streams.
            1 => (4 + len, (4 + len).div_ceil(4) * 4),
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "neither STUN nor ChannelData on the TURN stream",
                ));
            }
        };
        if total > buf.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "TURN frame larger than the buffer",
            ));
        }
        buf[..4].copy_from_slice(&header);
        reader.read_exact(&mut buf[4..total]).await?;
        let mut padding = [0u8; 3];
        reader.read_exact(&mut padding[..padded - total]).await?;
        Ok(total)
    }
}

#[async_trait]
impl Conn for StreamConn {
    async fn connect(&self, _addr: SocketAddr) -> webrtc_util::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported).into())
    }

    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        match self.read_frame(buf).await {
            Ok(n) => Ok((n, self.peer)),
            Err(e) => {
                self.mark_closed();
                Err(e.into())
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        self.send_to(buf, self.peer).await
    }

    async fn send_to(&self, buf: &[u8], _target: SocketAddr) -> webrtc_util::Result<usize> {
        let channel_data = buf.first().is_some_and(|b| b >> 6 == 1);
        let pad = if channel_data {
            buf.len().next_multiple_of(4) - buf.len()
        } else {
            0
        };
        let mut writer = self.writer.lock().await;
        let written = async {
            writer.write_all(buf).await?;
            writer.write_all(&[0u8; 3][..pad]).await
        }
        .await;
        if let Err(e) = written {
            self.mark_closed();
            return Err(e.into());
        }
        Ok(buf.len())
    }

    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        Ok(self.local)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        Some(self.peer)
    }

    async fn close(&self) -> webrtc_util::Result<()> {
        let _ = self.writer.lock().await.shutdown().await;
        self.mark_closed();
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

/// Whether a relay to `ip` is allowed without `allow_private_peers`: a globally routable
/// unicast address (not loopback, private, unique-local, link-local, shared/CGNAT,
/// benchmarking, documentation-reserved or "this network").
pub fn is_public_peer(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Whether a relay to `ip` is allowed: public peers always; with `allow_private` also
/// loopback / private / link-local ones, but never unspecified, multicast or broadcast.
pub fn peer_allowed(ip: IpAddr, allow_private: bool) -> bool {
    if is_public_peer(ip) {
        return true;
    }
    allow_private
        && match ip.to_canonical() {
            IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast()),
            IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
        }
}

/// The TURN server's listening connection with the peer-address filter in front: a
/// CreatePermission or ChannelBind request naming a refused peer is answered 403 Forbidden
/// here and never reaches the server (so no permission exists, and Send indications and
/// ChannelData to that peer are dropped by the server itself).
pub struct PeerFilter {
    inner: Arc<dyn Conn + Send + Sync>,
    allow_private: bool,
}

impl PeerFilter {
    /// Filters `inner`.
    pub fn new(inner: Arc<dyn Conn + Send + Sync>, allow_private: bool) -> Self {
        Self {
            inner,
            allow_private,
        }
    }

    /// The 403 response for a request naming a refused peer, `Some(None)` for an indication
    /// to drop silently, `None` to let the message through.
    fn refusal(&self, packet: &[u8]) -> Option<Option<Vec<u8>>> {
        use stun::{
            attributes::ATTR_XOR_PEER_ADDRESS,
            error_code::{CODE_FORBIDDEN, ErrorCodeAttribute},
            message::{
                CLASS_ERROR_RESPONSE, CLASS_REQUEST, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION,
                METHOD_SEND, Message, MessageType,
            },
        };
        if !stun::message::is_message(packet) {
            return None;
        }
        let mut m = Message::new();
        m.raw = packet.to_vec();
        m.decode().ok()?;
        let method = m.typ.method;
        if method != METHOD_CREATE_PERMISSION
            && method != METHOD_CHANNEL_BIND
            && method != METHOD_SEND
        {
            return None;
        }
        let refused = m
            .attributes
            .0
            .iter()
            .filter(|a| a.typ == ATTR_XOR_PEER_ADDRESS)
            .filter_map(|a| xor_peer_ip(&a.value, &m.transaction_id.0))
            .find(|ip| !peer_allowed(*ip, self.allow_private))?;
        tracing::info!(peer = %refused, method = %method, "TURN relay to a non-public peer refused");
        if m.typ.class != CLASS_REQUEST {
            return Some(None);
        }
        let mut response = Message::new();
        response
            .build(&[
                Box::new(m.transaction_id),
                Box::new(MessageType::new(method, CLASS_ERROR_RESPONSE)),
                Box::new(ErrorCodeAttribute {
                    code: CODE_FORBIDDEN,
                    reason: b"Forbidden: peer address not allowed".to_vec(),
                }),
            ])
            .ok()?;
        Some(Some(response.raw))
    }
}

/// The IP of an XOR-PEER-ADDRESS value (RFC 5389 §15.2).
fn xor_peer_ip(value: &[u8], transaction_id: &[u8; 12]) -> Option<IpAddr> {
    const COOKIE: [u8; 4] = 0x2112_A442u32.to_be_bytes();
    match (value.get(1)?, value.get(4..)?) {
        (1, addr) if addr.len() >= 4 => {
            let mut ip = [0u8; 4];
            for (i, b) in ip.iter_mut().enumerate() {
                *b = addr[i] ^ COOKIE[i];
            }
            Some(IpAddr::from(ip))
        }
        (2, addr) if addr.len() >= 16 => {
            let mut ip = [0u8; 16];
            for (i, b) in ip.iter_mut().enumerate() {
                let key = if i < 4 {
                    COOKIE[i]
                } else {
                    transaction_id[i - 4]
                };
                *b = addr[i] ^ key;
            }
            Some(IpAddr::from(ip))
        }
        _ => None,
    }
}

#[async_trait]
impl Conn for PeerFilter {
    async fn connect(&self, addr: SocketAddr) -> webrtc_util::Result<()> {
        self.inner.connect(addr).await
    }

    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        loop {
            let (n, from) = self.inner.recv_from(buf).await?;
            match self.refusal(&buf[..n]) {
                None => return Ok((n, from)),
                Some(Some(response)) => {
                    if let Err(e) = self.inner.send_to(&response, from).await {
                        tracing::debug!(%from, error = %e, "sending a TURN 403 failed");
                    }
                }
                Some(None) => {}
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        self.inner.send(buf).await
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> webrtc_util::Result<usize> {
        self.inner.send_to(buf, target).await
    }

    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        self.inner.local_addr()
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        self.inner.remote_addr()
    }

    async fn close(&self) -> webrtc_util::Result<()> {
        self.inner.close().await
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}
