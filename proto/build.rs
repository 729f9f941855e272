//! Compiles `decentra/v1/*.proto` with the pure-Rust `protox` front end, so building needs no
//! system `protoc`. Also writes the encoded descriptor set for gRPC server reflection and the
//! REST gateway (which reads the `google.api.http` annotations from it).
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

    let mut compiler = protox::Compiler::new([PathBuf::from("."), third_party])?;
    compiler
        .include_source_info(true)
        .include_imports(true)
        .open_files(&files)?;
    // Encoded by protox itself: `prost_types` would drop the options' extensions, and the
    // `google.api.http` rules are extensions.
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out.join("decentra_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    let fds = compiler.file_descriptor_set();

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // No default stubs: a server must implement every RPC, so a forgotten handler fails
        // to compile instead of answering UNIMPLEMENTED (services not built yet say so in
        // `server/src/grpc/not_yet.rs`).
        .generate_default_stubs(false)
        .compile_fds(fds)?;
    Ok(())
}
