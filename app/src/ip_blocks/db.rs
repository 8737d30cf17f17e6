//! Queries on `ip_blocks`, all in the platform scope (the table's only policy).

use super::types::{BlockOrigin, BlockedNetwork, IpBlock};
use crate::audit::db::{Actor, AuditEvent, insert_audit_event};
use crate::db::PlatformTx;
use crate::ids::{IpBlockId, PlatformUserId};
use chrono::{DateTime, Utc};

struct IpBlockRow {
    ip_block_id: IpBlockId,
    network: String,
    origin: String,
    reason: String,
    created_by_name: Option<String>,
    created_at: DateTime<Utc>,
    blocked_until: Option<DateTime<Utc>>,
}

impl IpBlockRow {
    fn into_block(self) -> IpBlock {
        IpBlock {
            ip_block_id: self.ip_block_id,
            network: self.network,
            // The table's check allows only these two.
            origin: BlockOrigin::parse(&self.origin).unwrap_or(BlockOrigin::Manual),
            reason: self.reason,
            created_by_name: self.created_by_name,
            created_at: self.created_at,
            blocked_until: self.blocked_until,
        }
    }
}

/// The blocks in force at `now` (not lifted, not expired), newest first.
pub async fn select_active_blocks(tx: &mut PlatformTx, now: DateTime<Utc>) -> Result<Vec<IpBlock>, sqlx::Error> {
    let rows = sqlx::query_as!(
        IpBlockRow,
        r#"SELECT b.ip_block_id AS "ip_block_id: IpBlockId", b.network::text AS "network!", b.origin, b.reason,
                  p.name AS "created_by_name?", b.created_at, b.blocked_until
           FROM ip_blocks b LEFT JOIN platform_users p ON p.platform_user_id = b.created_by
           WHERE b.lifted_at IS NULL AND (b.blocked_until IS NULL OR b.blocked_until > $1)
           ORDER BY b.created_at DESC, b.ip_block_id"#,
        now
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(IpBlockRow::into_block).collect())
}

/// One block in force at `now`.
pub async fn select_active_block(
    tx: &mut PlatformTx,
    ip_block_id: IpBlockId,
    now: DateTime<Utc>,
) -> Result<Option<IpBlock>, sqlx::Error> {
    let row = sqlx::query_as!(
        IpBlockRow,
        r#"SELECT b.ip_block_id AS "ip_block_id: IpBlockId", b.network::text AS "network!", b.origin, b.reason,
                  p.name AS "created_by_name?", b.created_at, b.blocked_until
           FROM ip_blocks b LEFT JOIN platform_users p ON p.platform_user_id = b.created_by
           WHERE b.ip_block_id = $1 AND b.lifted_at IS NULL AND (b.blocked_until IS NULL OR b.blocked_until > $2)"#,
        ip_block_id.0,
        now
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(IpBlockRow::into_block))
}

/// The networks in force at `now` with their ends, for the edge's copy.
pub async fn select_active_networks(
    tx: &mut PlatformTx,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Option<DateTime<Utc>>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT network::text AS "network!", blocked_until
           FROM ip_blocks
           WHERE lifted_at IS NULL AND (blocked_until IS NULL OR blocked_until > $1)"#,
        now
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|row| (row.network, row.blocked_until)).collect())
}

/// What a new block holds.
pub struct NewIpBlock<'a> {
    pub network: BlockedNetwork,
    pub origin: BlockOrigin,
    pub reason: &'a str,
    pub created_by: Option<PlatformUserId>,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// Inserts a block and its `ip_block.create` audit row by `actor`, in `tx`. An automatic one is
/// skipped when a block in force at `now` already covers the address (`>>=`): a second replica
/// reaching the threshold for the same address adds nothing. `None` when skipped; manual blocks
/// are always inserted.
pub async fn insert_block(
    tx: &mut PlatformTx,
    block: &NewIpBlock<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<IpBlockId>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO ip_blocks (network, origin, reason, created_by, created_at, blocked_until)
           SELECT $1::text::cidr, $2, $3, $4, $5, $6
           WHERE $2 = 'manual' OR NOT EXISTS (
               SELECT 1 FROM ip_blocks
               WHERE network >>= $1::text::cidr AND lifted_at IS NULL
                 AND (blocked_until IS NULL OR blocked_until > $5))
           RETURNING ip_block_id AS "ip_block_id: IpBlockId""#,
        block.network.to_string(),
        block.origin.as_str(),
        block.reason,
        block.created_by.map(|id| id.0),
        now,
        block.blocked_until
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        let event = AuditEvent {
            tenant_id: None,
            action: "ip_block.create",
            entity_type: "ip_block",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "network": block.network.to_string(),
                "origin": block.origin.as_str(),
                "reason": block.reason,
                "blocked_until": block.blocked_until,
            })),
        };
        insert_audit_event(tx, actor, event).await?;
    }
    Ok(id)
}

/// Lifts a block in force at `now`; `false` when there is none with that id.
pub async fn lift_block(
    tx: &mut PlatformTx,
    ip_block_id: IpBlockId,
    lifted_by: PlatformUserId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE ip_blocks SET lifted_at = $3, lifted_by = $2
           WHERE ip_block_id = $1 AND lifted_at IS NULL AND (blocked_until IS NULL OR blocked_until > $3)"#,
        ip_block_id.0,
        lifted_by.0,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
