//! An administrator's actions on a member's sign-in (issue 14): reset their second factor (a
//! lost phone) and sign them out everywhere, each only for members the administrator may act on,
//! in the member's tenant transaction, audited.

use crate::error::AppError;
use crate::ids::UserId;
use leptos::prelude::*;

/// An administrator removes a member's second factor (a lost phone): the member's sessions end
/// and the next sign-in asks them to enrol again where the workspace requires it.
#[server]
pub async fn reset_two_factor(user_id: UserId) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::db::Account;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersResetPassword).await?;
    let (mut tx, target) = server::member_in_reach(&context, user_id).await?;
    let account = Account::Tenant(target.tenant_id, user_id);
    if !crate::auth::two_factor::db::update_clear(&mut tx, account).await? {
        return Err(AppError::Conflict(crate::i18n::t("two-factor-member-off")));
    }
    crate::auth::db::delete_user_sessions(&mut tx, user_id).await?;
    let event = AuditEvent {
        tenant_id: Some(target.tenant_id),
        action: "user.two_factor_reset",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator signs a member out everywhere (a lost laptop, a departure): every session
/// of theirs ends at once. Only for members the administrator may act on.
#[server]
pub async fn end_member_sessions(user_id: UserId) -> Result<u64, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::db::Account;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::UsersUpdate).await?;
    let (mut tx, target) = server::member_in_reach(&context, user_id).await?;
    let ended =
        crate::auth::sessions::db::delete_sessions_except(&mut tx, Account::Tenant(target.tenant_id, user_id), None)
            .await?;
    let event = AuditEvent {
        tenant_id: Some(target.tenant_id),
        action: "user.sessions_end",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "ended": ended })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::auth::context::{RequestContext, TenantScope};
    use crate::db::TenantTx;
    use crate::error::AppError;
    use crate::ids::UserId;
    use crate::users::types::User;

    /// The member `user_id` in their tenant's transaction, when the caller may act on them: not
    /// themselves, and someone they outrank.
    pub async fn member_in_reach(context: &RequestContext, user_id: UserId) -> Result<(TenantTx, User), AppError> {
        if crate::users::api::server::is_self(context, user_id) {
            return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
        }
        let mut tx = context.tenant_tx(TenantScope::OfUser(user_id)).await?;
        let target = crate::users::db::select_user(&mut tx, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::users::api::server::ensure_may_act_on(context, &mut tx, &target).await?;
        Ok((tx, target))
    }
}
