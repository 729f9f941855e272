//! Content-addressed files on disk, shared by message attachments and server icons: each
//! content is kept once, under its SHA-256, in a two-level directory (`ab/abcd…`). A file is
//! first written to a temporary name beside its final place, then moved in, so a reader
//! never sees half a file. Each user of this module keeps its own root directory, so
//! cleaning up attachments can never touch an icon.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{
    error::{Error, Result},
    id::Id,
};

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(data)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Where the content with hash `sha256` lives.
pub fn path_of(upload_dir: &Path, sha256: &str) -> PathBuf {
    upload_dir
        .join(sha256.get(..2).unwrap_or("00"))
        .join(sha256)
}

/// Writes `data` to a temporary file next to its final place; [`commit_file`] moves it.
pub async fn write_temp(upload_dir: &Path, sha256: &str, data: &[u8], tag: Id) -> Result<PathBuf> {
    let target = path_of(upload_dir, sha256);
    let dir = target
        .parent()
        .ok_or_else(|| Error::internal("upload path has no parent"))?;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Error::internal_with(format!("creating {}", dir.display()), e))?;
    let temp = dir.join(format!(".{sha256}.{tag}.tmp"));
    tokio::fs::write(&temp, data)
        .await
        .map_err(|e| Error::internal_with(format!("writing {}", temp.display()), e))?;
    Ok(temp)
}

/// Moves a temporary file into place, or drops it if the content is already stored.
pub async fn commit_file(upload_dir: &Path, sha256: &str, temp: &Path) -> Result<()> {
    let target = path_of(upload_dir, sha256);
    if tokio::fs::try_exists(&target).await.unwrap_or(false) {
        discard(temp).await;
        return Ok(());
    }
    tokio::fs::rename(temp, &target)
        .await
        .map_err(|e| Error::internal_with(format!("storing {}", target.display()), e))
}

/// Removes a file, logging (not failing on) errors other than "already gone".
pub async fn discard(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "could not remove file");
    }
}

/// Whether `s` looks like a hash this module produced (64 lower-case hex digits), so a
/// caller-supplied name can never walk out of the root.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Stores `data` under `root`; returns its hash.
pub async fn put(root: &Path, data: &[u8], tag: Id) -> Result<String> {
    let sha = sha256_hex(data);
    let temp = write_temp(root, &sha, data, tag).await?;
    if let Err(e) = commit_file(root, &sha, &temp).await {
        discard(&temp).await;
        return Err(e);
    }
    Ok(sha)
}

/// The content stored under `root` with hash `sha256`, if any (None for a malformed hash).
pub async fn read(root: &Path, sha256: &str) -> Option<Vec<u8>> {
    if !is_sha256(sha256) {
        return None;
    }
    tokio::fs::read(path_of(root, sha256)).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn content_is_stored_once_under_its_hash() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = put(dir.path(), b"hello", Id(1)).await.expect("put");
        let b = put(dir.path(), b"hello", Id(2)).await.expect("put again");
        assert_eq!(a, b);
        assert_eq!(a, sha256_hex(b"hello"));
        assert_eq!(read(dir.path(), &a).await.as_deref(), Some(&b"hello"[..]));
        assert_eq!(read(dir.path(), "../../etc/passwd").await, None);
        let stored = std::fs::read_dir(path_of(dir.path(), &a).parent().expect("parent"))
            .expect("list")
            .count();
        assert_eq!(stored, 1, "one file, no temporary left behind");
    }
}
