//! Sending one mail over SMTP with the instance's settings (lettre, async on tokio, rustls).

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::authentication::Credentials,
};

use super::Rendered;
use crate::settings::{SmtpSettings, SmtpTlsMode};

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why a mail was not sent. The text is safe to show an admin and to log: it holds the SMTP
/// server's answer or the connection error, never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The settings or the address cannot make a mail (no retry helps).
    Invalid(String),
    /// The server refused or could not be reached.
    Smtp(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(m) | Self::Smtp(m) => f.write_str(m),
        }
    }
}

/// Sends `mail` to `to`; returns the server's answer (e.g. "250 2.0.0 Ok: queued").
pub async fn send(smtp: &SmtpSettings, to: &str, mail: &Rendered) -> Result<String, SendError> {
    if !smtp.enabled || smtp.host.is_empty() || smtp.from_address.is_empty() {
        return Err(SendError::Invalid("SMTP is not configured".to_owned()));
    }
    let from_address = smtp
        .from_address
        .parse()
        .map_err(|e| SendError::Invalid(format!("the sender address is invalid: {e}")))?;
    let from = Mailbox::new(
        (!smtp.from_name.is_empty()).then(|| smtp.from_name.clone()),
        from_address,
    );
    let to: Mailbox = to
        .parse()
        .map_err(|e| SendError::Invalid(format!("the recipient address is invalid: {e}")))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| SendError::Invalid(format!("the mail cannot be built: {e}")))?;

    let builder = match smtp.tls_mode {
        SmtpTlsMode::None => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str())
        }
        SmtpTlsMode::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(smtp_error)?
        }
        SmtpTlsMode::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(smtp_error)?
        }
    };
    let mut builder = builder.port(smtp.port).timeout(Some(TIMEOUT));
    if !smtp.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            smtp.username.clone(),
            smtp.password.clone(),
        ));
    }
    let transport = builder.build();
    let response = transport.send(message).await.map_err(smtp_error)?;
    let text: Vec<&str> = response.message().collect();
    Ok(format!("{} {}", response.code(), text.join(" ")))
}

/// lettre's errors name the failing step and carry the server's answer; credentials are never
/// part of them.
fn smtp_error(e: lettre::transport::smtp::Error) -> SendError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    SendError::Smtp(text)
}
