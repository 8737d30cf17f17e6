//! Workspace statistics (T6 on the platform side): members and active members, API keys,
//! metrics, points today and over 30 days, open alerts by state and storage, for one workspace
//! and summed over the platform. Each figure is read from its domain's own query; every one is a
//! kept counter, an index-bounded count or a small table (`usage_daily`), never a scan of points.

use super::types::{ACTIVE_DAYS, PlatformStatistics, Statistics};
use crate::db::{PlatformTx, TenantTx};
use chrono::{Duration, Utc};

/// The transaction's workspace. Storage is estimated: the chunks of points it keeps times the
/// average size of a stored chunk (from the catalog).
pub async fn tenant_statistics(tx: &mut TenantTx) -> Result<Statistics, sqlx::Error> {
    let now = Utc::now();
    let today = now.date_naive();
    let members = crate::users::db::select_user_count(tx).await?;
    let active_members = crate::users::db::count_signed_in_since(tx, now - Duration::days(ACTIVE_DAYS)).await?;
    let api_keys = crate::api_keys::db::select_active_key_count(tx).await?;
    let metrics = crate::analytics::db::count_metrics(tx).await?;
    let points_today = crate::analytics::db::select_points_on(tx, today).await?;
    let points_30_days = crate::analytics::db::select_points_since(tx, today - Duration::days(29)).await?;
    let (open_alerts, _) = crate::alerts::db::count_alerts(tx, now).await?;
    let chunks = crate::analytics::db::count_point_chunks(tx).await?;
    let per_chunk = crate::analytics::db::select_chunk_bytes(tx).await?;
    Ok(Statistics {
        members,
        active_members,
        api_keys,
        metrics,
        points_today,
        points_30_days,
        open_alerts,
        storage_bytes: (chunks as f64 * per_chunk).round() as i64,
    })
}

/// Every workspace, summed; storage is the database's size.
pub async fn platform_statistics(tx: &mut PlatformTx) -> Result<PlatformStatistics, sqlx::Error> {
    let now = Utc::now();
    let today = now.date_naive();
    let (tenants, active_tenants, members) = crate::tenants::db::select_platform_counts(tx).await?;
    let active_members = crate::users::db::count_all_signed_in_since(tx, now - Duration::days(ACTIVE_DAYS)).await?;
    let api_keys = crate::api_keys::db::count_all_active_keys(tx).await?;
    let metrics = crate::analytics::db::count_all_metrics(tx).await?;
    let (points_30_days, points_today) =
        crate::analytics::db::select_all_points_since(tx, today - Duration::days(29), today).await?;
    let open_alerts = crate::alerts::db::count_all_open_alerts(tx).await?;
    let storage_bytes = crate::analytics::db::select_database_bytes(tx).await?;
    Ok(PlatformStatistics {
        tenants,
        active_tenants,
        totals: Statistics {
            members,
            active_members,
            api_keys,
            metrics,
            points_today,
            points_30_days,
            open_alerts,
            storage_bytes,
        },
    })
}
