//! Periodic background work. Each job runs on every replica's timer, but one replica at a time
//! does the work: the job takes a PostgreSQL advisory lock first (see `audit::db::prune_expired`).

use atrium_app::db::Db;
use std::time::Duration;

/// How often audit rows past their tenant's retention are pruned.
pub const AUDIT_PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// Prunes the audit trail to each tenant's retention every `interval`, forever. Failures are
/// logged and retried at the next tick.
pub async fn audit_pruning(db: Db, interval: Duration) {
    every(interval, || async {
        match atrium_app::audit::db::prune_expired(&db).await {
            Ok(Some(rows)) => tracing::info!(rows, "audit retention pass done"),
            Ok(None) => tracing::debug!("audit retention pass skipped: another replica holds the lock"),
            Err(error) => tracing::error!(%error, "audit retention pass failed"),
        }
    })
    .await
}

/// Runs `pass` at once and then every `interval`, forever; a slow pass delays the next tick
/// rather than bunching ticks up.
async fn every<F, Fut>(interval: Duration, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        pass().await;
    }
}

/// How often analytics storage is maintained (partitions ahead, retention behind).
pub const ANALYTICS_MAINTENANCE_INTERVAL: Duration = Duration::from_secs(3600);

/// Runs `analytics::service::maintain` at start and then every `interval`.
pub async fn analytics_maintenance(db: Db, interval: Duration) {
    every(interval, || async {
        match atrium_app::analytics::service::maintain(&db, chrono::Utc::now()).await {
            Ok(report) => tracing::info!(
                dropped = ?report.partitions_dropped,
                rollups_deleted = report.rollups_deleted,
                "analytics maintenance done"
            ),
            Err(error) => tracing::error!(%error, "analytics maintenance failed"),
        }
    })
    .await
}
