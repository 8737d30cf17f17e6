//! Server functions for support access: open a session as a member, and end it.

use crate::error::AppError;
use crate::ids::UserId;
use leptos::prelude::*;

/// How long a support session lasts at most.
pub const SUPPORT_SESSION_MINUTES: i64 = 60;

/// The shortest and longest reason accepted, in characters.
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 10..=500;

/// Opens a support session as `user_id`; returns where the browser goes next (the member's
/// workspace), which it loads whole, as the member.
#[server]
pub async fn start_support_access(user_id: UserId, reason: String) -> Result<String, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::db::{Account, NewSession, insert_session};
    use crate::auth::types::Principal;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersImpersonate).await?;
    let Principal::Platform {
        platform_user_id,
        email: admin_email,
        ..
    } = &context.principal
    else {
        // Workspace administrators hold the permission in the matrix, but support access is the
        // platform's: a member never signs in as another.
        return Err(AppError::forbidden(Permission::UsersImpersonate));
    };
    let reason = reason.trim().to_owned();
    if !REASON_CHARS.contains(&reason.chars().count()) {
        return Err(AppError::field("reason", crate::i18n::t("support-reason-length")));
    }
    let mut tx = context
        .tenant_tx(crate::auth::context::TenantScope::OfUser(user_id))
        .await?;
    let target = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.status != crate::users::types::UserStatus::Active {
        return Err(AppError::Conflict(crate::i18n::t("support-user-disabled")));
    }
    let tenant = tx.tenant_id();
    match crate::auth::db::select_support_admission(&mut tx, tenant).await? {
        crate::auth::db::SupportAdmission::Admitted => {}
        crate::auth::db::SupportAdmission::NotInPlan => {
            return Err(AppError::Conflict(crate::i18n::t("support-refused-plan")));
        }
        crate::auth::db::SupportAdmission::Refused => {
            return Err(AppError::Conflict(crate::i18n::t("support-refused")));
        }
    }
    let slug = crate::tenants::db::select_own_slug(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let (token, token_hash) = crate::auth::service::new_token();
    let session = NewSession {
        token_hash: &token_hash,
        account: Account::Tenant(tenant, user_id),
        expires_at: chrono::Utc::now() + chrono::Duration::minutes(SUPPORT_SESSION_MINUTES),
        ip: context.meta.ip.as_deref(),
        user_agent: context.meta.user_agent.as_deref(),
        impersonation: Some((*platform_user_id, &reason)),
    };
    insert_session(&mut tx, session).await?;
    let event = AuditEvent {
        tenant_id: Some(tenant),
        action: "user.support_access_start",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "reason": reason, "by": admin_email })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    // The administrator's own session waits in a cookie of its own, to come back to.
    if let Some(own) = crate::auth::context::session_token(&parts.headers) {
        crate::auth::api::set_return_cookie(&parts, &own, SUPPORT_SESSION_MINUTES * 60);
    }
    crate::auth::api::set_session_cookie(&parts, &token);
    Ok(format!("/t/{slug}"))
}

/// Ends the support session this request came with and returns the administrator to their own
/// (when it is still live) on the member's page. The banner posts it as a plain form, so the
/// browser follows the redirect and loads that page whole, as the administrator.
#[server]
pub async fn end_support_access() -> Result<String, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::types::Principal;
    let context = crate::auth::context::authenticated().await?;
    let (Principal::Tenant { user_id, .. }, Some(who)) = (&context.principal, context.principal.impersonator()) else {
        return Err(AppError::Conflict(crate::i18n::t("support-not-active")));
    };
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let token = crate::auth::context::session_token(&parts.headers).ok_or(AppError::Unauthorized)?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    crate::auth::db::delete_session(&mut tx, &crate::auth::service::hash_token(&token)).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "user.support_access_end",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "reason": who.reason, "by": who.email })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    let own = crate::auth::api::return_token(&parts);
    crate::auth::api::set_return_cookie(&parts, "", 0);
    let own = match own {
        Some(own) => crate::auth::service::principal_for_token(&context.db, &own)
            .await?
            .filter(|principal| matches!(principal, Principal::Platform { .. }))
            .map(|_| own),
        None => None,
    };
    let next = match own {
        Some(own) => {
            crate::auth::api::set_session_cookie(&parts, &own);
            format!("/users/{user_id}")
        }
        None => {
            crate::auth::api::clear_session_cookie();
            "/login".to_owned()
        }
    };
    leptos_axum::redirect(&next);
    Ok(next)
}
