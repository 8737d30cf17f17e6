//! Counters of the live updates on this replica, and `GET /api/v1/live/stats` which reports them
//! to platform administrators (`system:monitor`).

use super::Live;
use crate::api::ApiError;
use atrium_app::auth::context::RequestContext;
use atrium_app::db::Db;
use atrium_app::permissions::types::Permission;
use axum::Json;
use axum::extract::{Request, State};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Process-wide counters; gauges go up and down, the others only up.
#[derive(Debug, Default)]
pub struct LiveStats {
    connections: AtomicU64,
    subscriptions: AtomicU64,
    messages_sent: AtomicU64,
    messages_dropped: AtomicU64,
    notices_received: AtomicU64,
    notices_rejected: AtomicU64,
    listener_reconnects: AtomicU64,
    listener_connected: AtomicBool,
}

/// What `GET /api/v1/live/stats` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveStatsSnapshot {
    /// Open websocket connections (gauge).
    pub connections: u64,
    /// Metric subscriptions in force over all connections (gauge).
    pub subscriptions: u64,
    /// Tenants with at least one subscribed connection (gauge).
    pub topics: u64,
    /// Messages written to websockets, heartbeats included.
    pub messages_sent: u64,
    /// Events a slow connection missed (it was told with `lagged` and refetches).
    pub messages_dropped: u64,
    /// NOTIFY payloads received on the live channel.
    pub notices_received: u64,
    /// Of those, payloads that were not a data event and were ignored.
    pub notices_rejected: u64,
    /// Times the listener lost its database connection and listened again.
    pub listener_reconnects: u64,
    /// Whether the listener is listening right now.
    pub listener_connected: bool,
}

impl LiveStats {
    pub fn snapshot(&self, topics: usize) -> LiveStatsSnapshot {
        LiveStatsSnapshot {
            connections: self.connections.load(Ordering::Relaxed),
            subscriptions: self.subscriptions.load(Ordering::Relaxed),
            topics: topics as u64,
            messages_sent: self.messages_sent.load(Ordering::Relaxed),
            messages_dropped: self.messages_dropped.load(Ordering::Relaxed),
            notices_received: self.notices_received.load(Ordering::Relaxed),
            notices_rejected: self.notices_rejected.load(Ordering::Relaxed),
            listener_reconnects: self.listener_reconnects.load(Ordering::Relaxed),
            listener_connected: self.listener_connected.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn sent(&self) {
        self.messages_sent.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn dropped(&self, count: u64) {
        self.messages_dropped.fetch_add(count, Ordering::Relaxed);
    }
    pub(crate) fn notice(&self, accepted: bool) {
        self.notices_received.fetch_add(1, Ordering::Relaxed);
        if !accepted {
            self.notices_rejected.fetch_add(1, Ordering::Relaxed);
        }
    }
    pub(crate) fn listener_up(&self, up: bool) {
        self.listener_connected.store(up, Ordering::Relaxed);
    }
    pub(crate) fn listener_reconnected(&self) {
        self.listener_reconnects.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts one open connection and its subscriptions for as long as it lives.
#[derive(Debug)]
pub(crate) struct ConnectionGauge {
    stats: Arc<LiveStats>,
    subscriptions: u64,
}

impl ConnectionGauge {
    pub(crate) fn open(stats: Arc<LiveStats>) -> Self {
        stats.connections.fetch_add(1, Ordering::Relaxed);
        Self {
            stats,
            subscriptions: 0,
        }
    }

    /// Records that this connection now holds `count` metric subscriptions.
    pub(crate) fn set_subscriptions(&mut self, count: u64) {
        self.stats.subscriptions.fetch_add(count, Ordering::Relaxed);
        self.stats
            .subscriptions
            .fetch_sub(self.subscriptions, Ordering::Relaxed);
        self.subscriptions = count;
    }
}

impl Drop for ConnectionGauge {
    fn drop(&mut self) {
        self.stats
            .subscriptions
            .fetch_sub(self.subscriptions, Ordering::Relaxed);
        self.stats.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /api/v1/live/stats`: this replica's counters (each replica answers for itself).
pub async fn live_stats(
    State(db): State<Db>,
    State(live): State<Live>,
    request: Request,
) -> Result<Json<LiveStatsSnapshot>, ApiError> {
    let (parts, _) = request.into_parts();
    let context = RequestContext::from_parts(db, &parts).await?;
    context.require(Permission::SystemMonitor).await?;
    Ok(Json(live.stats_snapshot()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_follow_connections_and_their_subscriptions() {
        let stats = Arc::new(LiveStats::default());
        let mut first = ConnectionGauge::open(stats.clone());
        let mut second = ConnectionGauge::open(stats.clone());
        first.set_subscriptions(3);
        second.set_subscriptions(2);
        first.set_subscriptions(1);
        assert_eq!(stats.snapshot(0).connections, 2);
        assert_eq!(stats.snapshot(0).subscriptions, 3);
        drop(first);
        assert_eq!(stats.snapshot(0).connections, 1);
        assert_eq!(stats.snapshot(0).subscriptions, 2);
        drop(second);
        assert_eq!(stats.snapshot(0).connections, 0);
        assert_eq!(stats.snapshot(0).subscriptions, 0);
    }
}
