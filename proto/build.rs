//! Compiles `decentra/v1/*.proto` with the pure-Rust `protox` front end, so building needs no
//! system `protoc`. Also writes the encoded descriptor set for gRPC server reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from("decentra/v1");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&proto_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }

    let fds = protox::compile(&files, ["."])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("decentra_descriptor.bin"), fds.encode_to_vec())?;

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
