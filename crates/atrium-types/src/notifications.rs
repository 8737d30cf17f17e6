//! Channel and delivery types shared by the server and the browser. A signing secret appears only
//! in `IssuedChannelSecret`, the answer to creating a webhook channel or rotating its secret.

use crate::i18n::t;
use crate::ids::{ChannelId, DeliveryId};
use crate::paging::Page;
use crate::preferences::Language;
use chrono::{DateTime, Utc};
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

    /// Whether the channel sends over HTTP (and so has a URL the server must be allowed to reach).
    pub fn is_http(self) -> bool {
        !matches!(self, Self::Email)
    }

    /// Whether the channel has a Standard Webhooks signing secret. Slack and Teams define their
    /// own payloads and ignore signatures, so only generic webhooks get one.
    pub fn is_signed(self) -> bool {
        matches!(self, Self::Webhook)
    }

    pub fn label(self) -> String {
        t(&format!("channels-kind-{}", self.as_str()))
    }

    pub fn options() -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|kind| (kind.as_str().to_owned(), kind.label()))
            .collect()
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

/// One message as written for channels of one language (`service::enqueue` asks the enqueuing
/// domain for it per language), rendered per channel kind by the delivery worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Event type receivers switch on, e.g. `alert.firing`, `alert.resolved`, `alert.escalated`.
    pub event_type: String,
    /// What `title` and `body` are written in; the renderers write their own labels in it too.
    /// Deliveries stored before channels had a language were English.
    #[serde(default)]
    pub language: Language,
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

/// The event type of the message "send test" puts through the outbox.
pub const TEST_EVENT: &str = "channel.test";

/// Why a channel is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisabledReason {
    /// A person turned it off.
    Manual,
    /// Every delivery failed for the configured period.
    Failing,
    /// The receiver answered 410 Gone: it asks not to be sent to any more.
    Gone,
}

impl DisabledReason {
    pub const ALL: [Self; 3] = [Self::Manual, Self::Failing, Self::Gone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Failing => "failing",
            Self::Gone => "gone",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == text)
    }
    /// Whether the server (not a person) turned the channel off, which the tenant's admins are
    /// warned about.
    pub fn is_automatic(self) -> bool {
        !matches!(self, Self::Manual)
    }
    pub fn label(self) -> String {
        t(&format!("channels-disabled-{}", self.as_str()))
    }
}

/// A channel as its management page shows it: everything but its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelDetail {
    pub channel_id: ChannelId,
    pub name: String,
    pub kind: ChannelKind,
    /// The URL (HTTP kinds) or the recipients joined by ", " (email), as the edit form shows it.
    pub target: String,
    /// The target for lists: an URL's scheme, host and port with the path cut short (Slack and
    /// Teams URLs carry their credential in the path), or the recipients.
    pub target_display: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Since when every attempt has failed (none after a success).
    pub failing_since: Option<DateTime<Utc>>,
    /// Whether deliveries are signed (webhook channels).
    pub signed: bool,
    /// During a secret rotation's overlap: until when the previous secret still signs.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// What its notifications are written in.
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChannelDetail {
    pub fn summary(&self) -> ChannelSummary {
        ChannelSummary {
            channel_id: self.channel_id,
            name: self.name.clone(),
            kind: self.kind,
            enabled: self.enabled,
        }
    }
}

/// A channel with its new signing secret (`whsec_…`): returned once, never stored in clear.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedChannelSecret {
    pub channel: ChannelDetail,
    /// None for kinds that are not signed.
    pub secret: Option<String>,
}

impl std::fmt::Debug for IssuedChannelSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedChannelSecret")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// How long the previous signing secret keeps signing after a rotation, so receivers can switch
/// to the new one without dropping messages.
pub type SecretOverlap = crate::validation::OverlapPeriod;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (or being attempted).
    Pending,
    Delivered,
    /// Every attempt failed (or the channel was turned off): replayable.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
    pub fn label(self) -> String {
        t(&format!("deliveries-status-{}", self.as_str()))
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Delivered,
    /// Failed; another attempt is scheduled.
    Retry,
    /// Failed, and it was the last one.
    Failed,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Retry => "retry",
            Self::Failed => "failed",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Delivered, Self::Retry, Self::Failed]
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }
    pub fn label(self) -> String {
        t(&format!("deliveries-outcome-{}", self.as_str()))
    }
}

