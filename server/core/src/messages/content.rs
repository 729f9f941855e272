//! Input rules for message text, nonces and reaction emojis, and the mention syntax parsed
//! out of message text.

use crate::{
    error::{Error, Result},
    id::Id,
};

/// Longest client nonce, in characters.
pub const MAX_NONCE_LEN: usize = 64;
/// Longest reaction emoji, in bytes (long enough for ZWJ family and flag sequences).
pub const MAX_EMOJI_BYTES: usize = 32;
/// At most this many distinct users and roles are resolved per message; the rest is text.
pub const MAX_MENTIONS: usize = 100;

/// Message text: trimmed, at most `max` Unicode scalar values, no NUL; empty only when
/// `allow_empty` (the message carries attachments).
pub fn content(raw: &str, allow_empty: bool, max: u32) -> Result<String> {
    let text = raw.trim();
    if text.contains('\0') {
        return Err(Error::invalid("content", "must not contain NUL characters"));
    }
    let len = text.chars().count();
    if len == 0 && !allow_empty {
        return Err(Error::invalid("content", "must not be empty"));
    }
    if len > max as usize {
        return Err(Error::invalid(
            "content",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Client nonce: empty means none; otherwise at most [`MAX_NONCE_LEN`] characters.
pub fn nonce(raw: &str) -> Result<Option<String>> {
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > MAX_NONCE_LEN || raw.contains('\0') {
        return Err(Error::invalid(
            "nonce",
            format!("must be at most {MAX_NONCE_LEN} characters"),
        ));
    }
    Ok(Some(raw.to_owned()))
}

/// A reaction emoji: one Unicode emoji (sequence), 1–[`MAX_EMOJI_BYTES`] bytes. Plain text
/// is refused: no ASCII (except a keycap's base), no whitespace or control characters, and
/// at least one character from the emoji blocks.
pub fn emoji(raw: &str) -> Result<String> {
    let refuse = || Error::invalid("emoji", "must be a single Unicode emoji");
    if raw.is_empty() || raw.len() > MAX_EMOJI_BYTES {
        return Err(refuse());
    }
    let chars: Vec<char> = raw.chars().collect();
    // Keycaps: `1️⃣` is '1' (or '#', '*'), an optional VS16 and U+20E3.
    let keycap = matches!(chars.first(), Some('0'..='9' | '#' | '*'))
        && chars.last() == Some(&'\u{20E3}')
        && chars.len() <= 3
        && chars[1..]
            .iter()
            .all(|c| matches!(c, '\u{FE0F}' | '\u{20E3}'));
    if keycap {
        return Ok(raw.to_owned());
    }
    let plain = chars
        .iter()
        .any(|c| c.is_ascii() || c.is_whitespace() || c.is_control());
    if plain || !chars.iter().copied().any(is_emoji_char) {
        return Err(refuse());
    }
    Ok(raw.to_owned())
}

/// Characters from the blocks emojis are drawn from (symbols, dingbats, pictographs,
/// regional indicators, …).
fn is_emoji_char(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}'
        | '\u{203C}'..='\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// Mentions as written in a message's text, before checking who and what exists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedMentions {
    /// `<@id>` / `<@!id>`, distinct, in order of appearance.
    pub users: Vec<Id>,
    /// `<@&id>`, distinct, in order of appearance.
    pub roles: Vec<Id>,
    /// `@everyone` appears.
    pub everyone: bool,
    /// `@here` appears.
    pub here: bool,
}

/// Finds `<@user>`, `<@!user>`, `<@&role>`, `@everyone` and `@here` in `text`.
pub fn parse_mentions(text: &str) -> ParsedMentions {
    let mut out = ParsedMentions {
        everyone: text.contains("@everyone"),
        here: text.contains("@here"),
        ..ParsedMentions::default()
    };
    for (at, _) in text.match_indices("<@") {
        let rest = &text[at + 2..];
        let (is_role, rest) = match rest.as_bytes().first() {
            Some(b'&') => (true, &rest[1..]),
            Some(b'!') => (false, &rest[1..]),
            _ => (false, rest),
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 19 || rest.as_bytes().get(digits) != Some(&b'>') {
            continue;
        }
        let Ok(id) = rest[..digits].parse::<i64>() else {
            continue;
        };
        if id <= 0 {
            continue;
        }
        if out.users.len() + out.roles.len() >= MAX_MENTIONS {
            break;
        }
        let list = if is_role {
            &mut out.roles
        } else {
            &mut out.users
        };
        if !list.contains(&Id(id)) {
            list.push(Id(id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_rules() {
        assert_eq!(content("  hi  ", false, 10).ok().as_deref(), Some("hi"));
        assert!(content(" \n\t ", false, 10).is_err());
        assert_eq!(content("  ", true, 10).ok().as_deref(), Some(""));
        assert!(content(&"é".repeat(11), false, 10).is_err());
        assert!(content(&"é".repeat(10), false, 10).is_ok());
        assert!(content("a\0b", false, 10).is_err());
    }

    #[test]
    fn nonce_rules() {
        assert_eq!(nonce("").ok(), Some(None));
        assert_eq!(nonce("abc").ok(), Some(Some("abc".to_owned())));
        assert!(nonce(&"x".repeat(65)).is_err());
    }

    #[test]
    fn emojis() {
        for ok in ["👍", "❤️", "🇫🇷", "👨‍👩‍👧‍👦", "1️⃣", "#⃣", "©️", "⭐"]
        {
            assert!(emoji(ok).is_ok(), "{ok} refused");
        }
        for bad in [
            "", "abc", "a", "1", "👍 ", " 👍", "👍a", "é", "中", "\u{200D}", "<:x:1>",
        ] {
            assert!(emoji(bad).is_err(), "{bad:?} accepted");
        }
        assert!(emoji(&"👍".repeat(9)).is_err(), "over 32 bytes");
    }

    #[test]
    fn mentions() {
        let m = parse_mentions(
            "hi <@12> and <@!12> <@&34> <@5x> <@> <@&0> @everyone <@99999999999999999999>",
        );
        assert_eq!(m.users, vec![Id(12)]);
        assert_eq!(m.roles, vec![Id(34)]);
        assert!(m.everyone);
        assert!(!m.here);
        assert!(parse_mentions("@here").here);
        assert_eq!(parse_mentions("<@7><@8>").users, vec![Id(7), Id(8)]);
    }
}
