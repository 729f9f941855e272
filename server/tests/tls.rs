//! HTTPS on the one port: gRPC (HTTP/2 by ALPN), gRPC-web, REST and the web client over TLS
//! with a generated certificate; the self-signed certificate is generated once and reused;
//! unusable certificate files stop the start with an error naming the file.

mod common;

use std::{path::Path, sync::Arc};

use common::{Backend, TestServer, bounded};
use decentra::{Config, tls};
use decentra_sdk::{Client, proto};
use hyper_util::rt::TokioIo;
use prost::Message as _;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
use tempfile::TempDir;
use tonic::transport::{Endpoint, Uri};

/// Writes a new certificate for `localhost`/127.0.0.1 and its key into `dir`.
fn write_cert(dir: &Path, stem: &str) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let (cert, key) = tls::generate_self_signed(&["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("generate");
    let cert_path = dir.join(format!("{stem}.crt"));
    let key_path = dir.join(format!("{stem}.key"));
    std::fs::write(&cert_path, &cert).expect("write cert");
    std::fs::write(&key_path, &key).expect("write key");
    (cert_path, key_path, cert)
}

/// An HTTPS client trusting only `cert_pem`.
fn https_client(cert_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).expect("pem"))
        .build()
        .expect("client")
}

/// A gRPC channel over TLS trusting only `cert_pem`, offering only `h2` by ALPN (like any
/// gRPC client); fails the test unless the server picks `h2`.
async fn grpc_channel(server: &TestServer, cert_pem: &str) -> tonic::transport::Channel {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(cert_pem.as_bytes()) {
        roots.add(cert.expect("cert")).expect("root");
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let addr = server.addr;
    Endpoint::from_shared(server.url())
        .expect("endpoint")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let connector = connector.clone();
            async move {
                let tcp = tokio::net::TcpStream::connect(addr).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").expect("name"), tcp)
                    .await?;
                assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
        .expect("gRPC over TLS connects")
}

async fn every_protocol_over_https(backend: Backend) {
    let certs = TempDir::new().expect("temp dir");
    let (cert, key, cert_pem) = write_cert(certs.path(), "server");
    let server = TestServer::start_with(backend, |c| {
        c.tls_cert = Some(cert);
        c.tls_key = Some(key);
    })
    .await;
    assert!(server.url().starts_with("https://"));

    // (a) gRPC over HTTP/2 + TLS, through the SDK on a TLS channel.
    let sdk = Client::from_channel(grpc_channel(&server, &cert_pem).await);
    let reg = sdk
        .register(proto::RegisterRequest {
            username: "tlsuser".into(),
            password: "tlsuser-password".into(),
            email: None,
            invite_code: None,
        })
        .await
        .expect("register over gRPC + TLS");
    let me = sdk.me().await.expect("current user over TLS");
    assert_eq!(me.username, "tlsuser");

    let http = https_client(&cert_pem);
    // (b) gRPC-web over HTTPS (HTTP/1.1, as a browser without h2 would).
    let body = proto::GetCurrentUserRequest {}.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend_from_slice(&body);
    let resp = https_client(&cert_pem)
        .post(format!(
            "{}/decentra.v1.UserService/GetCurrentUser",
            server.url()
        ))
        .version(reqwest::Version::HTTP_11)
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("authorization", format!("Bearer {}", reg.access_token))
        .body(frame)
        .send()
        .await
        .expect("gRPC-web over HTTPS");
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.expect("body");
    let len = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]) as usize;
    let reply = proto::GetCurrentUserResponse::decode(&bytes[5..5 + len]).expect("gRPC-web reply");
    assert_eq!(reply.user.expect("user").username, "tlsuser");
    let trailers = String::from_utf8_lossy(&bytes[5 + len..]);
    assert!(trailers.contains("grpc-status:0"), "{trailers}");

    // (c) REST and the web app over HTTPS.
    let resp = http
        .get(format!("{}/api/v1/users/@me", server.url()))
        .bearer_auth(&reg.access_token)
        .send()
        .await
        .expect("REST over HTTPS");
    assert_eq!(resp.status(), 200);
    let json: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(json["username"], "tlsuser", "{json}");
    let resp = http
        .get(format!("{}/", server.url()))
        .send()
        .await
        .expect("web app over HTTPS");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .is_ok_and(|ct| ct.starts_with("text/html"))
    );
    assert!(resp.text().await.expect("html").contains("<html"));

    // A client that does not trust the certificate is refused by its own TLS check.
    let untrusting = reqwest::Client::builder().build().expect("client");
    assert!(
        untrusting
            .get(format!("{}/healthz", server.url()))
            .send()
            .await
            .is_err()
    );
    server.stop().await;
}

