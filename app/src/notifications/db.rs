//! Channel and outbox queries. Everything a tenant sees runs in its `TenantTx`.

use super::types::{ChannelKind, ChannelSummary, Notification};
use crate::db::TenantTx;
use crate::ids::{ChannelId, DeliveryId};
use chrono::{DateTime, Utc};

/// The outbox's wake-up channel: workers LISTEN on it, so a committed delivery is attempted at
/// once rather than at the next poll.
pub const OUTBOX_CHANNEL: &str = "atrium_outbox";

/// The tenant's channels, by name.
pub async fn select_channel_summaries(tx: &mut TenantTx) -> Result<Vec<ChannelSummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT channel_id, name, kind, enabled FROM channels WHERE tenant_id = $1 ORDER BY lower(name), channel_id"#,
        tenant_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(ChannelSummary {
                channel_id: ChannelId(row.channel_id),
                name: row.name,
                kind: ChannelKind::parse(&row.kind)?,
                enabled: row.enabled,
            })
        })
        .collect())
}

/// Writes one pending delivery per enabled channel among `channels` (unknown or disabled ones are
/// skipped), due at `now`, and wakes the workers when the transaction commits.
pub async fn insert_deliveries(
    tx: &mut TenantTx,
    channels: &[ChannelId],
    notification: &Notification,
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, sqlx::Error> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let tenant_id = tx.tenant_id();
    let channel_ids: Vec<uuid::Uuid> = channels.iter().map(|id| id.0).collect();
    let body = serde_json::to_value(notification).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let ids = sqlx::query_scalar!(
        r#"INSERT INTO deliveries (tenant_id, channel_id, event_type, notification, source_ids, next_attempt_at, created_at)
           SELECT tenant_id, channel_id, $3, $4, $5, $6, $6
           FROM channels
           WHERE tenant_id = $1 AND channel_id = ANY($2) AND enabled
           RETURNING delivery_id AS "delivery_id: DeliveryId""#,
        tenant_id.0,
        &channel_ids,
        notification.event_type,
        body,
        &notification.sources,
        now
    )
    .fetch_all(&mut **tx)
    .await?;
    if !ids.is_empty() {
        sqlx::query!("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    Ok(ids)
}

/// Deliveries about `source` (an alert id), newest first.
pub async fn select_deliveries_for_source(
    tx: &mut TenantTx,
    source: uuid::Uuid,
) -> Result<Vec<super::types::DeliverySummary>, sqlx::Error> {
    let tenant_id = tx.tenant_id();
    let rows = sqlx::query!(
        r#"SELECT d.delivery_id, d.channel_id, c.name, c.kind, d.event_type, d.status, d.attempts, d.created_at,
                  d.next_attempt_at, d.finished_at
           FROM deliveries d JOIN channels c USING (tenant_id, channel_id)
           WHERE d.tenant_id = $1 AND d.source_ids @> ARRAY[$2::uuid]
           ORDER BY d.created_at DESC, d.delivery_id"#,
        tenant_id.0,
        source
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(super::types::DeliverySummary {
                delivery_id: DeliveryId(row.delivery_id),
                channel_id: ChannelId(row.channel_id),
                channel_name: row.name,
                channel_kind: ChannelKind::parse(&row.kind)?,
                event_type: row.event_type,
                status: row.status,
                attempts: row.attempts,
                created_at: row.created_at,
                next_attempt_at: row.next_attempt_at,
                finished_at: row.finished_at,
            })
        })
        .collect())
}
