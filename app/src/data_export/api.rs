//! Starting an export (for the download route in `server/src/data_export.rs`) and listing a
//! workspace's exports with their progress.

use super::types::DataExport;
use crate::error::AppError;
use leptos::prelude::*;

/// How many exports the Data page lists.
pub const RECENT: i64 = 20;

/// The workspace's newest exports, running ones with their progress.
#[server]
pub async fn list_exports() -> Result<Vec<DataExport>, AppError> {
    use crate::auth::context::TenantScope;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::SettingsUpdate).await?;
    let mut tx = context.tenant_tx(TenantScope::Own).await?;
    // A server that stopped mid-stream leaves its export running: say what happened.
    super::db::fail_stale(&mut tx, chrono::Duration::minutes(2)).await?;
    let exports = super::db::select_recent(&mut tx, RECENT).await?;
    tx.commit().await?;
    Ok(exports)
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::archive::{ExportJob, tables};
    use super::super::types::ExportScope;
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::auth::context::{RequestContext, TenantScope};
    use crate::auth::types::Principal;
    use crate::error::AppError;
    use crate::ids::TenantId;
    use crate::permissions::types::Permission;

    /// Checks the caller may export `scope` (the workspace: settings:update; a member: yourself,
    /// or users:read over someone you outrank), records the export and its audit row, and
    /// returns the job to stream. `tenant` names the workspace for platform administrators.
    pub async fn begin(
        context: &RequestContext,
        scope: ExportScope,
        tenant: Option<TenantId>,
    ) -> Result<ExportJob, AppError> {
        let mut tx = match scope {
            ExportScope::Workspace => {
                context.require(Permission::SettingsUpdate).await?;
                let named = match &context.principal {
                    Principal::Platform { .. } => TenantScope::Named(tenant),
                    Principal::Tenant { .. } => TenantScope::Own,
                };
                context.tenant_tx(named).await?
            }
            ExportScope::Member(user_id) => {
                let own = matches!(&context.principal, Principal::Tenant { user_id: me, .. } if *me == user_id);
                if !own {
                    context.require(Permission::UsersRead).await?;
                }
                let mut tx = context.tenant_tx(TenantScope::OfUser(user_id)).await?;
                let user = crate::users::db::select_user(&mut tx, user_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                crate::users::api::server::ensure_may_act_on(context, &mut tx, &user).await?;
                tx
            }
        };
        let tables_total = i32::try_from(tables(scope).len()).unwrap_or(i32::MAX);
        let requested_by = context.actor().id;
        let export_id = super::super::db::insert_export(&mut tx, scope, requested_by, tables_total).await?;
        let (entity_type, entity_id) = scope.audit_entity(tx.tenant_id());
        let event = AuditEvent {
            tenant_id: Some(tx.tenant_id()),
            action: "data.export",
            entity_type,
            entity_id: Some(entity_id),
            before: None,
            after: Some(serde_json::json!({ "export_id": export_id, "scope": scope.as_str() })),
        };
        insert_audit_event(&mut tx, &context.actor(), event).await?;
        let job = ExportJob {
            tenant: tx.tenant_id(),
            scope,
            export_id,
            started_at: chrono::Utc::now(),
        };
        tx.commit().await?;
        Ok(job)
    }
}
