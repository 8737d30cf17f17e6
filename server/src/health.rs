//! Liveness and readiness probes.

use atrium_app::db::Db;
use axum::extract::State;
use axum::http::StatusCode;

/// 200 while the process is up.
pub async fn health() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
pub async fn ready(State(db): State<Db>) -> (StatusCode, &'static str) {
    if db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
