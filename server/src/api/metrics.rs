//! The metrics REST API, authenticated by API key (`Authorization: Bearer atr_…`):
//! `POST /api/v1/metrics` ingests a batch, `GET /api/v1/metrics` lists the tenant's metrics and
//! `GET /api/v1/metrics/{metric}/panel` reads one panel. Every error is JSON with a stable code.
//!
//! Each route verifies the request's signature (`KeyPrincipal::verify_request`) before doing
//! anything for the caller: required when the tenant requires signed requests, checked whenever
//! one is present. A GET signs an empty body.

use crate::api::json_error;
use crate::routes::AppState;
use atrium_app::analytics::commit::IngestError;
use atrium_app::analytics::ingest::{BatchError, BodyFormat, IngestLimits, parse_batch};
use atrium_app::analytics::types::PanelArgs;
use atrium_app::api_keys::auth::{KeyPrincipal, SignedRequest, authenticate};
use atrium_app::api_keys::types::ApiKeyScope;
use atrium_app::db::{Db, TenantTx};
use atrium_app::error::AppError;
use atrium_app::limits::RateLimits;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

fn key_error(error: atrium_app::api_keys::auth::KeyAuthError) -> Response {
    crate::api::KeyError(error).into_response()
}

fn app_error(error: AppError) -> Response {
    crate::api::ApiError(error).into_response()
}

/// The key behind the request, within its plan's request rates (per key, then per tenant), and
/// holding `scope`. The rate is checked before the scope so a key cannot hammer a route it may
/// not use for free.
async fn key_with(
    db: &Db,
    limits: &RateLimits,
    headers: &HeaderMap,
    scope: ApiKeyScope,
) -> Result<KeyPrincipal, Response> {
    let principal = authenticate(db, headers).await.map_err(key_error)?;
    limits
        .check_api(principal.api_key_id, principal.tenant_id, principal.rates)
        .map_err(app_error)?;
    principal.require(scope).map_err(key_error)?;
    Ok(principal)
}

/// The path and query the client sent, which its signature covers. `OriginalUri` so a router
/// nested under a prefix later still verifies against what the client signed.
fn path_and_query(uri: &OriginalUri) -> &str {
    uri.0.path_and_query().map_or("/", |target| target.as_str())
}

/// `key_with` for a read: authenticates, checks the scope and verifies the signature over an
/// empty body (what a GET signs), recording its nonce.
async fn reading_key(
    db: &Db,
    limits: &RateLimits,
    method: &Method,
    uri: &OriginalUri,
    headers: &HeaderMap,
    scope: ApiKeyScope,
) -> Result<KeyPrincipal, Response> {
    let principal = key_with(db, limits, headers, scope).await?;
    let request = SignedRequest {
        method: method.as_str(),
        path_and_query: path_and_query(uri),
        body: &[],
    };
    principal
        .verify_request(db, headers, &request, Utc::now())
        .await
        .map_err(key_error)?;
    Ok(principal)
}

/// `POST /api/v1/metrics`.
pub async fn ingest_points(State(state): State<AppState>, uri: OriginalUri, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let principal = match key_with(&state.db, &state.limits, &parts.headers, ApiKeyScope::MetricsWrite).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let limits = state.ingest;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limits.max_bytes) {
        return too_large(limits.max_bytes);
    }
    let body: Bytes = match axum::body::to_bytes(body, limits.max_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(limits.max_bytes),
    };
    let now = Utc::now();
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path_and_query: path_and_query(&uri),
        body: &body,
    };
    if let Err(error) = principal.verify_request(&state.db, &parts.headers, &signed, now).await {
        return key_error(error);
    }
    let format = BodyFormat::from_content_type(parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()));
    // Points older than the plan keeps raw data would only land in partitions about to go.
    let retention = chrono::Duration::days(i64::from(principal.plan.retention().raw_days));
    let limits = IngestLimits {
        max_age: limits.max_age.min(retention),
        ..limits
    };
    let batch = match parse_batch(&body, format, &limits, now) {
        Ok(batch) => batch,
        Err(error) => return batch_error(error),
    };
    let total = batch.total();
    match state
        .lanes
        .ingest(principal.tenant_id, principal.plan, batch, now)
        .await
    {
        Ok(report) if report.accepted == 0 => json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_points",
            format!("none of the {total} points was accepted"),
            json!({ "accepted": 0, "rejected": report.rejected }),
        ),
        Ok(report) => {
            let status = if report.rejected.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::MULTI_STATUS
            };
            (
                status,
                Json(json!({ "accepted": report.accepted, "rejected": report.rejected })),
            )
                .into_response()
        }
        Err(IngestError::QuotaExceeded { quota, retry_after_s }) => {
            let mut response = json_error(
                StatusCode::TOO_MANY_REQUESTS,
                "quota_exceeded",
                format!("the plan's daily quota of {quota} points is used up; it resets at midnight UTC"),
                json!({ "retry_after_s": retry_after_s }),
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after_s.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(IngestError::Database(error)) => {
            tracing::error!(%error, "ingestion failed");
            // Unreachable PostgreSQL is a 503 with Retry-After, anything else a 500.
            app_error(AppError::from(error))
        }
        Err(IngestError::Interrupted) => {
            tracing::error!("ingestion's writer stopped before answering");
            app_error(AppError::Unavailable)
        }
    }
}

fn too_large(max_bytes: usize) -> Response {
    json_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body is larger than {max_bytes} bytes"),
        json!({ "max_bytes": max_bytes }),
    )
}

fn batch_error(error: BatchError) -> Response {
    match error {
        BatchError::InvalidJson { line, column, message } => json_error(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not valid JSON: {message}"),
            json!({ "line": line, "column": column }),
        ),
        BatchError::InvalidShape => json_error(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "send an array of points or {\"points\": [...]}",
            Value::Null,
        ),
        BatchError::Empty => json_error(
            StatusCode::BAD_REQUEST,
            "empty_batch",
            "the batch has no points",
            Value::Null,
        ),
        BatchError::TooManyPoints { max, got } => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_points",
            format!("a batch holds at most {max} points; this one has {got}"),
            json!({ "max_points": max }),
        ),
    }
}

/// `GET /api/v1/metrics`.
pub async fn list(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    let principal = match reading_key(&db, &limits, &method, &uri, &headers, ApiKeyScope::MetricsRead).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let result = async {
        let mut tx = TenantTx::begin(&db, principal.tenant_id).await?;
        let metrics = atrium_app::analytics::db::select_metrics(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(metrics)
    }
    .await;
    match result {
        Ok(metrics) => Json(json!({ "metrics": metrics })).into_response(),
        Err(error) => app_error(error.into()),
    }
}

/// `GET /api/v1/metrics/{metric}/panel?range=…&bucket=…&labels=…`.
pub async fn panel(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    Path(metric): Path<String>,
    Query(args): Query<PanelArgs>,
) -> Response {
    let principal = match reading_key(&db, &limits, &method, &uri, &headers, ApiKeyScope::MetricsRead).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let result = async {
        let mut tx = TenantTx::begin(&db, principal.tenant_id).await?;
        let args = PanelArgs { metric, ..args };
        let panel = atrium_app::analytics::api::server::load_panel(&mut tx, &args, Utc::now()).await?;
        tx.commit().await?;
        Ok::<_, AppError>(panel)
    }
    .await;
    match result {
        Ok(panel) => Json(panel).into_response(),
        Err(error) => app_error(error),
    }
}
