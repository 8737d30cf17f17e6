//! The wire format of `/ws`: one `LiveEvent` enum from server to browser, one `LiveCommand` enum
//! from browser to server, both JSON with a `type` tag.

use crate::ids::{MetricId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The NOTIFY channel every replica listens on.
pub const CHANNEL: &str = "atrium_live";

/// One minute of a metric's aggregate over all its series, as written by ingestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupValue {
    pub bucket: DateTime<Utc>,
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

/// Server → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// First message on a connection.
    Welcome { connection_id: Uuid, heartbeat_s: u32 },
    /// Sent every `heartbeat_s` seconds; a client that hears nothing for three periods reconnects.
    Heartbeat { at: DateTime<Utc> },
    /// Confirms the subscriptions now in force on this connection.
    Subscribed {
        tenant_id: TenantId,
        metric_ids: Vec<MetricId>,
    },
    /// New or updated minute buckets of one metric (all series). `seq` counts the events of this
    /// metric on the serving replica, so a client that sees a jump knows it missed one.
    Rollups {
        seq: u64,
        tenant_id: TenantId,
        metric_id: MetricId,
        buckets: Vec<RollupValue>,
    },
    /// Data of this metric changed from `since` on, but too much to carry: fetch it.
    Stale {
        seq: u64,
        tenant_id: TenantId,
        metric_id: MetricId,
        since: DateTime<Utc>,
    },
    /// This connection fell behind and events were dropped: refetch what is on screen.
    Lagged { missed: u64 },
    /// An alert of the tenant changed state (the alerts page and dashboard refetch).
    AlertChanged {
        tenant_id: TenantId,
        alert_id: crate::ids::AlertId,
        state: crate::alerts::AlertState,
    },
    /// A command was refused (bad JSON, forbidden tenant, too many subscriptions).
    Error { code: String, message: String },
}

impl LiveEvent {
    /// The tenant the event belongs to, if it carries tenant data (routing and isolation key).
    pub fn tenant_id(&self) -> Option<TenantId> {
        match self {
            Self::Subscribed { tenant_id, .. }
            | Self::Rollups { tenant_id, .. }
            | Self::Stale { tenant_id, .. }
            | Self::AlertChanged { tenant_id, .. } => Some(*tenant_id),
            _ => None,
        }
    }

    /// The metric a data event is about (subscription filter).
    pub fn metric_id(&self) -> Option<MetricId> {
        match self {
            Self::Rollups { metric_id, .. } | Self::Stale { metric_id, .. } => Some(*metric_id),
            _ => None,
        }
    }
}

/// Browser → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveCommand {
    /// Replace this connection's subscriptions. `tenant_id` may be omitted by tenant users (their
    /// own tenant); platform administrators name the tenant they are looking at.
    Subscribe {
        tenant_id: Option<TenantId>,
        metric_ids: Vec<MetricId>,
    },
    /// Keeps intermediaries from closing an idle connection; answered by nothing.
    Ping,
}

/// What a replica publishes on `CHANNEL` (the NOTIFY payload, ≤ 8000 bytes): a data event with
/// `seq` 0; each replica's hub numbers the events it forwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveNotice {
    pub event: LiveEvent,
}

/// Close code: the session ended (signed out, expired, user disabled, tenant suspended). The
/// browser stops reconnecting; signing in again starts over.
pub const CLOSE_SESSION_ENDED: u16 = 4401;
/// Close code: the principal no longer holds `analytics:read`. The browser stops reconnecting.
pub const CLOSE_FORBIDDEN: u16 = 4403;
/// Close code (standard "going away"): the replica is shutting down; reconnect right away.
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// The largest NOTIFY payload PostgreSQL accepts is 8000 bytes; stay under it with margin.
pub const MAX_NOTICE_BYTES: usize = 7_500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_json() {
        let event = LiveEvent::Lagged { missed: 3 };
        let json = serde_json::to_string(&event).expect("serializes");
        assert_eq!(json, r#"{"type":"lagged","missed":3}"#);
        let back: LiveEvent = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, event);
    }

    #[test]
    fn commands_parse_from_the_browser_shape() {
        let command: LiveCommand =
            serde_json::from_str(r#"{"type":"subscribe","metric_ids":[]}"#).expect("tenant_id may be omitted");
        assert_eq!(
            command,
            LiveCommand::Subscribe {
                tenant_id: None,
                metric_ids: vec![]
            }
        );
    }
}
