//! The embedded web client on the one port: `index.html` at `/` and on client routes, hashed
//! assets cached forever and precompressed, security headers — and never in place of an API
//! answer. Whatever the build embedded (the Vite build or the placeholder page) is read from
//! the server, nothing about it is assumed.

mod common;

use std::io::Read;

use common::{Backend, TestServer, bounded};
use reqwest::{Client, Response, StatusCode, header};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn header<'r>(resp: &'r Response, name: &str) -> &'r str {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The headers every HTML response of the app carries.
fn assert_app_html(resp: &Response, what: &str) {
    assert_eq!(resp.status(), StatusCode::OK, "{what}");
    assert!(
        header(resp, "content-type").starts_with("text/html"),
        "{what}: {:?}",
        resp.headers()
    );
    let csp = header(resp, "content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP {csp:?} lacks {directive}"
        );
    }
    assert_eq!(header(resp, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(resp, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(resp, "cache-control"), "no-cache", "{what}");
}

async fn get(http: &Client, url: String, accept_encoding: Option<&str>) -> Response {
    let mut rq = http.get(url);
    if let Some(enc) = accept_encoding {
        rq = rq.header(header::ACCEPT_ENCODING, enc);
    }
    rq.send().await.expect("request")
}

/// `/assets/...` URLs referenced by `src="…"` or `href="…"` in the page.
fn asset_urls(html: &str) -> Vec<String> {
    html.split('"')
        .filter(|s| s.starts_with("/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_and_client_routes_serve_the_app() {
    bounded(async {
        let server = TestServer::start(Backend::Sqlite).await;
        let http = Client::new();

        let root = get(&http, server.url(), None).await;
        assert_app_html(&root, "/");
        let etag = header(&root, "etag").to_owned();
        let index = root.text().await.expect("body");
        assert!(index.contains("<html"), "{index}");

        for route in [
            "/invite/SOMECODE",
            "/channels/1/2",
            "/friends",
            "/users/some.one",
        ] {
            let resp = get(&http, format!("{}{route}", server.url()), None).await;
            assert_app_html(&resp, route);
            assert_eq!(resp.text().await.expect("body"), index, "{route}");
        }

        // Revalidation by ETag: the unchanged page is a 304 without a body.
        assert!(!etag.is_empty(), "no ETag on /");
        let resp = http
            .get(format!("{}/invite/SOMECODE", server.url()))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("conditional");
        assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);

        // HEAD answers like GET, without the body.
        let resp = http.head(server.url()).send().await.expect("head");
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.bytes().await.expect("body").is_empty());

        // The app is read-only.
        let resp = http
            .post(format!("{}/friends", server.url()))
            .send()
            .await
            .expect("post");
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
        server.stop().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_immutable_and_precompressed() {
    bounded(async {
        let server = TestServer::start(Backend::Sqlite).await;
        let http = Client::new();
        let index = get(&http, server.url(), None)
            .await
            .text()
            .await
            .expect("index");
        let assets = asset_urls(&index);
        assert!(
            !assets.is_empty(),
            "index.html references no /assets/: {index}"
        );

        for asset in assets {
            let url = format!("{}{asset}", server.url());
            let plain = get(&http, url.clone(), None).await;
            assert_eq!(plain.status(), StatusCode::OK, "{asset}");
            assert_eq!(header(&plain, "cache-control"), IMMUTABLE, "{asset}");
            assert_eq!(header(&plain, "x-content-type-options"), "nosniff");
            assert!(header(&plain, "content-encoding").is_empty(), "{asset}");
            let compressible = header(&plain, "vary")
                .to_ascii_lowercase()
                .contains("accept-encoding");
            let plain = plain.bytes().await.expect("body").to_vec();
            assert!(!plain.is_empty(), "{asset}");
            if !compressible {
                continue;
            }

            let br = get(&http, url.clone(), Some("gzip, deflate, br")).await;
            assert_eq!(header(&br, "content-encoding"), "br", "{asset}");
            assert_eq!(header(&br, "cache-control"), IMMUTABLE, "{asset}");
            let mut decoded = Vec::new();
            brotli::Decompressor::new(&br.bytes().await.expect("body")[..], 4096)
                .read_to_end(&mut decoded)
                .expect("brotli");
            assert_eq!(decoded, plain, "{asset} (br)");

            let gz = get(&http, url, Some("gzip")).await;
            assert_eq!(header(&gz, "content-encoding"), "gzip", "{asset}");
            let mut decoded = Vec::new();
            flate2::read::GzDecoder::new(&gz.bytes().await.expect("body")[..])
                .read_to_end(&mut decoded)
                .expect("gzip");
            assert_eq!(decoded, plain, "{asset} (gzip)");
        }
        server.stop().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_files_and_api_paths_are_not_the_app() {
    bounded(async {
        let server = TestServer::start(Backend::Sqlite).await;
        let http = Client::new();

        for path in ["/assets/nope.js", "/assets/nope", "/no-such-file.png"] {
            let resp = get(&http, format!("{}{path}", server.url()), None).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(
                !header(&resp, "content-type").starts_with("text/html"),
                "{path}"
            );
        }

        // REST keeps its own JSON errors.
        let resp = get(
            &http,
            format!("{}/api/v1/does-not-exist", server.url()),
            None,
        )
        .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert!(header(&resp, "content-type").starts_with("application/json"));
        assert!(header(&resp, "content-security-policy").is_empty());
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["code"], "NOT_FOUND");
        let resp = get(&http, format!("{}/api/v1/instance", server.url()), None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(header(&resp, "content-type").starts_with("application/json"));

        let resp = get(&http, format!("{}/healthz", server.url()), None).await;
        assert_eq!(resp.text().await.expect("body"), "ok");

        // An unknown gRPC-web method answers UNIMPLEMENTED in gRPC-web form, not with a page.
        let resp = http
            .post(format!("{}/grpc.nowhere.v1.Nothing/Call", server.url()))
            .header(header::CONTENT_TYPE, "application/grpc-web+proto")
            .header("x-grpc-web", "1")
            .body(vec![0u8, 0, 0, 0, 0])
            .send()
            .await
            .expect("grpc-web");
        assert!(
            header(&resp, "content-type").starts_with("application/grpc-web"),
            "{:?}",
            resp.headers()
        );
        assert_eq!(header(&resp, "grpc-status"), "12");
        // A browser GET on a gRPC path is the gRPC layer's to refuse, never a page.
        for path in [
            "/grpc.nowhere.v1.Nothing/Call",
            "/decentra.v1.UserService/GetCurrentUser",
        ] {
            let resp = get(&http, format!("{}{path}", server.url()), None).await;
            assert!(resp.status().is_client_error(), "{path}: {}", resp.status());
            assert!(
                header(&resp, "content-security-policy").is_empty(),
                "{path}"
            );
            assert!(
                !header(&resp, "content-type").starts_with("text/html"),
                "{path}"
            );
        }
        server.stop().await;
    })
    .await
}
