//! Rule, alert and silence types shared by the server and the browser, and the parsing of what
//! a rule form sends (durations like `5m`, thresholds, label sets).

#[cfg(feature = "server")]
pub mod silence;

use crate::i18n::{Arg, Message, Said};
use crate::ids::{AlertId, AlertRuleId, ChannelId, SilenceId, UserId};
use crate::labels::LabelKey;
use crate::paging::{Page, Total};
use crate::preferences::Language;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];
            /// The name stored in the database and sent in forms.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

text_enum! {
    /// How bad an alert is. Shown as text and colour, never colour alone.
    Severity { Critical => "critical", High => "high", Medium => "medium", Low => "low", }
}

text_enum! {
    /// The statistic of the window a rule compares. `rate` is points per second.
    Aggregation {
        Avg => "avg", Min => "min", Max => "max", Sum => "sum", Count => "count", Rate => "rate",
        P50 => "p50", P95 => "p95", P99 => "p99",
    }
}

text_enum! {
    /// How the statistic is judged: against a threshold, or by the analytics anomaly detector.
    Comparison { Gt => "gt", Gte => "gte", Lt => "lt", Lte => "lte", Anomaly => "anomaly", }
}

text_enum! {
    /// What a window without points means for a rule.
    NoDataPolicy { NoData => "no_data", Alerting => "alerting", Ok => "ok", }
}

text_enum! {
    /// Where an alert is in its life. `Resolved` is final: a new breach opens a new alert.
    AlertState {
        Pending => "pending", Firing => "firing", Acknowledged => "acknowledged",
        Resolved => "resolved", NoData => "no_data", Error => "error",
    }
}

impl Severity {
    /// Catalogue key of the severity's name.
    pub fn label_key(self) -> String {
        format!("severity-{}", self.as_str())
    }
}

impl Comparison {
    /// Whether `value` breaches `threshold` (never for `Anomaly`, judged elsewhere).
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Self::Gt => value > threshold,
            Self::Gte => value >= threshold,
            Self::Lt => value < threshold,
            Self::Lte => value <= threshold,
            Self::Anomaly => false,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Gt => ">",
            Self::Gte => "≥",
            Self::Lt => "<",
            Self::Lte => "≤",
            Self::Anomaly => "anomaly",
        }
    }
}

impl AlertState {
    /// Still needs attention (the evaluator keeps judging it).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Resolved)
    }
}

/// One escalation step: when an alert has been firing unacknowledged for `after_s`, notify these
/// channels (in addition to the rule's own, which heard at firing time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationStep {
    pub after_s: i64,
    pub channel_ids: Vec<ChannelId>,
}

/// A rule as stored and as the form edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub name: String,
    pub description: String,
    pub metric: String,
    /// Series must carry all of these labels.
    pub series_filter: BTreeMap<String, String>,
    pub per_series: bool,
    pub aggregation: Aggregation,
    pub comparison: Comparison,
    /// `None` exactly when `comparison` is `Anomaly`.
    pub threshold: Option<f64>,
    pub window_s: i64,
    pub pending_s: i64,
    pub severity: Severity,
    pub labels: BTreeMap<String, String>,
    pub group_by: Vec<String>,
    pub channel_ids: Vec<ChannelId>,
    pub cooldown_s: i64,
    pub no_data: NoDataPolicy,
    pub escalation: Vec<EscalationStep>,
    pub enabled: bool,
}

impl RuleSpec {
    /// "p95 of http.latency > 500 over 5m" in words, for lists and notifications, worded in
    /// whichever language renders it.
    pub fn condition(&self) -> Message {
        let message = match (self.comparison, self.threshold) {
            (Comparison::Anomaly, _) | (_, None) => Message::new("condition-anomaly"),
            (comparison, Some(threshold)) => Message::new("condition-threshold")
                .with("op", Arg::Text(comparison.symbol().to_owned()))
                .with("threshold", Arg::Number(threshold)),
        };
        message
            .with("stat", Arg::Text(self.aggregation.as_str().to_owned()))
            .with("metric", Arg::Text(self.metric.clone()))
            .with("window", Arg::Span(self.window_s))
    }

    /// The condition in English: what the webhook body's structured data and the API carry.
    pub fn condition_text(&self) -> String {
        self.condition().render_in(Language::En)
    }
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub rule_id: AlertRuleId,
    pub spec: RuleSpec,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_evaluated_at: Option<DateTime<Utc>>,
}

