//! Puts the web client into the binary: builds `web/` with Vite into `OUT_DIR` (never into the
//! source tree) when its sources changed, or takes a prebuilt directory from
//! `DECENTRA_WEB_DIST`, then generates the code `src/web.rs` includes (memory-serve assets:
//! brotli-compressed at build time in release builds, with a SHA-256 ETag each).
//!
//! Without Node.js/npm, in a checkout without the web client, or when the web build fails,
//! the build still succeeds: it warns (with npm's error) and embeds a small page that says how
//! to build the client, so the Rust parts build and test on a Rust-only machine and a web
//! change in progress never blocks them. `DECENTRA_WEB_REQUIRED=1` turns that into a build
//! error (CI sets it: what it ships must have its client).

use std::{
    env, fs,
    hash::{DefaultHasher, Hash, Hasher},
    io,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

/// A directory holding a finished build (`index.html` + `assets/`) to embed instead of
/// running npm; used by the Dockerfile, whose Rust stage has no Node.js.
const DIST_ENV: &str = "DECENTRA_WEB_DIST";

/// Set (to anything but `0` or nothing) to fail the build instead of embedding the
/// placeholder page.
const REQUIRED_ENV: &str = "DECENTRA_WEB_REQUIRED";

/// How the embedded client came to be; `src/web.rs` reads it through `env!`.
const KIND_ENV: &str = "DECENTRA_WEB_BUILD";

pub fn embed() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("the server crate sits inside the workspace")
        .to_path_buf();
    println!("cargo:rerun-if-env-changed={REQUIRED_ENV}");
    let required = env::var(REQUIRED_ENV).is_ok_and(|v| !v.is_empty() && v != "0");

    println!("cargo:rerun-if-env-changed={DIST_ENV}");
    let (dist, kind) = match env::var_os(DIST_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => {
            // Relative to the repository root, where a person types the command.
            let dir = root.join(dir);
            println!("cargo:rerun-if-changed={}", dir.display());
            if !dir.join("index.html").is_file() {
                fail(&format!(
                    "{DIST_ENV}={} has no index.html; point it at the output of \
                     `npm run build` in web/",
                    dir.display()
                ));
            }
            (dir, "prebuilt")
        }
        None => {
            let web = root.join("web");
            watch_sources(&root, &web);
            match build(&web, &out_dir.join("web-dist")) {
                Ok(dir) => (dir, "vite"),
                Err(why) if required => fail(&format!(
                    "the web client could not be built and {REQUIRED_ENV} is set:\n{why}"
                )),
                Err(why) => {
                    for line in why.lines() {
                        println!("cargo:warning=web client not embedded: {line}");
                    }
                    (placeholder(&out_dir, &why), "placeholder")
                }
            }
        }
    };
    println!("cargo:rustc-env={KIND_ENV}={kind}");

    let label = dist.to_string_lossy().into_owned();
    let code = memory_serve::assets_to_code(&label, &dist, &out_dir, true, log_skipped);
    fs::write(out_dir.join("web_assets.rs"), code).expect("write web_assets.rs to OUT_DIR");
}

/// memory-serve narrates every file it embeds; only the files it leaves out matter.
fn log_skipped(msg: &str) {
    if msg.starts_with("skipping") {
        println!("cargo:warning=web client: {msg}");
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1);
}

/// Asks cargo to rerun this script when anything the Vite build reads changes. Only paths that
/// exist are listed (a missing one would rerun the script on every build). `web/src/gen` is
/// left out: `npm run build` regenerates it from `proto/`, which is watched instead, and
/// watching it would make every build trigger the next.
fn watch_sources(root: &Path, web: &Path) {
    let mut paths = vec![
        root.join("proto"),
        root.join("buf.yaml"),
        web.join("public"),
    ];
    if let Ok(entries) = fs::read_dir(web) {
        paths.extend(entries.flatten().map(|e| e.path()).filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_build_input)
        }));
    }
    if let Ok(entries) = fs::read_dir(web.join("src")) {
        paths.extend(
            entries
                .flatten()
                .filter(|e| e.file_name() != "gen")
                .map(|e| e.path()),
        );
    }
    for path in paths.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// Top-level files of `web/` that shape the build (Vite writes and deletes
/// `vite.config.ts.timestamp-*.mjs` while loading its config: never list those).
fn is_build_input(name: &str) -> bool {
    if name.contains(".timestamp-") {
        return false;
    }
    matches!(
        name,
        "index.html"
            | "api-docs.html"
            | "package.json"
            | "package-lock.json"
            | "buf.gen.yaml"
            | ".browserslistrc"
    ) || name.starts_with("vite.config.")
        || name.starts_with("postcss.config.")
        || name.starts_with(".env")
        || (name.starts_with("tsconfig") && name.ends_with(".json"))
}

