//! A week of each demo series, written through the same commit as ingested batches (rollups,
//! usage and partitions included), in chunks the size of a large request group.

use super::DemoTenant;
use super::signal::{self, Script};
use atrium_app::analytics::commit::{self, IngestError};
use atrium_app::analytics::ingest::ParsedBatch;
use atrium_app::db::{Db, TenantTx};
use chrono::{DateTime, Duration, Utc};

/// How far back the history goes.
pub const SPAN: Duration = Duration::days(7);
/// Points per transaction.
const CHUNK: usize = 25_000;

/// Whether the tenant has no metric yet (the demo writes history only then).
pub async fn is_empty(db: &Db, tenant: &DemoTenant) -> anyhow::Result<bool> {
    let mut tx = TenantTx::begin(db, tenant.tenant_id).await?;
    let metrics = atrium_app::analytics::db::count_metrics(&mut tx).await?;
    tx.commit().await?;
    Ok(metrics == 0)
}

/// Writes the tenant's series over the week before `now`; returns the points stored.
pub async fn seed(db: &Db, tenant: &DemoTenant, script: Script, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut stored = 0;
    for series in signal::series_of(&tenant.slug) {
        let points = signal::points(&series, script, now - SPAN, now, 0);
        for chunk in points.chunks(CHUNK) {
            let mut batch = ParsedBatch {
                points: chunk.to_vec(),
                rejected: Vec::new(),
            };
            for (index, point) in batch.points.iter_mut().enumerate() {
                point.index = index;
            }
            match commit::ingest(db, tenant.tenant_id, tenant.plan, batch, now).await {
                Ok(report) => {
                    if let Some(first) = report.rejected.first() {
                        tracing::warn!(
                            tenant = %tenant.slug,
                            rejected = report.rejected.len(),
                            reason = first.reason.code(),
                            "demo history: some points were refused"
                        );
                    }
                    stored += report.accepted;
                }
                Err(IngestError::Database(error)) => return Err(error.into()),
                Err(other) => anyhow::bail!("the demo history was refused: {other}"),
            }
        }
    }
    Ok(stored)
}
