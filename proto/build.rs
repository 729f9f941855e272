//! Compiles `decentra/v1/*.proto` with the pure-Rust `protox` front end, so building needs no
//! system `protoc`. Also writes the encoded descriptor set for gRPC server reflection and the
//! REST gateway (which reads the `google.api.http` annotations from it), with its comments
//! and without.
//!
//! `third_party/googleapis` holds the two standard Google files the annotations need
//! (`google/api/{annotations,http}.proto`, Apache-2.0, unmodified), shared with `buf`.

use std::{env, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from("decentra/v1");
    let third_party = PathBuf::from("third_party/googleapis");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    println!("cargo:rerun-if-changed={}", third_party.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&proto_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }

    let compile = |source_info: bool| -> Result<protox::Compiler, protox::Error> {
        let mut compiler = protox::Compiler::new([PathBuf::from("."), third_party.clone()])?;
        compiler
            .include_source_info(source_info)
            .include_imports(true)
            .open_files(&files)?;
        Ok(compiler)
    };
    let compiler = compile(true)?;
    // Encoded by protox itself: `prost_types` would drop the options' extensions, and the
    // `google.api.http` rules are extensions.
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out.join("decentra_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    // The same set without source info (comments): what the REST gateway keeps decoded for
    // the server's lifetime, in a tenth of the memory.
    fs::write(
        out.join("decentra_descriptor_compact.bin"),
        compile(false)?.encode_file_descriptor_set(),
    )?;
    let fds = compiler.file_descriptor_set();
    fs::write(out.join("decentra_rpc.rs"), rpc_paths(&fds))?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // No default stubs: a server must implement every RPC, so a forgotten handler fails
        // to compile instead of answering UNIMPLEMENTED.
        .generate_default_stubs(false)
        .compile_fds(fds)?;
    Ok(())
}

/// One module per `decentra.v1` service with a constant per RPC path
/// (`auth_service::LOGIN == "/decentra.v1.AuthService/Login"`), plus every service's full
/// name, so lists of RPCs elsewhere are checked by the compiler instead of spelled by hand.
fn rpc_paths(fds: &prost_types::FileDescriptorSet) -> String {
    let mut code = String::new();
    let mut services = Vec::new();
    let mut all = Vec::new();
    for file in fds.file.iter().filter(|f| f.package() == "decentra.v1") {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            code.push_str(&format!(
                "/// RPC paths of `{full}`.\npub mod {} {{\n",
                snake(service.name())
            ));
            for method in &service.method {
                all.push(format!(
                    "{}::{}",
                    snake(service.name()),
                    snake(method.name()).to_uppercase()
                ));
                code.push_str(&format!(
                    "    /// `{full}/{m}`.\n    pub const {}: &str = \"/{full}/{m}\";\n",
                    snake(method.name()).to_uppercase(),
                    m = method.name(),
                ));
            }
            code.push_str("}\n");
            services.push(full);
        }
    }
    code.push_str(
        "/// Full names of every `decentra.v1` service.\npub const SERVICES: &[&str] = &[\n",
    );
    for s in services {
        code.push_str(&format!("    \"{s}\",\n"));
    }
    code.push_str("];\n");
    code.push_str(
        "/// The path of every RPC of every `decentra.v1` service.\npub const ALL: &[&str] = &[\n",
    );
    for path in all {
        code.push_str(&format!("    {path},\n"));
    }
    code.push_str("];\n");
    code
}

/// `RequestPasswordReset` → `request_password_reset`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}
