//! The palette's searches within one tenant: a few names, read in order and stopped at the limit.

use super::types::Hit;
use crate::alerts::types::AlertState;
use crate::db::TenantTx;
use crate::ids::AlertId;

/// Up to `limit` of the tenant's metrics whose name contains `search`, by name. A tenant has at
/// most its plan's metrics (20,000 on the largest), walked in the `(tenant_id, name)` order.
pub async fn select_metric_hits(tx: &mut TenantTx, search: &str, limit: i64) -> Result<Vec<Hit>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        r#"SELECT name, unit FROM metrics
           WHERE tenant_id = $1 AND name ILIKE $2
           ORDER BY name LIMIT $3"#,
        tenant,
        crate::paging::like_pattern(search),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Hit::Metric {
            name: row.name,
            unit: Some(row.unit).filter(|unit| !unit.is_empty()),
        })
        .collect())
}

/// Up to `limit` of the tenant's open alerts whose rule's name or labels contain `search`, the
/// most severe and newest first. Open alerts are as many as the rules' series, read from the
/// open alerts' partial index.
pub async fn select_alert_hits(
    tx: &mut TenantTx,
    search: &str,
    limit: i64,
    can_acknowledge: bool,
) -> Result<Vec<Hit>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        r#"SELECT a.alert_id, r.name AS rule_name, a.state
           FROM alerts a JOIN alert_rules r USING (tenant_id, rule_id)
           WHERE a.tenant_id = $1 AND a.state <> 'resolved'
             AND (r.name ILIKE $2 OR a.labels::text ILIKE $2)
           ORDER BY a.severity_rank, a.started_at DESC, a.alert_id
           LIMIT $3"#,
        tenant,
        crate::paging::like_pattern(search),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let state = AlertState::parse(&row.state)?;
            Some(Hit::Alert {
                alert_id: AlertId(row.alert_id),
                rule_name: row.rule_name,
                state,
                acknowledgeable: can_acknowledge && state == AlertState::Firing,
            })
        })
        .collect())
}
