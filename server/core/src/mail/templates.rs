//! The mails the instance sends: plain text and HTML, with the instance name.

/// A mail ready to queue.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(instance: &str, paragraphs: &[&str], button: Option<(&str, &str)>, after: &str) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", esc(p)));
    }
    if let Some((label, href)) = button {
        body.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;\
             background:#5865f2;color:#ffffff;border-radius:6px;text-decoration:none\">{}</a></p>\
             <p style=\"color:#555\">{}<br><a href=\"{0}\">{0}</a></p>",
            esc(href),
            esc(label),
            esc("If the button does not work, open this link:"),
        ));
    }
    if !after.is_empty() {
        body.push_str(&format!("<p style=\"color:#555\">{}</p>", esc(after)));
    }
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;color:#111\">\
         <h2>{}</h2>{body}</body></html>",
        esc(instance)
    )
}

/// The e-mail verification mail.
pub fn verify(instance: &str, username: &str, link: &str) -> Rendered {
    let hello = format!("Hello {username},");
    let ask = format!("please confirm that this is your e-mail address on {instance}.");
    let after =
        "The link works once and expires in 24 hours. If you did not sign up, ignore this mail.";
    Rendered {
        subject: format!("Verify your e-mail address on {instance}"),
        text: format!("{hello}\n\n{ask}\n\n{link}\n\n{after}\n"),
        html: page(
            instance,
            &[&hello, &ask],
            Some(("Verify e-mail address", link)),
            after,
        ),
    }
}

/// The password-reset mail.
pub fn reset(instance: &str, username: &str, link: &str) -> Rendered {
    let hello = format!("Hello {username},");
    let ask = format!("someone asked to reset your password on {instance}.");
    let after = "The link works once and expires in one hour; using it signs you out everywhere. \
                 If you did not ask for this, ignore this mail: your password stays as it is.";
    Rendered {
        subject: format!("Reset your password on {instance}"),
        text: format!("{hello}\n\n{ask}\n\n{link}\n\n{after}\n"),
        html: page(
            instance,
            &[&hello, &ask],
            Some(("Choose a new password", link)),
            after,
        ),
    }
}

/// The admin's test mail.
pub fn test(instance: &str) -> Rendered {
    let line = format!("This is a test e-mail from {instance}: the SMTP settings work.");
    Rendered {
        subject: format!("Test e-mail from {instance}"),
        text: format!("{line}\n"),
        html: page(instance, &[&line], None, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_has_the_link() {
        let m = verify(
            "<Chat & co>",
            "ann",
            "https://x.example/verify-email?token=a\"b",
        );
        assert!(m.html.contains("&lt;Chat &amp; co&gt;"));
        assert!(!m.html.contains("<Chat"));
        assert!(m.html.contains("token=a&quot;b"));
        assert!(m.text.contains("https://x.example/verify-email?token=a\"b"));
        assert!(m.subject.contains("<Chat & co>"));
    }
}
