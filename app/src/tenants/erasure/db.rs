//! Queries for a workspace's erasure: the request on its own row (its `TenantTx`, which platform
//! administrators open too to cancel), and the purge (`PlatformTx`, `tenant_purge`).

use super::super::types::PendingErasure;
use crate::db::{PlatformTx, TenantTx};
use crate::ids::TenantId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The workspace's pending erasure, with who asked while they are still a member.
pub async fn select_pending(tx: &mut TenantTx) -> Result<Option<PendingErasure>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as!(
        PendingErasure,
        r#"SELECT t.erase_requested_at AS "requested_at!", t.erase_after AS "erase_after!",
                  u.email AS "requested_by?"
           FROM tenants t LEFT JOIN users u ON u.user_id = t.erase_requested_by
           WHERE t.tenant_id = $1 AND t.erase_after IS NOT NULL"#,
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Locks the workspace's row and returns its pending erasure (for a cancel).
pub async fn select_pending_for_update(tx: &mut TenantTx) -> Result<Option<PendingErasure>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query!(
        "SELECT 1 AS locked FROM tenants WHERE tenant_id = $1 FOR UPDATE",
        tenant_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    select_pending(tx).await
}

/// Schedules the erasure `delay_hours` from now, unless one is pending (then `None`).
pub async fn request(
    tx: &mut TenantTx,
    requested_by: Option<Uuid>,
    delay_hours: u32,
) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let row = sqlx::query!(
        r#"UPDATE tenants
           SET erase_requested_at = now(), erase_after = now() + make_interval(hours => $2),
               erase_requested_by = $3, updated_at = now()
           WHERE tenant_id = $1 AND erase_after IS NULL
           RETURNING erase_requested_at AS "requested_at!", erase_after AS "erase_after!""#,
        tenant_id.0,
        i32::try_from(delay_hours).unwrap_or(i32::MAX),
        requested_by
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| (row.requested_at, row.erase_after)))
}

/// Withdraws the pending erasure; false when there was none.
pub async fn clear(tx: &mut TenantTx) -> Result<bool, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let result = sqlx::query!(
        "UPDATE tenants SET erase_requested_at = NULL, erase_after = NULL, erase_requested_by = NULL, updated_at = now()
         WHERE tenant_id = $1 AND erase_after IS NOT NULL",
        tenant_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Workspaces whose erasure is due at `now`, oldest first, at most `limit` (read from the
/// partial index `tenants_erase_due_idx`).
pub async fn select_due(tx: &mut PlatformTx, now: DateTime<Utc>, limit: i64) -> Result<Vec<TenantId>, sqlx::Error> {
    let ids = sqlx::query_scalar!(
        "SELECT tenant_id FROM tenants WHERE erase_after <= $1 ORDER BY erase_after LIMIT $2",
        now,
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().map(TenantId).collect())
}

/// What the platform chain records about an erased workspace, read under the row's lock.
pub struct DueTenant {
    pub slug: String,
    pub name: String,
    pub plan: String,
    pub requested_at: DateTime<Utc>,
    pub erase_after: DateTime<Utc>,
    pub requested_by: Option<Uuid>,
}

/// Locks a workspace whose erasure is still due at `now` (`None` once cancelled or gone).
pub async fn lock_due(
    tx: &mut PlatformTx,
    tenant_id: TenantId,
    now: DateTime<Utc>,
) -> Result<Option<DueTenant>, sqlx::Error> {
    sqlx::query_as!(
        DueTenant,
        r#"SELECT slug, name, plan::text AS "plan!", erase_requested_at AS "requested_at!",
                  erase_after AS "erase_after!", erase_requested_by AS requested_by
           FROM tenants WHERE tenant_id = $1 AND erase_after <= $2 FOR UPDATE"#,
        tenant_id.0,
        now
    )
    .fetch_optional(&mut **tx)
    .await
}
