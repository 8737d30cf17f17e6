//! The live demo (`ATRIUM_DEMO_LIVE`, on by default with the private database): a week of
//! metrics for the demo tenants, alerts in every state and a channel delivering to a receiver
//! this server serves, then new points every few seconds through the real ingestion path, so a
//! fresh run opens on moving charts and a firing alert.

pub mod activity;
pub mod generator;
pub mod history;
pub mod receiver;
pub mod signal;

use anyhow::Context;
use atrium_app::analytics::lanes::IngestLanes;
use atrium_app::db::{Db, PlatformGuard, PlatformTx};
use atrium_app::ids::TenantId;
use atrium_app::notifications::outbox::Outbox;
use atrium_app::tenants::types::Plan;
use chrono::{DateTime, Utc};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// A demo tenant the generator feeds.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    pub tenant_id: TenantId,
    pub slug: String,
    pub plan: Plan,
}

/// The demo tenants that still exist and are active (an administrator may have suspended,
/// erased or never created them: then there is nothing to feed).
pub async fn tenants(db: &Db) -> anyhow::Result<Vec<DemoTenant>> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let rows = atrium_app::tenants::db::select_active_tenants_by_slug(&mut tx, &signal::TENANTS).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|tenant| DemoTenant {
            tenant_id: tenant.tenant_id,
            slug: tenant.slug,
            plan: tenant.plan,
        })
        .collect())
}

/// Where the demo's channel reaches this server: its listening address, with an unspecified
/// IP (listening on every interface) replaced by loopback.
pub fn receiver_address(listening: SocketAddr) -> SocketAddr {
    let ip = match listening.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listening.port())
}

/// The running generator.
pub struct Demo {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Demo {
    /// Stops sending points and waits for a batch in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Seeds what is missing (a tenant without metrics gets its week, and Acme its alerts and
/// channel) and starts the generator.
pub async fn start(
    db: &Db,
    outbox: &Outbox,
    lanes: &Arc<IngestLanes>,
    receiver: SocketAddr,
    now: DateTime<Utc>,
) -> anyhow::Result<Demo> {
    let script = signal::Script::starting_at(now);
    let tenants = tenants(db).await.context("finding the demo tenants")?;
    if tenants.is_empty() {
        tracing::info!("the live demo found none of its tenants (acme, globex); it sends nothing");
    }
    for tenant in &tenants {
        if !history::is_empty(db, tenant).await? {
            continue;
        }
        let points = history::seed(db, tenant, script, now)
            .await
            .with_context(|| format!("writing a week of metrics for {}", tenant.slug))?;
        tracing::info!(tenant = %tenant.slug, points, "demo: a week of metrics written");
        // The alerting part leans on demo rows an administrator may have changed since (Alice,
        // the default rules): without them the demo still runs, with its metrics only.
        if tenant.slug == "acme"
            && let Err(error) = activity::seed(db, outbox, tenant, receiver, now).await
        {
            tracing::warn!("demo: the alerts, silence and channel were not seeded: {error:#}");
        }
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(generator::run(Arc::clone(lanes), tenants, script, now, stopped));
    Ok(Demo { stop, task })
}
