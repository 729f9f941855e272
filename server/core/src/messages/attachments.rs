//! Uploaded files: name and type rules and the API view. The bytes live in the
//! content-addressed store of [`crate::files`] under the upload directory, so identical
//! uploads are stored once and the database holds only metadata.

use crate::{
    error::{Error, Result},
    id::Id,
    model::Attachment,
    store::AttachmentRecord,
};

/// Longest file name, in characters.
pub const MAX_FILENAME_LEN: usize = 255;
/// At most this many attachments per message.
pub const MAX_ATTACHMENTS: usize = 10;

/// The file name without any directory part, control characters or surrounding blanks;
/// 1–[`MAX_FILENAME_LEN`] characters, and not `.` or `..`.
pub fn filename(raw: &str) -> Result<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let name = cleaned.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(Error::invalid("filename", "must not be empty"));
    }
    if name.chars().count() > MAX_FILENAME_LEN {
        return Err(Error::invalid(
            "filename",
            format!("must be at most {MAX_FILENAME_LEN} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// A MIME type as given (`type/subtype[; params]`, ASCII, lower-cased), or, when empty, one
/// sniffed from the content and the file name.
pub fn content_type(raw: &str, filename: &str, data: &[u8]) -> Result<String> {
    let given = raw.trim();
    if given.is_empty() {
        return Ok(sniff(filename, data).to_owned());
    }
    let valid = given.len() <= 127
        && given.is_ascii()
        && !given.chars().any(|c| c.is_ascii_control())
        && given
            .split(';')
            .next()
            .and_then(|essence| essence.trim().split_once('/'))
            .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty() && !s.contains('/'));
    if !valid {
        return Err(Error::invalid(
            "content_type",
            "must be a MIME type such as image/png",
        ));
    }
    Ok(given.to_ascii_lowercase())
}

/// Guesses a MIME type from magic bytes, then from the extension.
fn sniff(filename: &str, data: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"OggS", "audio/ogg"),
        (b"fLaC", "audio/flac"),
        (b"ID3", "audio/mpeg"),
    ];
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| data.starts_with(m)) {
        return t;
    }
    if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        return "image/webp";
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return "video/mp4";
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" | "md" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// Pixel size of PNG and GIF images (0×0 when unknown).
pub fn dimensions(data: &[u8]) -> (u32, u32) {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.len() >= 24 && &data[12..16] == b"IHDR" {
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        return (be(&data[16..20]), be(&data[20..24]));
    }
    if (data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a")) && data.len() >= 10 {
        let le = |b: &[u8]| u32::from(u16::from_le_bytes([b[0], b[1]]));
        return (le(&data[6..8]), le(&data[8..10]));
    }
    (0, 0)
}

/// Percent-encodes a file name for a URL path segment.
fn url_segment(name: &str) -> String {
    use std::fmt::Write;
    name.bytes()
        .fold(String::with_capacity(name.len()), |mut s, b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                s.push(char::from(b));
            } else {
                let _ = write!(s, "%{b:02X}");
            }
            s
        })
}

/// The API view of a stored attachment, with its download URL.
pub fn to_model(r: &AttachmentRecord) -> Attachment {
    Attachment {
        id: Id(r.id),
        filename: r.filename.clone(),
        content_type: r.content_type.clone(),
        size: u64::try_from(r.size).unwrap_or_default(),
        url: format!("/api/v1/attachments/{}/{}", r.id, url_segment(&r.filename)),
        width: u32::try_from(r.width).unwrap_or_default(),
        height: u32::try_from(r.height).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames() {
        assert_eq!(filename("../../etc/passwd").ok().as_deref(), Some("passwd"));
        assert_eq!(filename("C:\\x\\a b.png").ok().as_deref(), Some("a b.png"));
        assert_eq!(filename(" cat\n.gif ").ok().as_deref(), Some("cat.gif"));
        for bad in ["", "dir/", "..", "/.", "\u{7}"] {
            assert!(filename(bad).is_err(), "{bad:?} accepted");
        }
        assert!(filename(&"x".repeat(256)).is_err());
    }

    #[test]
    fn content_types() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\0\x80";
        assert_eq!(
            content_type("", "a", png).ok().as_deref(),
            Some("image/png")
        );
        assert_eq!(dimensions(png), (256, 128));
        assert_eq!(
            content_type("", "notes.TXT", b"hello").ok().as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(
            content_type("Image/PNG", "a", b"").ok().as_deref(),
            Some("image/png")
        );
        assert!(content_type("nonsense", "a", b"").is_err());
        assert!(content_type("a/b/c", "a", b"").is_err());
    }

    #[test]
    fn hashes_and_urls() {
        assert_eq!(
            crate::files::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(url_segment("a b/é.png"), "a%20b%2F%C3%A9.png");
    }
}
