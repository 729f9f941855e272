//! Input rules for account fields, in one place for every transport.

use crate::error::{Error, Result};

/// Allowed username length, in characters.
pub const USERNAME_LEN: std::ops::RangeInclusive<usize> = 2..=32;
/// Allowed password length, in characters (the upper bound caps hashing cost).
pub const PASSWORD_LEN: std::ops::RangeInclusive<usize> = 8..=256;

/// Usernames: 2–32 ASCII letters, digits, `_`, `.` or `-`, not starting or ending with `.`,
/// without `..`. Case is kept for display; uniqueness ignores case.
pub fn username(raw: &str) -> Result<String> {
    let name = raw.trim();
    let len = name.chars().count();
    if !USERNAME_LEN.contains(&len) {
        return Err(Error::invalid("username", "must be 2 to 32 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(Error::invalid(
            "username",
            "may only contain letters, digits, '_', '.' and '-'",
        ));
    }
    if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(Error::invalid(
            "username",
            "may not start or end with '.' or contain '..'",
        ));
    }
    Ok(name.to_owned())
}

/// Passwords: 8–256 characters, anything goes (no trimming: spaces are part of it).
pub fn password(field: &'static str, raw: &str) -> Result<()> {
    let len = raw.chars().count();
    if !PASSWORD_LEN.contains(&len) {
        return Err(Error::invalid(field, "must be 8 to 256 characters"));
    }
    Ok(())
}

/// E-mail: a plausible `local@domain` of at most 254 characters (deliverability is proven
/// by the verification mail, not by a regex).
pub fn email(raw: &str) -> Result<String> {
    let email = raw.trim();
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !ok {
        return Err(Error::invalid("email", "must be a valid e-mail address"));
    }
    Ok(email.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["ab", "Alice", "a.b-c_d", "x23456789012345678901234567890xx"] {
            assert!(username(ok).is_ok(), "{ok} refused");
        }
        for bad in [
            "a",
            "",
            "  ",
            "has space",
            "émile",
            ".dot",
            "dot.",
            "a..b",
            "x234567890123456789012345678901xx",
        ] {
            assert!(username(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(username("  Bob ").ok().as_deref(), Some("Bob"));
    }

    #[test]
    fn passwords_and_emails() {
        assert!(password("password", "1234567").is_err());
        assert!(password("password", "12345678").is_ok());
        assert!(password("password", &"x".repeat(257)).is_err());
        assert!(email("a@b.co").is_ok());
        for bad in ["", "a", "a@b", "@b.co", "a b@c.de", "a@b@c.de", "a@.b"] {
            assert!(email(bad).is_err(), "{bad} accepted");
        }
    }
}

/// A display name (server, role, group DM): trimmed, `min..=max` characters, no control
/// characters.
pub fn name(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String> {
    let s = raw.trim();
    let len = s.chars().count();
    if len < min || len > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(field, "may not contain control characters"));
    }
    Ok(s.to_owned())
}

/// Free text (descriptions, topics, reasons): at most `max` characters.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(s.to_owned())
}

/// An optional image URL: empty, or http(s) of at most 2048 characters.
pub fn url(field: &'static str, raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    if s.len() > 2048
        || !(s.starts_with("https://") || s.starts_with("http://"))
        || s.contains(char::is_whitespace)
    {
        return Err(Error::invalid(
            field,
            "must be an http(s) URL of at most 2048 characters",
        ));
    }
    Ok(s.to_owned())
}

/// Longest channel topic, in characters.
pub const TOPIC_MAX: usize = 1024;

/// A channel topic: trimmed, at most [`TOPIC_MAX`] characters.
pub fn topic(raw: &str) -> Result<String> {
    text("topic", raw, TOPIC_MAX)
}

/// Text channel names are lower-kebab: 1–100 of `a-z`, `0-9`, `-`, `_` (spaces become `-`,
/// letters are lower-cased). Voice channels and categories keep any printable name.
pub fn channel_name(raw: &str, text_channel: bool) -> Result<String> {
    if !text_channel {
        return name("name", raw, 1, 100);
    }
    let s: String = raw
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    let len = s.chars().count();
    if len == 0 || len > 100 {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "name",
            "text channel names may only contain a-z, 0-9, '-' and '_'",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn channel_names() {
        assert_eq!(
            channel_name("  General Chat ", true).ok().as_deref(),
            Some("general-chat")
        );
        assert!(channel_name("héllo", true).is_err());
        assert!(channel_name("", true).is_err());
        assert_eq!(
            channel_name("Lounge 1", false).ok().as_deref(),
            Some("Lounge 1")
        );
        assert!(url("icon_url", "javascript:alert(1)").is_err());
        assert!(url("icon_url", "https://x.test/a.png").is_ok());
        assert!(name("name", "a\u{0}b", 1, 10).is_err());
    }
}

/// The page size to use: `requested`, or `default` when 0, capped at `max`.
pub fn page_size(requested: u32, default: u32, max: u32) -> u32 {
    match requested {
        0 => default,
        n => n.min(max),
    }
}

/// A keyset-paged list request: at most `limit` rows after (or before, by the list's order)
/// the id the previous page ended on.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// How many rows to return.
    pub limit: u32,
    /// The last id of the previous page; `None` for the first page.
    pub from: Option<crate::id::Id>,
}

impl Page {
    /// Reads `page_size` (50 when 0, at most 100) and `page_token` (empty, or the last id of
    /// the previous page).
    pub fn parse(page_size: u32, page_token: &str) -> Result<Self> {
        let from = match page_token.trim() {
            "" => None,
            t => Some(crate::id::Id::parse("page_token", t)?),
        };
        Ok(Self {
            limit: self::page_size(page_size, 50, 100),
            from,
        })
    }

    /// The token of the page after `rows`: the last row's id when the page is full.
    pub fn next_token<T, I: std::fmt::Display>(
        &self,
        rows: &[T],
        id: impl Fn(&T) -> I,
    ) -> Option<String> {
        if rows.len() == self.limit as usize {
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        }
    }
}

/// A list's search text: trimmed, `None` when empty, at most 100 characters.
pub fn search_query(raw: &str) -> Result<Option<&str>> {
    let query = raw.trim();
    if query.chars().count() > 100 {
        return Err(Error::invalid("query", "must be at most 100 characters"));
    }
    Ok((!query.is_empty()).then_some(query))
}
