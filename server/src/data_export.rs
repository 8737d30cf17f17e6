//! `GET /api/v1/exports/workspace[?tenant=…]` and `GET /api/v1/exports/members/{user_id}`: a data
//! export as a streamed ZIP download (`atrium_app::data_export`). Authenticated by the session
//! cookie like the pages; refused (403 `cross_site_request`) when another site started it;
//! errors are JSON `{"error":{"code","message"}}` like the rest of the API.

use crate::api::ApiError;
use atrium_app::auth::context::RequestContext;
use atrium_app::data_export::archive::{ExportJob, stream};
use atrium_app::data_export::types::ExportScope;
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::ids::{TenantId, UserId};
use atrium_app::limits::{Expensive, RateLimits};
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub async fn workspace(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let tenant = match params.get("tenant").map(|id| id.parse::<uuid::Uuid>()) {
        None => Ok(None),
        Some(Ok(id)) => Ok(Some(TenantId(id))),
        Some(Err(_)) => Err(AppError::field("tenant", atrium_app::i18n::t("valid-tenant"))),
    };
    download(
        db,
        &limits,
        request,
        tenant.map(|tenant| (ExportScope::Workspace, tenant)),
    )
    .await
}

pub async fn member(
    State(db): State<Db>,
    State(limits): State<RateLimits>,
    Path(user_id): Path<String>,
    request: Request,
) -> Response {
    let scope = user_id
        .parse::<uuid::Uuid>()
        .map(|id| (ExportScope::Member(UserId(id)), None))
        .map_err(|_| AppError::NotFound);
    download(db, &limits, request, scope).await
}

/// Starts the export `requested` names once the caller is known: a malformed request from
/// someone signed out is still a 401, like every other route.
async fn download(
    db: Db,
    limits: &RateLimits,
    request: Request,
    requested: Result<(ExportScope, Option<TenantId>), AppError>,
) -> Response {
    let (parts, _) = request.into_parts();
    // A GET that records an export and hands out data: only this site's own links may start it.
    if let Some(refusal) = crate::edge::origin::refuse_foreign_navigation(&parts.headers) {
        return refusal;
    }
    let started = async {
        let context = RequestContext::from_parts(db.clone(), &parts).await?;
        let (scope, tenant) = requested?;
        // An export reads a whole workspace.
        limits.check_expensive(&context.principal, Expensive::DataExport)?;
        atrium_app::data_export::api::server::begin(&context, scope, tenant).await
    };
    match started.await {
        Ok(job) => archive_response(db, job),
        Err(error) => ApiError(error).into_response(),
    }
}

fn archive_response(db: Db, job: ExportJob) -> Response {
    let what = match job.scope {
        ExportScope::Workspace => "workspace".to_owned(),
        ExportScope::Member(user) => format!("member-{user}"),
    };
    let filename = format!(
        "attachment; filename=\"atrium-{what}-{}.zip\"",
        job.started_at.format("%Y%m%d-%H%M%S")
    );
    let mut response = Body::from_stream(stream(db, job)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-atrium-export-id",
        HeaderValue::from_str(&job.export_id.to_string()).unwrap_or(HeaderValue::from_static("")),
    );
    response
}