/// One attempt of a delivery, as its log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    /// Position in its cycle (1 = first attempt after enqueue or replay).
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub latency_ms: i32,
    pub outcome: AttemptOutcome,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    /// At most 1 KiB of what the receiver answered.
    pub response_excerpt: Option<String>,
}

/// A delivery as logs and the alert page list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySummary {
    /// Also the `webhook-id` receivers deduplicate by.
    pub delivery_id: DeliveryId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub channel_kind: ChannelKind,
    pub event_type: String,
    pub title: String,
    pub status: DeliveryStatus,
    /// Attempts in the current cycle.
    pub attempts: i32,
    pub replays: i32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<String>,
    /// When a pending delivery is next attempted.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    #[serde(default)]
    pub attempt_log: Vec<AttemptSummary>,
}

impl DeliverySummary {
    /// The latest attempt's answer excerpt, if it had one.
    pub fn last_response(&self) -> Option<&str> {
        self.attempt_log.last().and_then(|a| a.response_excerpt.as_deref())
    }
}

/// The delivery log's filter, read from the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryFilter {
    pub channel_id: Option<ChannelId>,
    pub status: Option<DeliveryStatus>,
}

/// The Channels page: the tenant's channels and its delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelsPage {
    pub channels: Vec<ChannelDetail>,
    /// One page of the delivery log, newest first.
    pub deliveries: Page<DeliverySummary>,
    pub filter: DeliveryFilter,
    /// Whether email channels can be created (the server has SMTP settings).
    pub email_available: bool,
}

/// The answer to "send test": how the single attempt went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub channel_id: ChannelId,
    pub delivery_id: DeliveryId,
    pub status: DeliveryStatus,
    pub status_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub error: Option<String>,
}

/// A channel the server turned off, for the warning the tenant's admins see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelWarning {
    pub channel_id: ChannelId,
    pub name: String,
    pub reason: DisabledReason,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The longest channel name.
pub const CHANNEL_NAME_MAX: usize = 80;

/// A channel's name: trimmed, 1–80 characters, no control characters; unique per tenant.
pub fn parse_channel_name(raw: &str) -> Result<String, String> {
    let value: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
    if value.is_empty() {
        return Err(t("valid-required"));
    }
    if value.chars().count() > CHANNEL_NAME_MAX {
        return Err(crate::i18n::t_args(
            "valid-too-long",
            &[("max", &CHANNEL_NAME_MAX.to_string())],
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn kinds_statuses_and_reasons_round_trip_their_names() {
        for kind in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.as_str().into()))
            );
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        for reason in DisabledReason::ALL {
            assert_eq!(DisabledReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(ChannelKind::parse("sms"), None);
        assert!(ChannelKind::Webhook.is_signed() && !ChannelKind::Slack.is_signed());
        assert!(!ChannelKind::Email.is_http());
        assert!(!DisabledReason::Manual.is_automatic() && DisabledReason::Failing.is_automatic());
    }

    #[test]
    fn overlaps_parse() {
        for overlap in SecretOverlap::ALL {
            assert_eq!(SecretOverlap::parse(overlap.as_str()), Ok(overlap));
        }
        assert_eq!(SecretOverlap::None.duration(), None);
        assert_eq!(SecretOverlap::OneDay.duration(), Some(Duration::hours(24)));
        assert!(SecretOverlap::parse("forever").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_channel_name("  ops  "), Ok("ops".into()));
        assert!(parse_channel_name(" \n").is_err());
        assert!(parse_channel_name(&"c".repeat(81)).is_err());
        assert!(parse_channel_name(&"é".repeat(80)).is_ok());
    }
}
