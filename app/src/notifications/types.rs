//! Channel and delivery types shared by the server and the browser.

use crate::ids::ChannelId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a channel sends: each kind has its own payload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Any HTTP endpoint; Standard Webhooks JSON body and signature headers.
    Webhook,
    /// A Slack incoming webhook (`text` + `blocks`).
    Slack,
    /// A Microsoft Teams incoming webhook (message card).
    Teams,
    /// Email over the server's SMTP relay.
    Email,
}

impl ChannelKind {
    pub const ALL: [Self; 4] = [Self::Webhook, Self::Slack, Self::Teams, Self::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Slack => "slack",
            Self::Teams => "teams",
            Self::Email => "email",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A channel as lists and pickers show it (no secrets, no target URL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    pub channel_id: ChannelId,
    pub name: String,
    pub kind: ChannelKind,
    pub enabled: bool,
}

/// What another domain (alerts) hands to `service::enqueue`: one message, rendered per channel
/// kind by the delivery worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Event type receivers switch on, e.g. `alert.firing`, `alert.resolved`, `alert.escalated`.
    pub event_type: String,
    /// One line: chat message headline, email subject.
    pub title: String,
    /// Plain text details (no markup: every renderer escapes it for its format).
    pub body: String,
    /// `critical`, `high`, `medium`, `low` (colours the chat card), or none.
    pub severity: Option<String>,
    /// Path inside Atrium (`/alerts/…`) the message links to.
    pub link: Option<String>,
    /// Ids of what the message is about (alert ids), so their pages can list its deliveries.
    pub sources: Vec<Uuid>,
    /// The event's structured data: the `data` member of the webhook body.
    pub data: serde_json::Value,
}

/// One outbox message as delivery logs list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySummary {
    pub delivery_id: crate::ids::DeliveryId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub channel_kind: ChannelKind,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}
