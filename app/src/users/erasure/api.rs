//! The erase server function: the same rules as deleting a member (users:delete, outranking
//! them, never yourself, the email typed again), in one tenant transaction.

use crate::error::AppError;
use crate::ids::UserId;
use leptos::prelude::*;

/// Erases a member: their personal data in the audit trail and elsewhere becomes a pseudonym,
/// then the account is deleted. `confirm` must repeat the email.
#[server]
pub async fn erase_user(user_id: UserId, confirm: String) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    use crate::users::api::server;
    let context = crate::auth::context::require(Permission::UsersDelete).await?;
    if server::is_self(&context, user_id) {
        return Err(AppError::Conflict(crate::i18n::t("users-not-self")));
    }
    let mut tx = context.tenant_tx(TenantScope::OfUser(user_id)).await?;
    let user = crate::users::db::select_user(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    server::ensure_may_act_on(&context, &mut tx, &user).await?;
    if confirm.trim().to_lowercase() != user.email {
        return Err(AppError::field(
            "confirm",
            crate::i18n::t_args("valid-confirm", &[("expected", &user.email)]),
        ));
    }
    let pseudonym = crate::audit::erase::pseudonym();
    let audit_rows = crate::audit::erase::erase_person(&mut tx, user_id, &user.email, &user.name, &pseudonym).await?;
    let scrubbed = super::db::scrub_copies(&mut tx, user_id, &user.email, &pseudonym).await?;
    crate::users::db::delete_user(&mut tx, user_id).await?;
    let event = AuditEvent {
        tenant_id: Some(user.tenant_id),
        action: "user.erase",
        entity_type: "user",
        entity_id: Some(user_id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "pseudonym": pseudonym,
            "audit_rows": audit_rows,
            "alert_events": scrubbed.alert_events,
            "silences": scrubbed.silences,
            "invitations": scrubbed.invitations,
        })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    leptos_axum::redirect("/users");
    Ok(())
}
