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

/// Server → browser. Read through [`WireEvent`], a flat struct: serde's derive for an internally
/// tagged enum buffers every message into its generic `Content` tree first, which put 34 KB of
/// code (and the date parser behind it) into the browser's main module (issue 11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "WireEvent")]
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

/// The tag of a [`LiveEvent`] on the wire.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EventKind {
    Welcome,
    Heartbeat,
    Subscribed,
    Rollups,
    Stale,
    Lagged,
    AlertChanged,
    Error,
}

/// Every field any [`LiveEvent`] carries, each optional, beside the `type` tag: the same JSON as
/// the tagged enum, read in one pass without buffering. Which fields a kind needs is checked when
/// it becomes a `LiveEvent`.
#[derive(Deserialize)]
struct WireEvent {
    #[serde(rename = "type")]
    kind: EventKind,
    connection_id: Option<Uuid>,
    heartbeat_s: Option<u32>,
    at: Option<DateTime<Utc>>,
    tenant_id: Option<TenantId>,
    metric_ids: Option<Vec<MetricId>>,
    seq: Option<u64>,
    metric_id: Option<MetricId>,
    buckets: Option<Vec<RollupValue>>,
    since: Option<DateTime<Utc>>,
    missed: Option<u64>,
    alert_id: Option<crate::ids::AlertId>,
    state: Option<crate::alerts::AlertState>,
    code: Option<String>,
    message: Option<String>,
}

/// A field the event's kind needs was absent.
#[derive(Debug)]
pub struct MissingField(&'static str);

impl std::fmt::Display for MissingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "missing field `{}`", self.0)
    }
}

impl TryFrom<WireEvent> for LiveEvent {
    type Error = MissingField;

    fn try_from(wire: WireEvent) -> Result<Self, MissingField> {
        fn need<T>(value: Option<T>, name: &'static str) -> Result<T, MissingField> {
            value.ok_or(MissingField(name))
        }
        Ok(match wire.kind {
            EventKind::Welcome => Self::Welcome {
                connection_id: need(wire.connection_id, "connection_id")?,
                heartbeat_s: need(wire.heartbeat_s, "heartbeat_s")?,
            },
            EventKind::Heartbeat => Self::Heartbeat {
                at: need(wire.at, "at")?,
            },
            EventKind::Subscribed => Self::Subscribed {
                tenant_id: need(wire.tenant_id, "tenant_id")?,
                metric_ids: need(wire.metric_ids, "metric_ids")?,
            },
            EventKind::Rollups => Self::Rollups {
                seq: need(wire.seq, "seq")?,
                tenant_id: need(wire.tenant_id, "tenant_id")?,
                metric_id: need(wire.metric_id, "metric_id")?,
                buckets: need(wire.buckets, "buckets")?,
            },
            EventKind::Stale => Self::Stale {
                seq: need(wire.seq, "seq")?,
                tenant_id: need(wire.tenant_id, "tenant_id")?,
                metric_id: need(wire.metric_id, "metric_id")?,
                since: need(wire.since, "since")?,
            },
            EventKind::Lagged => Self::Lagged {
                missed: need(wire.missed, "missed")?,
            },
            EventKind::AlertChanged => Self::AlertChanged {
                tenant_id: need(wire.tenant_id, "tenant_id")?,
                alert_id: need(wire.alert_id, "alert_id")?,
                state: need(wire.state, "state")?,
            },
            EventKind::Error => Self::Error {
                code: need(wire.code, "code")?,
                message: need(wire.message, "message")?,
            },
        })
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
    fn every_event_reads_back_from_its_tagged_json() {
        let tenant_id = TenantId(Uuid::from_u128(1));
        let metric_id = MetricId(Uuid::from_u128(2));
        let at = DateTime::from_timestamp(1_765_000_000, 0).expect("a time");
        let events = [
            LiveEvent::Welcome {
                connection_id: Uuid::from_u128(3),
                heartbeat_s: 15,
            },
            LiveEvent::Heartbeat { at },
            LiveEvent::Subscribed {
                tenant_id,
                metric_ids: vec![metric_id],
            },
            LiveEvent::Rollups {
                seq: 4,
                tenant_id,
                metric_id,
                buckets: vec![RollupValue {
                    bucket: at,
                    count: 2,
                    sum: 3.0,
                    min: 1.0,
                    max: 2.0,
                    p50: 1.5,
                    p95: 2.0,
                    p99: 2.0,
                }],
            },
            LiveEvent::Stale {
                seq: 5,
                tenant_id,
                metric_id,
                since: at,
            },
            LiveEvent::Lagged { missed: 6 },
            LiveEvent::AlertChanged {
                tenant_id,
                alert_id: crate::ids::AlertId(Uuid::from_u128(7)),
                state: crate::alerts::AlertState::Firing,
            },
            LiveEvent::Error {
                code: "forbidden".into(),
                message: "no".into(),
            },
        ];
        for event in events {
            let json = serde_json::to_string(&event).expect("serializes");
            let back: LiveEvent = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, event, "{json}");
        }
    }

    #[test]
    fn an_event_without_a_field_its_kind_needs_is_refused_by_name() {
        let error = serde_json::from_str::<LiveEvent>(r#"{"type":"stale","seq":1}"#).expect_err("incomplete");
        assert!(error.to_string().contains("tenant_id"), "{error}");
        assert!(serde_json::from_str::<LiveEvent>(r#"{"type":"nope"}"#).is_err());
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
