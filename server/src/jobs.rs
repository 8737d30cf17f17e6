//! Periodic background work. Each job runs on every replica's timer, but one replica at a time
//! does the work: the job takes a PostgreSQL advisory lock first (see `audit::db::prune_expired`).

use atrium_app::db::Db;
use std::time::Duration;

/// How often audit rows past their tenant's retention are pruned.
pub const AUDIT_PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// Prunes the audit trail to each tenant's retention every `interval`, forever. Failures are
/// logged and retried at the next tick.
pub async fn audit_pruning(db: Db, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match atrium_app::audit::db::prune_expired(&db).await {
            Ok(Some(rows)) => tracing::info!(rows, "audit retention pass done"),
            Ok(None) => tracing::debug!("audit retention pass skipped: another replica holds the lock"),
            Err(error) => tracing::error!(%error, "audit retention pass failed"),
        }
    }
}
