//! The versioned REST API under `/api/v1`: JSON in and out, errors as
//! `{"error": {"code": "…", "message": "…"}}` with a stable code and the matching status.

pub mod analytics_export;
pub mod metrics;
pub mod permissions;
pub mod system;

use atrium_app::api_keys::auth::KeyAuthError;
use atrium_app::error::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Every `/api/v1` route, mounted from this one list so a test can compare it with the declared
/// access in `atrium_app::shell::registry::REST_ROUTES`.
pub fn routes() -> Vec<(&'static str, axum::routing::MethodRouter<crate::routes::AppState>)> {
    use axum::routing::get;
    vec![
        ("/api/v1/permissions/check", get(permissions::check)),
        ("/api/v1/audit/export", get(crate::audit_export::export)),
        ("/api/v1/metrics", get(metrics::list).post(metrics::ingest_points)),
        ("/api/v1/metrics/{metric}/panel", get(metrics::panel)),
        ("/api/v1/analytics/export", get(analytics_export::export)),
        ("/api/v1/live/stats", get(crate::live::stats::live_stats)),
        ("/api/v1/system/jobs", get(system::jobs)),
        ("/api/v1/exports/workspace", get(crate::data_export::workspace)),
        ("/api/v1/exports/members/{user_id}", get(crate::data_export::member)),
    ]
}

/// The one shape of every JSON error Atrium answers, the HTTP edge's included:
/// `{"error": {"code", "message", …extra}}` with `status`. `extra` (an object, else ignored) adds
/// fields beside the code, such as a position or a limit.
pub fn json_error(status: StatusCode, code: &str, message: impl Into<String>, extra: serde_json::Value) -> Response {
    let mut error = serde_json::json!({ "code": code, "message": message.into() });
    if let (serde_json::Value::Object(error), serde_json::Value::Object(extra)) = (&mut error, extra) {
        error.extend(extra);
    }
    (status, Json(serde_json::json!({ "error": error }))).into_response()
}

/// A refused API key or signature: `{"error": {"code", "message"}}` with the error's status; 401s
/// also say how to authenticate (`WWW-Authenticate: Bearer`).
pub struct KeyError(pub KeyAuthError);

impl IntoResponse for KeyError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_error(status, error.code(), error.message(), serde_json::Value::Null);
        if error.status() == 401 {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// An API failure: the `AppError` plus the stable code clients match on.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = match &self.0 {
            AppError::NotFound => "not_found",
            AppError::Unauthorized | AppError::SignIn(_) => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::LimitReached { .. } => "limit_reached",
            AppError::FeatureOff { .. } => "feature_off",
            AppError::Validation(_) => "invalid_request",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Internal | AppError::Network(_) => "internal",
            AppError::Unavailable => "unavailable",
        };
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let extra = match &self.0 {
            AppError::Validation(fields) => serde_json::json!({ "fields": fields.0 }),
            _ => serde_json::Value::Null,
        };
        let mut response = json_error(status, code, self.0.to_string(), extra);
        if let Some(retry_after) = self.0.retry_after() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}
