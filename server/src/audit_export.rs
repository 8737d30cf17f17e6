//! `GET /api/v1/audit/export?format=csv|json&…filters`: the filtered audit trail as a streamed
//! download. Authenticated by the session cookie like the pages; needs `audit:export`; refused
//! (403 `cross_site_request`) when `Sec-Fetch-Site` says another site started it. Errors
//! are JSON `{"error":{"code","message"}}` with the status of the `AppError`.

use atrium_app::audit::export::{ExportFormat, export_stream};
use atrium_app::audit::types::AuditQuery;
use atrium_app::auth::context::RequestContext;
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::limits::{Expensive, RateLimits};
use atrium_app::permissions::types::Permission;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// The machine-readable code of an error in REST answers.
fn error_code(error: &AppError) -> &'static str {
    match error {
        AppError::NotFound => "not_found",
        AppError::Unauthorized | AppError::SignIn(_) => "unauthorized",
        AppError::Forbidden { .. } => "forbidden",
        AppError::LimitReached { .. } => "limit_reached",
        AppError::FeatureOff { .. } => "feature_off",
        AppError::Validation(_) => "validation",
        AppError::Conflict(_) => "conflict",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::Internal | AppError::Network(_) => "internal",
        AppError::Unavailable => "unavailable",
    }
}

/// An `AppError` as a REST error response (a 429 with `Retry-After`).
pub fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({"error": {"code": error_code(&error), "message": error.to_string()}});
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(retry_after) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, retry_after.into());
    }
    response
}

pub async fn export(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    // A GET that writes an audit row and hands out data: the Lax session cookie rides along on
    // another site's link, so only this site's own links (or a typed address) may start it.
    if let Some(refusal) = crate::edge::origin::refuse_foreign_navigation(&parts.headers) {
        return refusal;
    }
    match start(db, &limits, &params, &parts).await {
        Ok(response) => response,
        Err(error) => error_response(error),
    }
}

async fn start(
    db: Db,
    limits: &RateLimits,
    params: &HashMap<String, String>,
    parts: &Parts,
) -> Result<Response, AppError> {
    let context = RequestContext::from_parts(db, parts).await?;
    context.require(Permission::AuditExport).await?;
    // An export streams a whole audit trail out of the database.
    limits.check_expensive(&context.principal, Expensive::AuditExport)?;
    let format = params
        .get("format")
        .map_or(Some(ExportFormat::Csv), |f| ExportFormat::parse(f))
        .ok_or_else(|| AppError::field("format", atrium_app::i18n::t("audit-export-format")))?;
    let mut query = AuditQuery::from_params(|name| params.get(name).cloned());
    if context.principal.tenant_id().is_some() {
        // The tenant filter is a platform control; tenant users only ever read their own chain.
        query.tenant = atrium_app::audit::types::TenantFilter::All;
    }
    atrium_app::audit::api::server::record_export(&context, &query, format).await?;
    let filename = format!(
        "attachment; filename=\"audit-{}.{}\"",
        chrono::Utc::now().format("%Y%m%d-%H%M%S"),
        format.extension()
    );
    let mut response = Body::from_stream(export_stream(context, query, format)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