#[tokio::test]
async fn every_protocol_over_https_sqlite() {
    bounded(every_protocol_over_https(Backend::Sqlite)).await;
}

#[tokio::test]
async fn every_protocol_over_https_postgres() {
    bounded(every_protocol_over_https(Backend::Postgres)).await;
}

async fn self_signed_is_generated_once_and_reused(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.tls_self_signed = true;
        c.tls_names = vec!["chat.lan".to_owned(), "192.0.2.7".to_owned()];
    })
    .await;
    let (cert_path, key_path) = tls::self_signed_paths(&server.config.data_dir);
    let cert_pem = std::fs::read_to_string(&cert_path).expect("certificate persisted");
    let key_pem = std::fs::read(&key_path).expect("key persisted");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_path)
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is private: {mode:o}");
    }
    let http = https_client(&cert_pem);
    let ok = http
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .expect("self-signed HTTPS");
    assert_eq!(ok.status(), 200);

    // The next start serves the same certificate: clients that trusted it keep working.
    let server = server.restart().await;
    assert_eq!(std::fs::read_to_string(&cert_path).expect("cert"), cert_pem);
    assert_eq!(std::fs::read(&key_path).expect("key"), key_pem);
    let ok = http
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .expect("same certificate after restart");
    assert_eq!(ok.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn self_signed_is_generated_once_and_reused_sqlite() {
    bounded(self_signed_is_generated_once_and_reused(Backend::Sqlite)).await;
}

#[tokio::test]
async fn self_signed_is_generated_once_and_reused_postgres() {
    bounded(self_signed_is_generated_once_and_reused(Backend::Postgres)).await;
}

/// Start-up errors name the file and the problem.
#[test]
fn unusable_certificate_files_are_refused_clearly() {
    let dir = TempDir::new().expect("temp dir");
    let (cert, key, _) = write_cert(dir.path(), "a");
    let (_, other_key, _) = write_cert(dir.path(), "b");
    let config = |cert: &Path, key: &Path| Config {
        tls_cert: Some(cert.to_path_buf()),
        tls_key: Some(key.to_path_buf()),
        ..Config::default()
    };
    assert!(config(&cert, &key).tls().expect("valid pair").is_some());

    let missing = dir.path().join("missing.crt");
    let err = format!("{:#}", config(&missing, &key).tls().expect_err("missing"));
    assert!(
        err.contains("reading TLS certificate") && err.contains("missing.crt"),
        "{err}"
    );

    let err = format!(
        "{:#}",
        config(&cert, &other_key).tls().expect_err("mismatch")
    );
    assert!(err.contains("does not fit certificate"), "{err}");

    let garbage = dir.path().join("garbage.crt");
    std::fs::write(&garbage, "not a certificate").expect("write");
    let err = format!("{:#}", config(&garbage, &key).tls().expect_err("garbage"));
    assert!(err.contains("no CERTIFICATE"), "{err}");

    let err = format!(
        "{:#}",
        config(&cert, &cert).tls().expect_err("key is a cert")
    );
    assert!(err.contains("no usable private key"), "{err}");

    // Half a pair is a configuration error.
    let half = Config::from_lookup(|k| (k == "DECENTRA_TLS_CERT").then(|| "x.crt".into()));
    assert!(half.is_err());
}
