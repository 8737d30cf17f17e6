//! The `tenant_erasure` job's pass. Each workspace whose delay has run out is purged in a
//! transaction of its own that also writes `tenant.erase` on the platform chain, so a workspace is
//! either whole or gone, and never gone without its record.

use super::db;
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::{Db, PlatformGuard, PlatformTx};
use crate::ids::TenantId;
use crate::tenants::db::{AuditTrail, purge};
use chrono::{DateTime, Utc};

/// How many workspaces one pass erases at most; the next pass takes the rest.
const BATCH: i64 = 20;

/// A workspace a pass erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedTenant {
    pub tenant_id: TenantId,
    pub slug: String,
}

/// Erases every workspace whose erasure is due at `now` (up to [`BATCH`]).
pub async fn purge_due(db: &Db, now: DateTime<Utc>) -> Result<Vec<ErasedTenant>, sqlx::Error> {
    let guard = PlatformGuard::for_system_task();
    let mut tx = PlatformTx::begin(db, guard).await?;
    let due = db::select_due(&mut tx, now, BATCH).await?;
    tx.commit().await?;
    let mut erased = Vec::with_capacity(due.len());
    for tenant_id in due {
        let mut tx = PlatformTx::begin(db, guard).await?;
        // Cancelled since it was listed, or erased by an overlapping pass: the lock decides.
        let Some(tenant) = db::lock_due(&mut tx, tenant_id, now).await? else {
            tx.commit().await?;
            continue;
        };
        let deleted = purge(&mut tx, tenant_id, AuditTrail::Purge).await?;
        let event = AuditEvent {
            tenant_id: None,
            action: "tenant.erase",
            entity_type: "tenant",
            entity_id: Some(tenant_id.to_string()),
            before: Some(serde_json::json!({
                "slug": tenant.slug,
                "name": tenant.name,
                "plan": tenant.plan,
                "requested_at": tenant.requested_at,
                "erase_after": tenant.erase_after,
                "requested_by": tenant.requested_by,
            })),
            after: Some(serde_json::json!({ "deleted": deleted })),
        };
        insert_audit_event(&mut tx, &Actor::system(), event).await?;
        tx.commit().await?;
        tracing::info!(tenant_id = %tenant_id, slug = %tenant.slug, "workspace erased");
        erased.push(ErasedTenant {
            tenant_id,
            slug: tenant.slug,
        });
    }
    Ok(erased)
}