/// A rule in the rules list, with what it is doing now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRow {
    pub rule: Rule,
    /// Open alerts of the rule by state.
    pub open: Vec<(AlertState, i64)>,
}

/// An alert in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertSummary {
    pub alert_id: AlertId,
    pub rule_id: AlertRuleId,
    pub rule_name: String,
    pub labels: BTreeMap<String, String>,
    pub state: AlertState,
    pub severity: Severity,
    pub value: Option<f64>,
    pub reason: Said,
    pub started_at: DateTime<Utc>,
    pub fired_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub escalation_step: i32,
    /// Muted by an active silence right now.
    pub silenced: bool,
}

/// Which list the alerts page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertTab {
    Firing,
    Acknowledged,
    Pending,
    Resolved,
}

impl AlertTab {
    pub const ALL: [Self; 4] = [Self::Firing, Self::Acknowledged, Self::Pending, Self::Resolved];
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Firing => "firing",
            Self::Acknowledged => "acknowledged",
            Self::Pending => "pending",
            Self::Resolved => "resolved",
        }
    }
    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|tab| tab.as_param() == text)
            .unwrap_or(Self::Firing)
    }
    /// The states listed under the tab: no-data and error alerts need attention like firing ones.
    pub fn states(self) -> &'static [AlertState] {
        match self {
            Self::Firing => &[AlertState::Firing, AlertState::NoData, AlertState::Error],
            Self::Acknowledged => &[AlertState::Acknowledged],
            Self::Pending => &[AlertState::Pending],
            Self::Resolved => &[AlertState::Resolved],
        }
    }
}

/// The alerts page: counts per tab and the chosen tab's alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertsPageData {
    pub tab: AlertTab,
    /// Alerts per tab; the resolved tab's (the last 7 days) stops counting at the list cap.
    pub counts: Vec<(AlertTab, Total)>,
    /// One page of the tab's alerts.
    pub alerts: Page<AlertSummary>,
    pub can_acknowledge: bool,
    pub can_resolve: bool,
    /// When the server read the page: what "5 minutes ago" counts from, the same on the server's
    /// render and in the browser's hydration.
    pub as_of: DateTime<Utc>,
}

/// What kind of entry a history line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEventKind {
    Transition,
    Notified,
    Suppressed,
    Escalated,
}

impl AlertEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transition => "transition",
            Self::Notified => "notified",
            Self::Suppressed => "suppressed",
            Self::Escalated => "escalated",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Transition, Self::Notified, Self::Suppressed, Self::Escalated]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// One line of an alert's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    pub at: DateTime<Utc>,
    pub kind: AlertEventKind,
    pub from_state: Option<AlertState>,
    pub to_state: Option<AlertState>,
    pub actor_user_id: Option<UserId>,
    pub actor_name: String,
    pub reason: Said,
    pub value: Option<f64>,
}

/// Where escalation of a firing alert stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EscalationStatus {
    /// The rule has no escalation policy.
    None,
    /// The next step is due at this time.
    Next { step: usize, at: DateTime<Utc> },
    /// Every step has been taken.
    Exhausted,
    /// Acknowledged or resolved before the remaining steps.
    Stopped { by: AlertState },
}

/// The alert detail page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertDetail {
    pub alert: AlertSummary,
    pub rule: Rule,
    pub history: Vec<AlertEvent>,
    pub escalation: EscalationStatus,
    pub deliveries: Vec<crate::notifications::DeliverySummary>,
    /// The metric around the firing time, with the rule's threshold.
    pub panel: Option<crate::analytics::Panel>,
    pub can_acknowledge: bool,
    pub can_resolve: bool,
}

/// Label matcher operators (Alertmanager's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "=~")]
    Re,
    #[serde(rename = "!~")]
    NotRe,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Re => "=~",
            Self::NotRe => "!~",
        }
    }
}

/// `label op value`, e.g. `env=prod`, `host=~web-.*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matcher {
    pub label: LabelKey,
    pub op: MatchOp,
    pub value: String,
}

/// A silence as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Silence {
    pub silence_id: SilenceId,
    pub rule_id: Option<AlertRuleId>,
    pub rule_name: Option<String>,
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub comment: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl Silence {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.starts_at <= now && now < self.ends_at
    }
}

