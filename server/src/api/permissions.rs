//! `GET /api/v1/permissions/check?user=…&permission=…`: whether a user holds a permission, with
//! the reason chain. The REST twin of the `explain_permission` server function: the same request
//! context, the same permission (`users:read`) and the same choice of tenant (tenant callers may
//! ask only about their own tenant; another tenant's user is not found).

use super::ApiError;
use atrium_app::auth::context::{RequestContext, TenantScope};
use atrium_app::auth::types::Principal;
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::ids::UserId;
use atrium_app::permissions::types::Permission;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct CheckQuery {
    /// A user id, or (inside the caller's own tenant) an email.
    user: Option<String>,
    permission: Option<String>,
}

#[derive(Serialize)]
pub struct CheckAnswer {
    user_id: UserId,
    email: String,
    permission: &'static str,
    allowed: bool,
    reasons: Vec<String>,
}

pub async fn check(
    State(db): State<Db>,
    parts: Parts,
    Query(query): Query<CheckQuery>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let context = RequestContext::from_parts(db, &parts).await?;
    context.require(Permission::UsersRead).await?;
    let permission = query
        .permission
        .as_deref()
        .and_then(Permission::parse)
        .ok_or_else(|| AppError::field("permission", "Give a permission such as users:delete."))?;
    let user = query
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| AppError::field("user", "Give a user id or email."))?;
    let scope = match (&context.principal, user.parse::<UserId>()) {
        (_, Ok(user_id)) => TenantScope::OfUser(user_id),
        (Principal::Tenant { .. }, Err(_)) => TenantScope::Own,
        (Principal::Platform { .. }, Err(_)) => {
            return Err(AppError::field(
                "user",
                "Platform administrators identify users by id (emails repeat across tenants).",
            )
            .into());
        }
    };
    let mut tx = context.tenant_tx(scope).await?;
    let target = match user.parse::<UserId>() {
        Ok(id) => atrium_app::users::db::select_user(&mut tx, id).await,
        Err(_) => atrium_app::users::db::select_user_by_email(&mut tx, &user.to_lowercase()).await,
    }
    .map_err(AppError::from)?
    .ok_or(AppError::NotFound)?;
    let effective = atrium_app::permissions::db::select_effective(&mut tx, target.user_id, target.role)
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(Json(CheckAnswer {
        user_id: target.user_id,
        email: target.email,
        permission: permission.as_str(),
        allowed: effective.allows(permission),
        reasons: effective.explain(permission),
    }))
}
