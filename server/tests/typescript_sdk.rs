//! The TypeScript client package (`client-sdk/typescript`) against the real server: `npm ci`
//! there, then its node tests log in, list servers, open the event stream and check the
//! `authorization` each kind of token sends. Also checks that regenerating its API code from
//! `proto/` changes nothing. Without npm these are compiled as ignored (reported as skipped).

mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

use common::{Backend, TestServer};
use decentra_sdk::proto;

fn package() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .join("client-sdk")
        .join("typescript")
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("{what}: could not start: {e}"));
    assert!(status.success(), "{what} failed ({status})");
}

fn npm(args: &[&str]) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(package());
    cmd
}

/// `npm ci` once per test binary (the tests share node_modules).
fn install() {
    static DONE: Mutex<bool> = Mutex::new(false);
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if !*done {
        run(
            &mut npm(&["ci", "--no-audit", "--no-fund"]),
            "npm ci (client-sdk/typescript)",
        );
        *done = true;
    }
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
#[cfg_attr(not(decentra_node), ignore = "npm not found: install Node.js")]
fn typescript_generated_code_is_current() {
    install();
    let fresh = tempfile::TempDir::new().expect("temp dir");
    run(
        npm(&["exec", "--", "buf", "generate", "../.."])
            .args(["--template", "buf.gen.yaml", "--output"])
            .arg(fresh.path()),
        "buf generate",
    );
    let fresh = files(&fresh.path().join("gen"));
    let current = files(&package().join("gen"));
    assert!(!fresh.is_empty(), "buf generated nothing");
    let differing: Vec<_> = fresh
        .keys()
        .chain(current.keys())
        .filter(|name| fresh.get(*name) != current.get(*name))
        .collect();
    assert!(
        differing.is_empty(),
        "client-sdk/typescript/gen differs from a fresh generation (run `npm run generate` there): {differing:?}"
    );
}

async fn typescript_client_against_the_server(backend: Backend) {
    tokio::task::spawn_blocking(install)
        .await
        .expect("npm ci task");
    let server = TestServer::start(backend).await;
    let (alice, _) = common::register(&server, "alice", None)
        .await
        .expect("register");
    alice
        .servers()
        .create_server(proto::CreateServerRequest {
            name: "TypeScript".to_owned(),
            ..Default::default()
        })
        .await
        .expect("create server");
    let mut test = npm(&["test"]);
    test.env("DECENTRA_URL", server.url())
        .env("DECENTRA_USERNAME", "alice")
        .env("DECENTRA_PASSWORD", "alice-password")
        .env("DECENTRA_SERVER_NAME", "TypeScript");
    tokio::task::spawn_blocking(move || run(&mut test, "npm test (client-sdk/typescript)"))
        .await
        .expect("npm test task");
    server.stop().await;
}

backend_tests!(typescript_client_against_the_server);
