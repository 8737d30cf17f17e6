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

/// How often alert rules are evaluated unless `ATRIUM_ALERT_INTERVAL_SECS` says otherwise.
pub const ALERT_INTERVAL: Duration = Duration::from_secs(15);

/// Advisory lock key of the alert evaluator ("atrium" + "alrt" in ASCII).
const ALERT_LOCK_KEY: i64 = 0x6174_7269_616c_7274;

/// Evaluates every tenant's alert rules every `interval`, on one replica at a time.
pub async fn alert_evaluation(db: Db, interval: Duration) {
    every(interval, || async {
        match evaluate_if_leader(&db).await {
            Ok(Some(report)) => tracing::debug!(summary = %report.summary(), "alert evaluation done"),
            Ok(None) => tracing::debug!("alert evaluation skipped: another replica holds the lock"),
            Err(error) => tracing::error!(%error, "alert evaluation failed"),
        }
    })
    .await
}

async fn evaluate_if_leader(db: &Db) -> Result<Option<atrium_app::alerts::evaluate::Report>, sqlx::Error> {
    let mut lock = atrium_app::db::detached_connection(db).await?;
    let acquired: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(ALERT_LOCK_KEY)
        .fetch_one(&mut lock)
        .await?;
    if !acquired {
        return Ok(None);
    }
    let result = atrium_app::alerts::evaluate::evaluate_all(db, chrono::Utc::now()).await;
    let _ = sqlx::Connection::close(lock).await;
    result.map(Some)
}
