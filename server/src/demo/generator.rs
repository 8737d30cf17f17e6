//! Sends the demo tenants' new points every few seconds through the ingestion lanes the REST
//! API uses, so charts move, rollups and live events follow and alerts change state.

use super::DemoTenant;
use super::signal::{self, Script};
use atrium_app::analytics::ingest::ParsedBatch;
use atrium_app::analytics::lanes::IngestLanes;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// How often a batch goes out.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// Until `stopped` turns true: every `INTERVAL`, each tenant's points since the last batch.
pub async fn run(
    lanes: Arc<IngestLanes>,
    tenants: Vec<DemoTenant>,
    script: Script,
    from: DateTime<Utc>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    if tenants.is_empty() {
        return;
    }
    tracing::info!(every_s = INTERVAL.as_secs(), "demo: sending live points");
    let series: Vec<(DemoTenant, Vec<signal::Series>)> = tenants
        .into_iter()
        .map(|tenant| {
            let series = signal::series_of(&tenant.slug);
            (tenant, series)
        })
        .collect();
    let mut ticks = tokio::time::interval(INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = from;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.changed() => return,
        }
        let now = Utc::now();
        for (tenant, series) in &series {
            send(&lanes, tenant, series, script, last, now).await;
        }
        // A failed batch is not sent again: the demo skips those seconds rather than pile up.
        last = now;
    }
}

/// One tenant's points in `(from, to]`.
pub async fn send(
    lanes: &Arc<IngestLanes>,
    tenant: &DemoTenant,
    series: &[signal::Series],
    script: Script,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> usize {
    let mut points = Vec::new();
    for one in series {
        let first = points.len();
        points.extend(signal::points(one, script, from, to, first));
    }
    if points.is_empty() {
        return 0;
    }
    let batch = ParsedBatch {
        points,
        rejected: Vec::new(),
    };
    match lanes.ingest(tenant.tenant_id, tenant.plan, batch, to).await {
        Ok(report) => report.accepted,
        Err(error) => {
            tracing::warn!(tenant = %tenant.slug, %error, "demo: a live batch was not stored");
            0
        }
    }
}
