//! Server functions of the audit page: one filtered page of the trail, and chain verification.
//! Platform administrators see every chain; tenant users only their own tenant's.

use super::types::{AuditEntry, ChainReport};
use crate::error::AppError;
use crate::paging::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::db::AuditReader;
    use super::super::types::{AuditQuery, TenantFilter};
    use crate::auth::context::RequestContext;
    use crate::auth::types::Principal;
    use crate::db::{PlatformTx, TenantTx};
    use crate::error::AppError;
    use crate::permissions::types::Permission;

    /// A read transaction over what the principal may see. `snapshot` gives one consistent view
    /// for multi-statement reads (verification).
    pub async fn open_reader(
        context: &RequestContext,
        permission: Permission,
        snapshot: bool,
    ) -> Result<AuditReader, AppError> {
        Ok(match &context.principal {
            Principal::Platform { .. } => {
                let guard = context.platform_guard(permission)?;
                let tx = if snapshot {
                    PlatformTx::begin_snapshot(&context.db, guard).await?
                } else {
                    PlatformTx::begin(&context.db, guard).await?
                };
                AuditReader::Platform(tx)
            }
            Principal::Tenant { tenant_id, .. } => {
                let tx = if snapshot {
                    TenantTx::begin_snapshot(&context.db, *tenant_id).await?
                } else {
                    TenantTx::begin(&context.db, *tenant_id).await?
                };
                AuditReader::Tenant(tx)
            }
        })
    }

    /// Exporting the trail is itself recorded (`audit.export`, with the filter), in the exporter's
    /// chain, before the first row is sent.
    pub async fn record_export(
        context: &RequestContext,
        query: &AuditQuery,
        format: super::super::export::ExportFormat,
    ) -> Result<(), AppError> {
        use crate::audit::db::{AuditEvent, insert_audit_event};
        let filter: serde_json::Map<String, serde_json::Value> = query
            .filter_params()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), serde_json::Value::String(value)))
            .collect();
        let event = AuditEvent {
            tenant_id: context.principal.tenant_id(),
            action: "audit.export",
            entity_type: "audit_log",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({"format": format.extension(), "filter": filter})),
        };
        match context.principal.tenant_id() {
            Some(tenant_id) => {
                let mut tx = context.tenant_tx(tenant_id).await?;
                insert_audit_event(&mut tx, &context.actor(), event).await?;
                tx.commit().await?;
            }
            None => {
                let mut tx = context.platform_tx(Permission::AuditExport).await?;
                insert_audit_event(&mut tx, &context.actor(), event).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// The query as the principal may run it: the tenant filter is a platform-only control.
    pub fn scoped(context: &RequestContext, mut query: AuditQuery) -> AuditQuery {
        if context.principal.tenant_id().is_some() {
            query.tenant = TenantFilter::All;
        }
        query
    }
}

/// One page of the audit trail, filtered. `query` is the audit page's URL query string
/// (`AuditQuery::to_query_string`), so the page and the server read the same parameters.
#[server]
pub async fn list_audit_events(query: String) -> Result<Page<AuditEntry>, AppError> {
    use super::types::AuditQuery;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AuditRead).await?;
    let query = server::scoped(&context, AuditQuery::from_query_string(&query));
    let mut reader = server::open_reader(&context, Permission::AuditRead, false).await?;
    let page = super::db::select_audit_page(&mut reader, &query).await?;
    reader.commit().await?;
    Ok(page)
}

/// Verifies the hash chain(s) the user may see and reports the first broken link of each.
#[server]
pub async fn verify_audit_chain() -> Result<ChainReport, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AuditRead).await?;
    let mut reader = server::open_reader(&context, Permission::AuditRead, true).await?;
    let report = super::db::verify_chains(&mut reader).await?;
    reader.commit().await?;
    Ok(report)
}