/// The silences page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilencesPageData {
    pub silences: Vec<Silence>,
    pub rules: Vec<(AlertRuleId, String)>,
    pub can_manage: bool,
}

/// The rule form page: the rule (when editing) and what the pickers offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleFormData {
    pub rule: Option<Rule>,
    pub metrics: Vec<String>,
    /// The first channels by name and those the rule names: what the choosers show at first.
    pub channels: Vec<crate::notifications::ChannelSummary>,
    /// Whether the tenant has more channels than those, found by searching.
    pub more_channels: bool,
}

/// What testing a rule against history found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Times the rule would have started firing.
    pub firings: Vec<DateTime<Utc>>,
    /// Minutes the rule was evaluated at that had data.
    pub evaluated: usize,
    /// The most extreme value seen (for "peak p95 was 812 ms").
    pub peak: Option<f64>,
}

/// Firing alerts per severity, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FiringCounts {
    pub by_severity: Vec<(Severity, i64)>,
}

impl FiringCounts {
    pub fn total(&self) -> i64 {
        self.by_severity.iter().map(|(_, n)| n).sum()
    }
}

/// Parses a duration as people write it: `90s`, `5m`, `1h`, `2d`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: i64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hr" | "hrs" => 3600,
        "d" | "day" | "days" => 86_400,
        _ => return None,
    };
    number.checked_mul(scale)
}

/// Seconds as the shortest exact duration text (`300` → `5m`), so a saved form reads back as typed.
pub fn format_duration(seconds: i64) -> String {
    crate::locale::span(Language::En, seconds)
}

/// A value for people: up to three decimals, no trailing zeros.
pub fn format_number(value: f64) -> String {
    crate::locale::decimal(Language::En, value)
}

/// `a=1,b=2` → map; `Err` names the first bad part. Keys follow the ingestion rules for labels.
pub fn parse_label_set(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(part.to_owned());
        };
        let (key, value) = (key.trim(), value.trim());
        let Ok(key) = LabelKey::parse(key) else {
            return Err(part.to_owned());
        };
        if value.is_empty() || value.len() > 200 {
            return Err(part.to_owned());
        }
        labels.insert(key.into_string(), value.to_owned());
    }
    Ok(labels)
}

/// A label map as `a=1, b=2`.
pub fn format_label_set(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_as_written_and_format_back() {
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration(" 2h "), Some(7200));
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("5 m"), Some(300));
        for bad in ["", "m", "5x", "-5m", "1.5h", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        for seconds in [0, 45, 300, 5400, 7200, 86_400, 90_061] {
            assert_eq!(parse_duration(&format_duration(seconds)), Some(seconds));
        }
        assert_eq!(format_duration(300), "5m");
    }

    #[test]
    fn label_sets_parse_and_refuse_bad_parts() {
        let labels = parse_label_set("env=prod, team = payments").expect("valid");
        assert_eq!(format_label_set(&labels), "env=prod, team=payments");
        assert_eq!(parse_label_set("").expect("empty is fine"), BTreeMap::new());
        assert_eq!(parse_label_set("env"), Err("env".to_owned()));
        assert_eq!(parse_label_set("1x=a"), Err("1x=a".to_owned()));
        assert_eq!(parse_label_set("a-b=c"), Err("a-b=c".to_owned()));
    }

    #[test]
    fn comparisons_and_numbers() {
        assert!(Comparison::Gt.breaches(2.0, 1.0));
        assert!(!Comparison::Gt.breaches(1.0, 1.0));
        assert!(Comparison::Gte.breaches(1.0, 1.0));
        assert!(Comparison::Lt.breaches(0.5, 1.0));
        assert!(Comparison::Lte.breaches(1.0, 1.0));
        assert!(!Comparison::Anomaly.breaches(1e9, 0.0));
        assert_eq!(format_number(500.0), "500");
        assert_eq!(format_number(0.1234), "0.123");
        assert_eq!(format_number(-0.0001), "0");
    }

    #[test]
    fn tabs_cover_every_state_once() {
        let mut seen: Vec<AlertState> = AlertTab::ALL
            .iter()
            .flat_map(|tab| tab.states().iter().copied())
            .collect();
        seen.sort();
        let mut all = AlertState::ALL.to_vec();
        all.sort();
        assert_eq!(seen, all);
    }
}
