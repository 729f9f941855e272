//! Four jobs:
//! - embeds the web client (`build/web.rs`);
//! - packs the binary's relative relocations where the C library can read them packed;
//! - decides whether the web client's own tests can run here (npm, Chromium);
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
    pack_relative_relocations();

    browser_tests();

    // Cluster tests need NATS 2.10+ (JetStream): a given server or the binary to start one.
    println!("cargo:rustc-check-cfg=cfg(decentra_nats)");
    println!("cargo:rerun-if-env-changed=TEST_NATS_URL");
    println!("cargo:rerun-if-env-changed=TEST_NATS_SERVER");
    let nats_url = std::env::var("TEST_NATS_URL").is_ok_and(|u| !u.trim().is_empty());
    match nats_server_version() {
        _ if nats_url => println!("cargo:rustc-cfg=decentra_nats"),
        Some(version) if version >= (2, 10) => println!("cargo:rustc-cfg=decentra_nats"),
        Some((major, minor)) => println!(
            "cargo:warning=cluster tests will be SKIPPED: nats-server {major}.{minor} is too \
             old (nodes need 2.10+); set TEST_NATS_URL or install a newer one"
        ),
        None => println!(
            "cargo:warning=cluster tests will be SKIPPED: set TEST_NATS_URL or install nats-server"
        ),
    }

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

/// The web client's tests (tests/browser.rs) need npm, the end-to-end part also Chromium;
/// without them those tests are compiled as ignored, reported as skipped.
fn browser_tests() {
    println!("cargo:rustc-check-cfg=cfg(decentra_node)");
    println!("cargo:rustc-check-cfg=cfg(decentra_browser)");
    println!("cargo:rerun-if-env-changed=CHROMIUM_PATH");
    let npm = in_path("npm");
    if npm {
        println!("cargo:rustc-cfg=decentra_node");
    } else {
        println!(
            "cargo:warning=web client tests will be SKIPPED: install Node.js (npm) to run them"
        );
    }
    let chromium = std::env::var_os("CHROMIUM_PATH")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    if chromium.is_file() {
        // Only an existing file: a missing one would rerun this script on every build.
        println!("cargo:rerun-if-changed={}", chromium.display());
        if npm {
            println!("cargo:rustc-cfg=decentra_browser");
        }
    } else {
        println!(
            "cargo:warning=browser end-to-end tests will be SKIPPED: install Chromium \
             (Debian: apt-get install chromium) or set CHROMIUM_PATH"
        );
    }
}

/// Links the server with its relative relocations packed (DT_RELR, `-z pack-relative-relocs`):
/// the 50,000 pointers a position-independent binary must fix at start-up take 14 KB to list
/// instead of 1.2 MB, which the loader used to read, page by page, into every process (idle
/// RSS 20.4 -> 18.4 MiB, measured). The loader must understand the packed form: glibc 2.36 or
/// newer, so only for a native build on such a system (the linker then records the
/// requirement, and an older glibc refuses the binary by name instead of misloading it).
/// Linkers that do not know the option ignore it with a warning.
fn pack_relative_relocations() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    if !(native && var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu") {
        return;
    }
    if glibc_version().is_some_and(|v| v >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// This system's glibc version (major, minor), from `getconf GNU_LIBC_VERSION`.
fn glibc_version() -> Option<(u64, u64)> {
    let out = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    // "glibc 2.36"
    let text = String::from_utf8(out.stdout).ok()?;
    let mut parts = text.trim().strip_prefix("glibc ")?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The version (major, minor) of the `nats-server` tests would start (`TEST_NATS_SERVER`, else
/// the installed one), from `nats-server --version`.
fn nats_server_version() -> Option<(u64, u64)> {
    let program = match std::env::var_os("TEST_NATS_SERVER") {
        Some(b) if !b.is_empty() => std::path::PathBuf::from(b),
        _ if in_path("nats-server") => "nats-server".into(),
        _ => "/usr/sbin/nats-server".into(),
    };
    let out = std::process::Command::new(program)
        .arg("--version")
        .output()
        .ok()?;
    // "nats-server: v2.10.27"
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.trim().rsplit(' ').next()?.trim_start_matches('v');
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??))
}

fn in_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

fn initdb_available() -> bool {
    in_path("initdb")
        || std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
            versions
                .flatten()
                .any(|v| Path::new(&v.path()).join("bin/initdb").is_file())
        })
}
