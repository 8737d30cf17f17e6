//! Server functions for a workspace's erasure: its administrators ask for it (`tenants:erase`)
//! and may withdraw it, platform administrators may cancel it, until the delay runs out. Each
//! writes its audit row on the workspace's chain; the purge's row goes on the platform chain.
//! (Members learn of a pending erasure with their session: `CurrentUser`'s workspace.)

use super::super::types::PendingErasure;
use crate::error::AppError;
use crate::ids::TenantId;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::db::TenantTx;
    use crate::i18n::{t_args_in, t_text_in};
    use crate::notifications::types::Notification;
    use atrium_types::locale::Precision;
    use chrono::{DateTime, Utc};

    /// What happened to the workspace's erasure, for its channels.
    pub enum Change {
        Scheduled,
        Cancelled,
    }

    /// Tells every channel of the workspace, in the change's own transaction (so the message
    /// goes out if and only if the change commits): a scheduled erasure reaches its people days
    /// before anything is deleted, by the means they chose, whoever asked for it.
    pub async fn notify_channels(
        tx: &mut TenantTx,
        change: Change,
        who: &str,
        erase_after: DateTime<Utc>,
        slug: &str,
    ) -> Result<(), sqlx::Error> {
        let channels = crate::notifications::db::select_channel_ids(tx).await?;
        if channels.is_empty() {
            return Ok(());
        }
        let (event_type, title, body, severity) = match change {
            Change::Scheduled => (
                "workspace.erase_scheduled",
                "erasure-notice-scheduled-title",
                "erasure-notice-scheduled-body",
                "critical",
            ),
            Change::Cancelled => (
                "workspace.erase_cancelled",
                "erasure-notice-cancelled-title",
                "erasure-notice-cancelled-body",
                "medium",
            ),
        };
        let compose = |language| {
            let when = atrium_types::locale::moment(language, erase_after, Precision::Minute);
            Notification {
                event_type: event_type.to_owned(),
                language,
                title: t_text_in(language, title, "workspace", slug),
                body: t_args_in(language, body, &[("who", who), ("when", &when)]),
                severity: Some(severity.to_owned()),
                link: Some(format!("/t/{slug}/data")),
                sources: Vec::new(),
                data: serde_json::json!({ "workspace": slug, "erase_after": erase_after }),
            }
        };
        crate::notifications::service::enqueue(tx, &channels, &compose, Utc::now()).await?;
        Ok(())
    }
}

/// Schedules the erasure of the signed-in member's workspace; `confirm` must repeat its slug.
#[server]
pub async fn request_workspace_erasure(confirm: String) -> Result<PendingErasure, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::i18n::{t, t_args};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsErase).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    let tenant = crate::tenants::db::select_own_tenant(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if confirm.trim() != tenant.slug {
        return Err(AppError::field(
            "confirm",
            t_args("valid-confirm", &[("expected", &tenant.slug)]),
        ));
    }
    let actor = context.actor();
    let (requested_at, erase_after) = super::db::request(&mut tx, actor.id, super::delay_hours())
        .await?
        .ok_or_else(|| AppError::Conflict(t("erasure-already-pending")))?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "tenant.erase_request",
        entity_type: "tenant",
        entity_id: Some(tx.tenant_id().to_string()),
        before: None,
        after: Some(serde_json::json!({ "requested_at": requested_at, "erase_after": erase_after })),
    };
    insert_audit_event(&mut tx, &actor, event).await?;
    let who = context.principal.email().to_owned();
    server::notify_channels(&mut tx, server::Change::Scheduled, &who, erase_after, &tenant.slug).await?;
    tx.commit().await?;
    Ok(PendingErasure {
        requested_at,
        erase_after,
        requested_by: Some(context.principal.email().to_owned()),
    })
}

/// Cancels a workspace's pending erasure: a member of it with `tenants:erase`, or a platform
/// administrator naming it. Refused once the delay has run out (the purge may be running).
#[server]
pub async fn cancel_workspace_erasure(tenant_id: Option<TenantId>) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::TenantScope;
    use crate::i18n::t;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::TenantsErase).await?;
    let mut tx = context.tenant_tx(TenantScope::Named(tenant_id)).await?;
    let pending = super::db::select_pending_for_update(&mut tx)
        .await?
        .ok_or_else(|| AppError::Conflict(t("erasure-none-pending")))?;
    if !pending.cancellable_at(chrono::Utc::now()) {
        return Err(AppError::Conflict(t("erasure-under-way")));
    }
    super::db::clear(&mut tx).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "tenant.erase_cancel",
        entity_type: "tenant",
        entity_id: Some(tx.tenant_id().to_string()),
        before: Some(serde_json::json!({
            "requested_at": pending.requested_at,
            "erase_after": pending.erase_after,
        })),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    let who = context.principal.email();
    let slug = crate::tenants::db::select_own_slug(&mut tx).await?.unwrap_or_default();
    server::notify_channels(&mut tx, server::Change::Cancelled, who, pending.erase_after, &slug).await?;
    tx.commit().await?;
    Ok(())
}