fn npm() -> Command {
    let mut cmd = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    // Cargo's DEBUG=true/false for build scripts means something else to Node's `debug`.
    cmd.env_remove("DEBUG").stdin(Stdio::null());
    cmd
}

/// `npm ci` when `node_modules` is missing or older than the lock file, then
/// `npm run build` (code generation + `vite build`) with its output in `dist`.
fn build(web: &Path, dist: &Path) -> Result<PathBuf, String> {
    if !web.join("index.html").is_file() {
        return Err(format!(
            "{} is missing (this checkout has no web client to build)",
            web.join("index.html").display()
        ));
    }
    match npm().arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!("`npm --version` failed: {}", tail(&out)));
        }
        Err(e) => {
            return Err(format!(
                "npm could not be run ({e}); install Node.js 20 or newer, then \
                 `touch web/package.json` and build again"
            ));
        }
    }

    // Builds of one checkout for other profiles or target dirs may run at the same time,
    // and `npm ci` and code generation write into web/.
    let _lock = lock(web).map_err(|e| format!("locking the web build: {e}"))?;

    if needs_install(web) {
        run(npm()
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(web))
        .map_err(|e| format!("`npm ci` in web/ failed:\n{e}"))?;
    }
    run(npm()
        .args(["run", "build", "--", "--emptyOutDir", "--outDir"])
        .arg(dist)
        .current_dir(web))
    .map_err(|e| format!("`npm run build` in web/ failed:\n{e}"))?;

    if !dist.join("index.html").is_file() {
        return Err(format!(
            "`npm run build` wrote no index.html to {}",
            dist.display()
        ));
    }
    Ok(dist.to_path_buf())
}

/// npm records what it installed in `node_modules/.package-lock.json`; a lock file newer than
/// that record means dependencies changed since the last install.
fn needs_install(web: &Path) -> bool {
    let modified = |p: PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => locked > installed,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// An exclusive lock, per web directory, held until the returned file is dropped.
fn lock(web: &Path) -> io::Result<fs::File> {
    let mut hasher = DefaultHasher::new();
    fs::canonicalize(web)?.hash(&mut hasher);
    let path = env::temp_dir().join(format!("decentra-web-build-{:016x}.lock", hasher.finish()));
    let file = fs::File::create(path)?;
    file.lock()?;
    Ok(file)
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(tail(&out))
    }
}

/// The last lines of a command's output: where npm and Vite put the error.
fn tail(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(25)..].join("\n")
}

/// A one-page stand-in for the client, with a content-hashed stylesheet under `assets/` like a
/// Vite build has, so serving and caching behave (and are tested) the same.
fn placeholder(out_dir: &Path, why: &str) -> PathBuf {
    let dir = out_dir.join("web-placeholder");
    let assets = dir.join("assets");
    // A previous placeholder's stylesheet may have had another hash.
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&assets).expect("create the placeholder directory in OUT_DIR");

    let css = PLACEHOLDER_CSS;
    let mut hasher = DefaultHasher::new();
    css.hash(&mut hasher);
    let css_name = format!("placeholder-{:08x}.css", hasher.finish() as u32);
    fs::write(assets.join(&css_name), css).expect("write the placeholder stylesheet");

    let html = PLACEHOLDER_HTML
        .replace("{css}", &css_name)
        .replace("{why}", &escape_html(why));
    fs::write(dir.join("index.html"), html).expect("write the placeholder page");
    dir
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PLACEHOLDER_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Decentra — web client not built</title>
<link rel="stylesheet" href="/assets/{css}">
</head>
<body>
<main>
<h1>The web client was not built into this server</h1>
<p>This <code>decentra</code> binary was compiled without its web client. The API is fully
available on this port (gRPC, gRPC-web and REST under <code>/api/v1</code>); only the browser
app is missing.</p>
<p>Reason given by the build:</p>
<pre>{why}</pre>
<h2>How to build it</h2>
<ol>
<li>Install Node.js 20 or newer (with npm).</li>
<li>In the repository, run <code>touch web/package.json</code> and then
<code>cargo run --release</code> again: the build runs <code>npm ci</code> and
<code>npm run build</code> in <code>web/</code> and embeds the result.</li>
</ol>
<p>Or build the client elsewhere (<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>)
and compile with <code>DECENTRA_WEB_DIST=web/dist cargo build --release</code>.</p>
</main>
</body>
</html>
"#;

const PLACEHOLDER_CSS: &str = "\
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; display: flex; justify-content: center; }
main { max-width: 42rem; padding: 2rem 1.5rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.125rem; margin-top: 2rem; }
pre { white-space: pre-wrap; padding: 0.75rem 1rem; border-radius: 0.5rem; background: #8882; }
code { font-family: ui-monospace, monospace; }
";
