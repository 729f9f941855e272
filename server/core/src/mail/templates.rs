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

/// Where a notified message was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A direct message.
    Dm,
    /// A group DM, with its name (may be empty).
    GroupDm(String),
    /// A server's text channel.
    Channel {
        /// Channel name.
        channel: String,
        /// Server name.
        server: String,
    },
}

/// What a notification mail says.
#[derive(Debug, Clone, Copy)]
pub struct Notification<'a> {
    /// Instance name.
    pub instance: &'a str,
    /// The recipient's username.
    pub username: &'a str,
    /// Who wrote (display name or username).
    pub author: &'a str,
    /// Where.
    pub place: &'a Place,
    /// Link to the conversation.
    pub link: &'a str,
    /// Link that turns these mails off.
    pub unsubscribe: &'a str,
}

/// The "you have a message while you were away" mail. It names who wrote where, never what:
/// the message stays on the instance.
pub fn notification(n: &Notification<'_>) -> Rendered {
    let Notification {
        instance,
        username,
        author,
        place,
        link,
        unsubscribe,
    } = *n;
    let (subject, what) = match place {
        Place::Dm => (
            format!("{author} sent you a direct message on {instance}"),
            format!("{author} sent you a direct message on {instance} while you were away."),
        ),
        Place::GroupDm(name) => {
            let group = if name.is_empty() {
                "a group DM".to_owned()
            } else {
                format!("the group DM {name}")
            };
            (
                format!("{author} wrote in {group} on {instance}"),
                format!("{author} wrote to you in {group} on {instance} while you were away."),
            )
        }
        Place::Channel { channel, server } => (
            format!("{author} mentioned you in #{channel} on {instance}"),
            format!(
                "{author} mentioned you in #{channel} ({server}) on {instance} while you were away."
            ),
        ),
    };
    let hello = format!("Hello {username},");
    let after = "You get at most one of these mails until you are back online. \
                 To stop them, turn off notification e-mails in your settings, or unsubscribe:";
    let text =
        format!("{hello}\n\n{what}\n\nOpen the conversation:\n{link}\n\n{after}\n{unsubscribe}\n");
    let mut html = page(
        instance,
        &[&hello, &what],
        Some(("Open the conversation", link)),
        "",
    );
    let footer = format!(
        "<p style=\"color:#555;font-size:13px\">{} <a href=\"{}\">Unsubscribe</a></p></body>",
        esc(after),
        esc(unsubscribe)
    );
    html = html.replacen("</body>", &footer, 1);
    Rendered {
        subject,
        text,
        html,
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

    #[test]
    fn notification_names_who_where_and_links_both_ways() {
        let place = Place::Channel {
            channel: "general".to_owned(),
            server: "<Guild>".to_owned(),
        };
        let m = notification(&Notification {
            instance: "Chat",
            username: "ann",
            author: "Bob",
            place: &place,
            link: "https://x.example/channels/1/2",
            unsubscribe: "https://x.example/unsubscribe?token=t",
        });
        assert_eq!(m.subject, "Bob mentioned you in #general on Chat");
        assert!(m.text.contains("https://x.example/channels/1/2"));
        assert!(m.text.contains("https://x.example/unsubscribe?token=t"));
        assert!(m.html.contains("&lt;Guild&gt;"));
        assert!(
            m.html
                .contains("href=\"https://x.example/unsubscribe?token=t\"")
        );
        assert!(m.html.ends_with("</body></html>"));
    }
}
