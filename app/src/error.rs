//! The one error type that crosses the wire, and the policy for producing it.
//!
//! Every server function returns `Result<T, AppError>`. Variants say what went wrong in terms
//! the user can act on; internal detail (SQL text, IO errors) is logged with `tracing` on the
//! server and never serialized. The HTTP status follows the variant (`AppError::status`), set on
//! the response when the error is encoded. Field-level validation failures carry a message per
//! form field so views can show each one next to its input.

use serde::{Deserialize, Serialize};
use server_fn_error::*;
use std::collections::BTreeMap;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// Messages keyed by form field name (the same name as the server function argument).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(())` when nothing was added, otherwise the collected errors as `AppError::Validation`.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{}", crate::i18n::t("error-not-found"))]
    NotFound,
    #[error("{}", crate::i18n::t("error-unauthorized"))]
    Unauthorized,
    #[error("{}", crate::i18n::t_args("error-forbidden", &[("needed", needed.as_str())]))]
    Forbidden { needed: String },
    #[error("{}", crate::i18n::t("error-validation"))]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{}", crate::i18n::t_args("error-rate-limited", &[("seconds", &retry_after.to_string())]))]
    RateLimited { retry_after: u64 },
    /// Sign-in refused; the message is chosen so it reveals nothing about which part was wrong.
    #[error("{0}")]
    SignIn(String),
    /// Creating one more would pass a limit of the tenant's plan (or its own value for it).
    #[error("{}", atrium_types::plans::limit_reached_message(*limit, *allowed, *plan))]
    LimitReached {
        limit: atrium_types::plans::Limit,
        allowed: u64,
        plan: atrium_types::tenants::Plan,
    },
    /// The tenant's plan (or the platform, for this tenant) has this feature switched off.
    #[error("{}", atrium_types::plans::feature_off_message(*feature, *plan))]
    FeatureOff {
        feature: atrium_types::plans::Feature,
        plan: atrium_types::tenants::Plan,
    },
    #[error("{}", crate::i18n::t("error-internal"))]
    Internal,
    /// The database cannot be reached (or has no free connection within the pool's wait): the
    /// request is refused at once rather than hanging, and may be retried.
    #[error("{}", crate::i18n::t("error-unavailable"))]
    Unavailable,
    /// The request never reached the server or its answer could not be read.
    #[error("{}", crate::i18n::t("error-network"))]
    Network(String),
}

impl AppError {
    pub fn forbidden(needed: impl std::fmt::Display) -> Self {
        Self::Forbidden {
            needed: needed.to_string(),
        }
    }
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::single(field, message))
    }
    /// The message for one form field, if this is a validation error that names it.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation(errors) => errors.get(field).map(str::to_owned),
            _ => None,
        }
    }
    /// Seconds a client should wait before trying again, for the `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized | Self::SignIn(_) => 401,
            Self::Forbidden { .. } | Self::LimitReached { .. } | Self::FeatureOff { .. } => 403,
            Self::Validation(_) => 422,
            Self::Conflict(_) => 409,
            Self::RateLimited { .. } => 429,
            Self::Internal => 500,
            Self::Network(_) => 502,
            Self::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail) => Self::Network(detail),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::Validation(FieldErrors::single("form", detail))
            }
            other => {
                tracing::warn!(error = %other, "server function plumbing failed");
                Self::Internal
            }
        }
    }

    fn ser(&self) -> leptos::server_fn::Bytes {
        // Runs on the server while the response is being built: the status follows the variant
        // instead of server_fn's blanket 500.
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(self.status())
        {
            options.set_status(status);
            // A 429 or 503 says when to come back, as the REST API's do.
            if let Some(retry_after) = self.retry_after() {
                options.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(retry_after));
            }
        }
        serde_json::to_vec(self)
            .map(Into::into)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(b"\"Internal\""))
    }
}

/// What a 503 asks the client to wait: about as long as a PostgreSQL restart takes.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// Whether a database error means PostgreSQL is out of reach (no connection within the pool's
/// wait, a connection lost, the server shutting down or starting up) rather than a bad query.
#[cfg(feature = "ssr")]
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        // Class 08: connection exceptions; 57P01–57P03: admin or crash shutdown, cannot connect now.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = error {
            return Self::NotFound;
        }
        if is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            return Self::Unavailable;
        }
        tracing::error!(%error, "database error");
        Self::Internal
    }
}

/// Maps a unique violation to a field error by constraint name; anything else is internal.
#[cfg(feature = "ssr")]
pub fn map_unique(error: sqlx::Error, constraints: &[(&str, &str, &str)]) -> AppError {
    if let sqlx::Error::Database(db) = &error
        && db.is_unique_violation()
        && let Some(name) = db.constraint()
        && let Some((_, field, key)) = constraints.iter().find(|(c, _, _)| *c == name)
    {
        return AppError::field(field, crate::i18n::t(key));
    }
    error.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_variant() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::forbidden("tenants:update").status(), 403);
        assert_eq!(AppError::field("name", "x").status(), 422);
        assert_eq!(AppError::RateLimited { retry_after: 3 }.status(), 429);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::Unavailable.retry_after(), Some(UNAVAILABLE_RETRY_SECS));
        assert_eq!(AppError::Internal.retry_after(), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn lost_connections_are_unavailable_and_bad_queries_are_not() {
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(is_unavailable(&sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        ))));
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
        assert!(!is_unavailable(&sqlx::Error::ColumnNotFound("x".into())));
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut), AppError::Unavailable);
    }

    #[test]
    fn round_trips_through_json() {
        let error = AppError::field("slug", "taken");
        let bytes = error.ser();
        assert_eq!(AppError::de(bytes), error);
        assert_eq!(error.field_error("slug").as_deref(), Some("taken"));
        assert_eq!(error.field_error("name"), None);
    }

    #[test]
    fn forbidden_names_the_permission() {
        assert!(AppError::forbidden("users:delete").to_string().contains("users:delete"));
    }
}
