//! `GET /api/v1/audit/export?format=csv|json&…filters`: the filtered audit trail as a streamed
//! download. Authenticated by the session cookie like the pages; needs `audit:export`; refused
//! (403 `cross_site_request`) when `Sec-Fetch-Site` says another site started it. Errors
//! are the API's (`api::ApiError`): the same codes as every other `/api/v1` route.

use crate::api::ApiError;
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
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

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
        Err(error) => ApiError(error).into_response(),
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
