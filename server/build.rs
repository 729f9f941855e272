//! Two jobs:
//! - embeds the web client (`build/web.rs`);
//! - decides whether the PostgreSQL half of the test suite can run here: with
//!   `TEST_DATABASE_URL` set, or with PostgreSQL's `initdb` installed (the tests then start a
//!   private throwaway cluster). Otherwise those tests are compiled as `#[ignore]`d, so
//!   `cargo test` reports them as skipped — loudly, never as passed.

#[path = "build/web.rs"]
mod web;

use std::path::Path;

fn main() {
    // Listing inputs replaces cargo's default of rerunning on any change in the package.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    web::embed();

    println!("cargo:rustc-check-cfg=cfg(decentra_pg)");
    println!("cargo:rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo:rerun-if-env-changed=PATH");
    let url = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.trim().is_empty());
    if url || initdb_available() {
        println!("cargo:rustc-cfg=decentra_pg");
    } else {
        println!(
            "cargo:warning=PostgreSQL tests will be SKIPPED: set TEST_DATABASE_URL or install \
             PostgreSQL (initdb) to run them"
        );
    }
}

fn initdb_available() -> bool {
    let in_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("initdb").is_file()));
    in_path
        || std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
            versions
                .flatten()
                .any(|v| Path::new(&v.path()).join("bin/initdb").is_file())
        })
}
