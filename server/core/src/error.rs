//! The one error type of the core, and the one place that maps it to gRPC and HTTP.

use std::time::Duration;

/// A field that failed validation, with a human-readable reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Name of the offending request field, as the API spells it (`username`, `password`, …).
    pub field: &'static str,
    /// Why the value was refused, in words a user can act on.
    pub description: String,
}

/// Everything a service call can fail with. Transports never invent their own errors:
/// they convert this one with [`Error::codes`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller is known but not allowed to do this.
    #[error("{0}")]
    PermissionDenied(String),
    /// Input failed validation; one entry per bad field.
    #[error("invalid argument: {}", describe(.0))]
    Invalid(Vec<FieldViolation>),
    /// The request conflicts with existing state (duplicate username, …).
    #[error("{0}")]
    Conflict(String),
    /// The state does not allow this operation right now (registration closed, …).
    #[error("{0}")]
    FailedPrecondition(String),
    /// Missing, invalid, expired or revoked credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Too many attempts; the caller may retry after the given delay.
    #[error("too many requests, retry in {}s", retry_after.as_secs().max(1))]
    RateLimited {
        /// How long the caller should wait before trying again.
        retry_after: Duration,
    },
    /// The operation exists in the API but this server does not provide it yet.
    #[error("{0} is not implemented yet")]
    Unimplemented(&'static str),
    /// This node cannot serve the call now (it is shutting down); retrying elsewhere or
    /// later can succeed.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an infrastructure failure. It carries its cause chain, which the adapters
    /// log in full ([`Error::report`]); clients only ever get a generic message.
    #[error("internal error: {0}")]
    Internal(#[source] Cause),
}

/// The cause of an internal failure, with its own chain of sources.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A cause with a sentence saying what was being done ("creating the upload directory").
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct WithContext {
    context: String,
    #[source]
    source: Cause,
}

fn describe(fields: &[FieldViolation]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.description))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Shorthand for core results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A single-field validation error.
    pub fn invalid(field: &'static str, description: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldViolation {
            field,
            description: description.into(),
        }])
    }

    /// An internal error from an error (its chain is kept) or a message; only logged.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }

    /// An internal error saying what was being done when `cause` happened.
    pub fn internal_with(context: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Self::Internal(Box::new(WithContext {
            context: context.into(),
            source: cause.into(),
        }))
    }

    /// The whole chain, outermost first (`a: b: c`), for logs. Never send it to clients.
    pub fn report(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        // The first source of `Internal` is its cause, already part of the message.
        if matches!(self, Error::Internal(_)) {
            next = next.and_then(std::error::Error::source);
        }
        while let Some(cause) = next {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            next = cause.source();
        }
        out
    }

    /// The gRPC code and the HTTP status for this error, chosen together so the two
    /// transports can never drift apart. Exhaustive on purpose: a new variant must pick both.
    pub fn codes(&self) -> (tonic::Code, http::StatusCode) {
        use http::StatusCode as S;
        use tonic::Code as C;
        match self {
            Error::NotFound(_) => (C::NotFound, S::NOT_FOUND),
            Error::PermissionDenied(_) => (C::PermissionDenied, S::FORBIDDEN),
            Error::Invalid(_) => (C::InvalidArgument, S::UNPROCESSABLE_ENTITY),
            Error::Conflict(_) => (C::AlreadyExists, S::CONFLICT),
            Error::FailedPrecondition(_) => (C::FailedPrecondition, S::CONFLICT),
            Error::Unauthenticated(_) => (C::Unauthenticated, S::UNAUTHORIZED),
            Error::RateLimited { .. } => (C::ResourceExhausted, S::TOO_MANY_REQUESTS),
            Error::Unimplemented(_) => (C::Unimplemented, S::NOT_IMPLEMENTED),
            Error::Unavailable(_) => (C::Unavailable, S::SERVICE_UNAVAILABLE),
            Error::Internal(_) => (C::Internal, S::INTERNAL_SERVER_ERROR),
        }
    }

    /// The HTTP status that [`Error::codes`] pairs with the gRPC `code`, for a transport that
    /// only has the code (the REST gateway relaying a gRPC answer). Read from that one table
    /// through a representative error, so the two can never disagree; codes the core never
    /// produces are internal errors (500).
    pub fn http_status_for(code: tonic::Code) -> http::StatusCode {
        use tonic::Code as C;
        let representative = match code {
            C::NotFound => Error::NotFound("resource"),
            C::PermissionDenied => Error::PermissionDenied(String::new()),
            C::InvalidArgument => Error::Invalid(Vec::new()),
            C::AlreadyExists => Error::Conflict(String::new()),
            C::FailedPrecondition => Error::FailedPrecondition(String::new()),
            C::Unauthenticated => Error::Unauthenticated(String::new()),
            C::ResourceExhausted => Error::RateLimited {
                retry_after: Duration::ZERO,
            },
            C::Unimplemented => Error::Unimplemented("method"),
            C::Unavailable => Error::Unavailable(String::new()),
            C::Ok
            | C::Cancelled
            | C::Unknown
            | C::DeadlineExceeded
            | C::Aborted
            | C::OutOfRange
            | C::Internal
            | C::DataLoss => Error::internal(""),
        };
        representative.codes().1
    }

    /// The message safe to show a client: internal details are replaced by a generic text.
    pub fn public_message(&self) -> String {
        match self {
            Error::Internal(_) => "internal server error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            // PostgreSQL names the constraint; SQLite names the columns in the message.
            let what = db.constraint().unwrap_or_else(|| db.message());
            if what.contains("username") {
                return Error::Conflict("username is already taken".to_owned());
            }
            if what.contains("email") {
                return Error::Conflict("email is already in use".to_owned());
            }
            return Error::Conflict("already exists".to_owned());
        }
        Error::Internal(Box::new(err))
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Error::internal_with("migration failed", err)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn internal_errors_keep_their_chain_for_logs_only() {
        let io = std::io::Error::other("disk full");
        let err = Error::internal_with("storing the upload", io);
        assert_eq!(
            err.report(),
            "internal error: storing the upload: disk full"
        );
        assert_eq!(err.public_message(), "internal server error");
        assert_eq!(Error::internal("plain").report(), "internal error: plain");
    }

    /// The HTTP status the gateway derives from a relayed gRPC code is the one the core
    /// would have chosen itself, for every kind of error.
    #[test]
    fn http_status_for_code_agrees_with_codes() {
        let all = [
            Error::NotFound("thing"),
            Error::PermissionDenied("no".into()),
            Error::invalid("name", "too short"),
            Error::Conflict("taken".into()),
            Error::FailedPrecondition("closed".into()),
            Error::Unauthenticated("who".into()),
            Error::RateLimited {
                retry_after: Duration::from_secs(3),
            },
            Error::Unimplemented("Foo"),
            Error::Unavailable("shutting down".into()),
            Error::internal("boom"),
        ];
        for e in all {
            let (code, http) = e.codes();
            assert_eq!(Error::http_status_for(code), http, "{e:?}");
        }
        assert_eq!(
            Error::http_status_for(tonic::Code::DataLoss),
            http::StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
