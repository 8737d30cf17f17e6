//! `GET /api/v1/permissions/check?user=…&permission=…`: whether a user holds a permission, with
//! the reason chain. Needs `roles:read`; tenant callers may ask only about their own tenant.

use super::{ApiError, session_principal};
use atrium_app::auth::context::effective_permissions;
use atrium_app::auth::types::Principal;
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::error::AppError;
use atrium_app::ids::UserId;
use atrium_app::permissions::types::Permission;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
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
    headers: HeaderMap,
    Query(query): Query<CheckQuery>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let caller = session_principal(&db, &headers).await?;
    let caller_permissions = effective_permissions(&db, &caller).await?;
    if !caller_permissions.allows(Permission::RolesRead) {
        return Err(AppError::forbidden(Permission::RolesRead).into());
    }
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
    let tenant = match (&caller, user.parse::<UserId>()) {
        (Principal::Tenant { tenant_id, .. }, _) => *tenant_id,
        (Principal::Platform { .. }, Ok(user_id)) => {
            let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
                .await
                .map_err(AppError::from)?;
            let tenant = atrium_app::users::db::select_user_tenant(&mut tx, user_id)
                .await
                .map_err(AppError::from)?;
            tx.commit().await.map_err(AppError::from)?;
            tenant.ok_or(AppError::NotFound)?
        }
        (Principal::Platform { .. }, Err(_)) => {
            return Err(AppError::field(
                "user",
                "Platform administrators identify users by id (emails repeat across tenants).",
            )
            .into());
        }
    };
    let mut tx = TenantTx::begin(&db, tenant).await.map_err(AppError::from)?;
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
