//! Publishing live events to every replica: NOTIFY inside the writer's transaction, so listeners
//! hear about data only once it is committed (and never about a rolled-back batch).

use super::types::{CHANNEL, LiveEvent, LiveNotice, MAX_NOTICE_BYTES};
use crate::db::TenantTx;
use crate::ids::MetricId;

/// Queues `event` for delivery on commit. An event too large for one NOTIFY must be replaced by
/// the caller (e.g. by `LiveEvent::Stale`); this refuses it rather than fail the transaction.
pub async fn notify(tx: &mut TenantTx, event: LiveEvent) -> Result<bool, sqlx::Error> {
    let payload = match serde_json::to_string(&LiveNotice { event }) {
        Ok(payload) if payload.len() <= MAX_NOTICE_BYTES => payload,
        _ => return Ok(false),
    };
    sqlx::query!("SELECT pg_notify($1, $2)", CHANNEL, payload)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Which of `metric_ids` are metrics of the transaction's tenant (a live subscription may name
/// only those).
pub async fn select_metric_ids(tx: &mut TenantTx, metric_ids: &[MetricId]) -> Result<Vec<MetricId>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = metric_ids.iter().map(|id| id.0).collect();
    let tenant_id = tx.tenant_id();
    sqlx::query_scalar!(
        r#"SELECT metric_id AS "metric_id: MetricId" FROM metrics WHERE tenant_id = $1 AND metric_id = ANY($2)"#,
        tenant_id.0,
        &ids
    )
    .fetch_all(&mut **tx)
    .await
}
