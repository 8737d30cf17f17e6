//! The evaluator: reads minute rollups, judges each enabled rule (per series or for the whole
//! metric), moves alerts through `lifecycle`, and in the same transaction writes their history,
//! the notifications it decides on (silences, cooldown and grouping applied) and escalations.
//! Every function takes `now`, so tests drive time instead of sleeping.

use super::db::{self, NewAlert, NewEvent, OpenAlert};
use super::lifecycle::{self, Current, Observation, Step};
use super::silence;
use super::types::{
    Aggregation, AlertEventKind, AlertState, Backtest, Comparison, Rule, RuleSpec, Silence, format_label_set,
};
use crate::analytics::rollup::Aggregate;
use crate::analytics::types::Bucket;
use crate::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use crate::i18n::{Arg, Message, Said, t_in};
use crate::ids::{AlertId, TenantId};
use crate::live::types::LiveEvent;
use crate::notifications::types::Notification;
use crate::preferences::Language;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The name history shows for what the evaluator did.
pub const EVALUATOR: &str = "Atrium evaluator";
/// Minutes of history before the window the anomaly detector learns the normal level from.
const ANOMALY_HISTORY_MINUTES: i64 = 60;

/// What one evaluation round did, for the job's log line and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub tenants: usize,
    pub rules: usize,
    pub transitions: usize,
    pub notifications: usize,
    pub escalations: usize,
    pub failures: usize,
}

impl Report {
    fn add(&mut self, other: &Report) {
        self.tenants += other.tenants;
        self.rules += other.rules;
        self.transitions += other.transitions;
        self.notifications += other.notifications;
        self.escalations += other.escalations;
        self.failures += other.failures;
    }

    pub fn summary(&self) -> String {
        format!(
            "{} tenant(s), {} rule(s): {} transition(s), {} notification(s), {} escalation(s), {} failure(s)",
            self.tenants, self.rules, self.transitions, self.notifications, self.escalations, self.failures
        )
    }
}

/// One round over every active tenant with enabled rules. A failing tenant or rule is logged and
/// counted; the others are still evaluated.
pub async fn evaluate_all(db: &Db, now: DateTime<Utc>) -> Result<Report, sqlx::Error> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let tenants = db::select_tenants_with_rules(&mut tx).await?;
    tx.commit().await?;
    let mut report = Report::default();
    for tenant in tenants {
        match evaluate_tenant(db, tenant, now).await {
            Ok(done) => report.add(&done),
            Err(error) => {
                tracing::error!(%error, %tenant, "alert evaluation of a tenant failed");
                report.failures += 1;
            }
        }
    }
    Ok(report)
}

/// Evaluates every enabled rule of one tenant, one transaction per rule.
pub async fn evaluate_tenant(db: &Db, tenant: TenantId, now: DateTime<Utc>) -> Result<Report, sqlx::Error> {
    let mut tx = TenantTx::begin(db, tenant).await?;
    let mut rules = db::select_rules(&mut tx, true).await?;
    withhold_features(&mut tx, &mut rules).await?;
    let silences = db::select_silences(&mut tx, now).await?;
    tx.commit().await?;
    let mut report = Report {
        tenants: 1,
        ..Report::default()
    };
    for rule in &rules {
        match evaluate_rule(db, tenant, rule, &silences, now).await {
            Ok(done) => report.add(&done),
            Err(error) => {
                tracing::error!(%error, rule = %rule.rule_id, "alert rule evaluation failed");
                report.failures += 1;
            }
        }
    }
    Ok(report)
}

/// What the tenant's plan leaves out is not run, though rules saved before a downgrade keep it:
/// anomaly rules wait (like disabled ones) and escalation steps are not taken. The features are
/// read only when a rule needs one, so most passes cost no extra statement.
async fn withhold_features(tx: &mut TenantTx, rules: &mut Vec<Rule>) -> Result<(), sqlx::Error> {
    use crate::plans::db::select_has_feature;
    use crate::plans::types::Feature;
    if rules.iter().any(|rule| rule.spec.comparison == Comparison::Anomaly)
        && !select_has_feature(tx, Feature::AnomalyDetection).await?
    {
        rules.retain(|rule| rule.spec.comparison != Comparison::Anomaly);
    }
    if rules.iter().any(|rule| !rule.spec.escalation.is_empty()) && !select_has_feature(tx, Feature::Escalation).await?
    {
        for rule in rules.iter_mut() {
            rule.spec.escalation.clear();
        }
    }
    Ok(())
}

/// A label set's labels.
type Labels = BTreeMap<String, String>;
/// Minute buckets by start time.
type Buckets = BTreeMap<DateTime<Utc>, Aggregate>;

/// An alert firing after this pass: escalation looks at when it first fired and the steps taken.
#[derive(Debug, Clone)]
struct FiringAlert {
    alert_id: AlertId,
    fired_at: DateTime<Utc>,
    steps_taken: i32,
    labels: Labels,
    value: Option<f64>,
}

/// What one label set of a rule looked like.
#[derive(Debug, Clone)]
struct Observed {
    /// Canonical JSON of the series labels; empty for the whole metric.
    fingerprint: String,
    series_labels: BTreeMap<String, String>,
    observation: Observation,
}

/// A state change made in this pass, waiting for its notification.
#[derive(Debug, Clone)]
struct Change {
    alert_id: AlertId,
    fingerprint: String,
    labels: BTreeMap<String, String>,
    from: Option<AlertState>,
    to: AlertState,
    value: Option<f64>,
    reason: Said,
    /// Whether people were told about this alert before (its end is news only then).
    announced: bool,
}

async fn evaluate_rule(
    db: &Db,
    tenant: TenantId,
    rule: &Rule,
    silences: &[Silence],
    now: DateTime<Utc>,
) -> Result<Report, sqlx::Error> {
    let spec = &rule.spec;
    // Reading happens in a transaction of its own, so a failed read becomes the rule's error
    // state instead of aborting the transaction that records it.
    let observed = {
        let mut tx = TenantTx::begin(db, tenant).await?;
        let read = observe(&mut tx, spec, now).await;
        tx.commit().await?;
        match read {
            Ok(observed) => Ok(observed),
            Err(error) => {
                tracing::warn!(%error, rule = %rule.rule_id, "reading a rule's metric failed");
                Err("could not read the metric's data".to_owned())
            }
        }
    };
    let mut tx = TenantTx::begin(db, tenant).await?;
    let open = db::select_open_alerts(&mut tx, rule.rule_id).await?;
    let observed = match observed {
        Ok(mut observed) => {
            // A label set that has an open alert but no data this time is "no data" for it.
            for alert in &open {
                if !observed.iter().any(|o| o.fingerprint == alert.fingerprint) {
                    observed.push(Observed {
                        fingerprint: alert.fingerprint.clone(),
                        series_labels: BTreeMap::new(),
                        observation: Observation::NoData,
                    });
                }
            }
            observed
        }
        Err(message) => {
            let mut all: Vec<Observed> = open
                .iter()
                .map(|alert| Observed {
                    fingerprint: alert.fingerprint.clone(),
                    series_labels: BTreeMap::new(),
                    observation: Observation::Error(message.clone()),
                })
                .collect();
            if all.is_empty() {
                all.push(Observed {
                    fingerprint: String::new(),
                    series_labels: BTreeMap::new(),
                    observation: Observation::Error(message),
                });
            }
            all
        }
    };
    let mut report = Report {
        rules: 1,
        ..Report::default()
    };
    let pending = Duration::seconds(spec.pending_s);
    let by_fingerprint: HashMap<&str, &OpenAlert> = open.iter().map(|a| (a.fingerprint.as_str(), a)).collect();
    let mut changes = Vec::new();
    let mut values = Vec::new();
    // Alerts firing after this pass, with when they first fired and the escalation steps taken.
    let mut firing: Vec<FiringAlert> = Vec::new();
    for item in observed {
        let observation = item.observation.clone().under(spec.no_data);
        let existing = by_fingerprint.get(item.fingerprint.as_str()).copied();
        let current = existing.map(|a| Current {
            state: a.state,
            started_at: a.started_at,
        });
        let step = lifecycle::next(current, &observation, pending, now);
        let reason = Said::from(reason(spec, &observation, step == Step::Move(AlertState::Firing)));
        match (step, existing) {
            (Step::Stay, Some(alert)) => {
                if let Some(value) = observation.value() {
                    values.push((alert.alert_id, value));
                }
                if alert.state == AlertState::Firing {
                    firing.push(FiringAlert {
                        alert_id: alert.alert_id,
                        fired_at: alert.fired_at.unwrap_or(now),
                        steps_taken: alert.escalation_step,
                        labels: alert.labels.clone(),
                        value: observation.value().or(alert.value),
                    });
                }
            }
            (Step::Stay, None) => {}
            (Step::Open(state), _) => {
                let mut labels = item.series_labels.clone();
                labels.extend(spec.labels.clone());
                let alert_id = db::insert_alert(
                    &mut tx,
                    &NewAlert {
                        rule_id: rule.rule_id,
                        fingerprint: &item.fingerprint,
                        labels: &labels,
                        state,
                        severity: spec.severity,
                        value: observation.value(),
                        reason: &reason,
                    },
                    now,
                )
                .await?;
                if state == AlertState::Firing {
                    firing.push(FiringAlert {
                        alert_id,
                        fired_at: now,
                        steps_taken: 0,
                        labels: labels.clone(),
                        value: observation.value(),
                    });
                }
                changes.push(Change {
                    alert_id,
                    fingerprint: item.fingerprint,
                    labels,
                    from: None,
                    to: state,
                    value: observation.value(),
                    reason,
                    announced: false,
                });
            }
            (Step::Move(state), Some(alert)) => {
                db::update_alert_state(&mut tx, alert.alert_id, state, observation.value(), &reason, now).await?;
                if state == AlertState::Firing {
                    firing.push(FiringAlert {
                        alert_id: alert.alert_id,
                        fired_at: alert.fired_at.unwrap_or(now),
                        steps_taken: alert.escalation_step,
                        labels: alert.labels.clone(),
                        value: observation.value(),
                    });
                }
                changes.push(Change {
                    alert_id: alert.alert_id,
                    fingerprint: item.fingerprint,
                    labels: alert.labels.clone(),
                    from: Some(alert.state),
                    to: state,
                    value: observation.value(),
                    reason,
                    announced: alert.notified_at.is_some(),
                });
            }
            (Step::Move(_), None) => {}
        }
    }
    db::update_alert_values(&mut tx, &values, now).await?;
    for change in &changes {
        db::insert_event(
            &mut tx,
            &NewEvent {
                alert_id: change.alert_id,
                kind: AlertEventKind::Transition,
                from_state: change.from,
                to_state: Some(change.to),
                actor_user_id: None,
                actor_name: EVALUATOR,
                reason: &change.reason,
                value: change.value,
            },
            now,
        )
        .await?;
        crate::live::db::notify(
            &mut tx,
            LiveEvent::AlertChanged {
                tenant_id: tenant,
                alert_id: change.alert_id,
                state: change.to,
            },
        )
        .await?;
    }
    report.transitions = changes.len();
    report.notifications = notify_changes(&mut tx, rule, &changes, silences, now).await?;
    report.escalations = escalate(&mut tx, rule, &firing, silences, now).await?;
    db::update_rule_evaluated(&mut tx, rule.rule_id, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// Decides and enqueues the notifications of this pass's changes: silenced ones and firings
/// inside the cooldown are recorded as suppressed; the rest are grouped by event and the rule's
/// `group_by` labels, one message per group. Returns the number of messages enqueued.
async fn notify_changes(
    tx: &mut TenantTx,
    rule: &Rule,
    changes: &[Change],
    silences: &[Silence],
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let spec = &rule.spec;
    let mut groups: BTreeMap<(&'static str, Vec<Option<String>>), Vec<&Change>> = BTreeMap::new();
    for change in changes {
        let Some(event_type) = lifecycle::event_type(change.from, change.to) else {
            continue;
        };
        // The end of an alert nobody was told about (silenced, in cooldown) is no news either.
        if !change.announced && matches!(event_type, "alert.resolved" | "alert.acknowledged") {
            continue;
        }
        if let Some(silence) = silence::silenced_by(silences, rule.rule_id, &change.labels, now) {
            let reason = Message::new("reason-silenced")
                .with("until", Arg::Time(silence.ends_at))
                .with("comment", Arg::Text(silence.comment.clone()))
                .into();
            suppressed(tx, change.alert_id, &reason, now).await?;
            continue;
        }
        if event_type == "alert.firing" && spec.cooldown_s > 0 {
            let last = db::select_last_notified(tx, rule.rule_id, &change.fingerprint, change.alert_id).await?;
            if let Some(last) = last
                && now - last < Duration::seconds(spec.cooldown_s)
            {
                let reason = Message::new("reason-cooldown")
                    .with("last", Arg::Time(last))
                    .with("until", Arg::Time(last + Duration::seconds(spec.cooldown_s)))
                    .into();
                suppressed(tx, change.alert_id, &reason, now).await?;
                continue;
            }
        }
        let key: Vec<Option<String>> = spec
            .group_by
            .iter()
            .map(|label| change.labels.get(label).cloned())
            .collect();
        groups.entry((event_type, key)).or_default().push(change);
    }
    let mut sent = 0;
    for ((event_type, _), members) in groups {
        if spec.channel_ids.is_empty() {
            continue;
        }
        let compose = |language| notification(rule, event_type, &members, now, language);
        let deliveries = crate::notifications::service::enqueue(tx, &spec.channel_ids, &compose, now).await?;
        if deliveries.is_empty() {
            continue;
        }
        sent += 1;
        let ids: Vec<AlertId> = members.iter().map(|m| m.alert_id).collect();
        if matches!(event_type, "alert.firing" | "alert.no_data" | "alert.error") {
            db::update_notified(tx, &ids, now).await?;
        }
        let reason = notified(event_type, deliveries.len(), members.len() - 1).into();
        for alert_id in ids {
            record(tx, alert_id, AlertEventKind::Notified, &reason, now).await?;
        }
    }
    Ok(sent)
}

/// Takes the escalation steps that are due for alerts still firing unacknowledged.
async fn escalate(
    tx: &mut TenantTx,
    rule: &Rule,
    firing: &[FiringAlert],
    silences: &[Silence],
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut steps = rule.spec.escalation.clone();
    steps.sort_by_key(|step| step.after_s);
    let mut taken_total = 0;
    for alert in firing {
        let FiringAlert {
            alert_id,
            fired_at,
            steps_taken: taken,
            labels,
            value,
        } = alert;
        let mut taken_now = usize::try_from(*taken).unwrap_or(0);
        for (index, step) in steps.iter().enumerate().skip(taken_now) {
            if *fired_at + Duration::seconds(step.after_s) > now {
                break;
            }
            taken_now = index + 1;
            if let Some(silence) = silence::silenced_by(silences, rule.rule_id, labels, now) {
                let reason = Message::new("reason-escalation-silenced")
                    .with("step", Arg::Count(taken_now as i64))
                    .with("comment", Arg::Text(silence.comment.clone()))
                    .into();
                suppressed(tx, *alert_id, &reason, now).await?;
                continue;
            }
            let change = Change {
                alert_id: *alert_id,
                fingerprint: String::new(),
                labels: labels.clone(),
                from: Some(AlertState::Firing),
                to: AlertState::Firing,
                value: *value,
                reason: Message::new("reason-unacknowledged")
                    .with("after", Arg::Span(step.after_s))
                    .into(),
                announced: true,
            };
            let compose = |language| {
                let mut message = notification(rule, "alert.escalated", &[&change], now, language);
                message.title = Message::new("notify-escalated-title")
                    .with("step", Arg::Count(taken_now as i64))
                    .with("rule", Arg::Text(rule.spec.name.clone()))
                    .render_in(language);
                message
            };
            let deliveries = crate::notifications::service::enqueue(tx, &step.channel_ids, &compose, now).await?;
            let reason = Message::new("reason-escalated")
                .with("step", Arg::Count(taken_now as i64))
                .with("after", Arg::Span(step.after_s))
                .with("channels", Arg::Count(deliveries.len() as i64))
                .into();
            record(tx, *alert_id, AlertEventKind::Escalated, &reason, now).await?;
            taken_total += 1;
        }
        if taken_now != usize::try_from(*taken).unwrap_or(0) {
            db::update_escalation_step(tx, *alert_id, i32::try_from(taken_now).unwrap_or(i32::MAX)).await?;
        }
    }
    Ok(taken_total)
}

async fn suppressed(
    tx: &mut TenantTx,
    alert_id: AlertId,
    reason: &Said,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    record(tx, alert_id, AlertEventKind::Suppressed, reason, now).await
}

async fn record(
    tx: &mut TenantTx,
    alert_id: AlertId,
    kind: AlertEventKind,
    reason: &Said,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    db::insert_event(
        tx,
        &NewEvent {
            alert_id,
            kind,
            from_state: None,
            to_state: None,
            actor_user_id: None,
            actor_name: EVALUATOR,
            reason,
            value: None,
        },
        now,
    )
    .await
}

/// The message for `members` (alerts of one rule with one event), one line per alert, written in
/// `language` (the receiving channel's).
fn notification(
    rule: &Rule,
    event_type: &str,
    members: &[&Change],
    now: DateTime<Utc>,
    language: Language,
) -> Notification {
    let spec = &rule.spec;
    let title = Message::new("notify-alert-title")
        .with(
            "word",
            Arg::Text(t_in(language, &format!("notify-word-{}", event_word(event_type)))),
        )
        .with("count", Arg::Count(members.len() as i64))
        .with("rule", Arg::Text(spec.name.clone()))
        .render_in(language);
    let mut body = Message::new("notify-alert-body")
        .with("condition", Arg::Text(spec.condition().render_in(language)))
        .with(
            "severity",
            Arg::Text(t_in(language, &format!("severity-{}", spec.severity.as_str()))),
        )
        .render_in(language);
    for member in members {
        let labels = if member.labels.is_empty() {
            String::new()
        } else {
            format!(" [{}]", format_label_set(&member.labels))
        };
        body.push_str(&format!("\n• {}{labels}", member.reason.render_in(language)));
    }
    let link = match members {
        [only] => format!("/alerts/{}", only.alert_id),
        _ => "/alerts".to_owned(),
    };
    // The structured data is for programs: English, whatever the channel's language.
    let alerts: Vec<serde_json::Value> = members
        .iter()
        .map(|m| {
            serde_json::json!({
                "alert_id": m.alert_id,
                "state": m.to.as_str(),
                "labels": m.labels,
                "value": m.value,
                "reason": m.reason.render_in(Language::En),
            })
        })
        .collect();
    Notification {
        event_type: event_type.to_owned(),
        language,
        title,
        body,
        severity: Some(spec.severity.as_str().to_owned()),
        link: Some(link),
        sources: members.iter().map(|m| m.alert_id.0).collect(),
        data: serde_json::json!({
            "rule": {
                "rule_id": rule.rule_id,
                "name": spec.name,
                "severity": spec.severity.as_str(),
                "condition": spec.condition_text(),
            },
            "alerts": alerts,
            "at": now,
        }),
    }
}

/// The history line of a notification sent: its event, to how many channels, with how many other
/// alerts in the same message.
pub fn notified(event_type: &str, channels: usize, others: usize) -> Message {
    Message::new("reason-notified")
        .with("event", Arg::Text(event_type.to_owned()))
        .with("channels", Arg::Count(channels as i64))
        .with("others", Arg::Count(others as i64))
}

/// The catalogue's word for an event (`notify-word-firing`).
fn event_word(event_type: &str) -> &'static str {
    match event_type {
        "alert.firing" => "firing",
        "alert.resolved" => "resolved",
        "alert.acknowledged" => "acknowledged",
        "alert.no_data" => "no-data",
        "alert.error" => "error",
        "alert.escalated" => "escalated",
        _ => "alert",
    }
}

/// The notification for a person's action on one alert (acknowledge, resolve): its event type
/// and how to write it in a channel's language; `None` when nobody is to be told.
pub fn manual_notification<'a>(
    rule: &'a Rule,
    alert: &OpenAlert,
    to: AlertState,
    reason: &Said,
    now: DateTime<Utc>,
) -> Option<(&'static str, impl Fn(Language) -> Notification + 'a)> {
    let event_type = lifecycle::event_type(Some(alert.state), to)?;
    let change = Change {
        alert_id: alert.alert_id,
        fingerprint: alert.fingerprint.clone(),
        labels: alert.labels.clone(),
        from: Some(alert.state),
        to,
        value: alert.value,
        reason: reason.clone(),
        announced: alert.notified_at.is_some(),
    };
    if !change.announced && matches!(event_type, "alert.resolved" | "alert.acknowledged") {
        return None;
    }
    Some((event_type, move |language| {
        notification(rule, event_type, &[&change], now, language)
    }))
}

/// Why an alert is where it is, as a message each reader's language words.
fn reason(spec: &RuleSpec, observation: &Observation, held: bool) -> Message {
    let window = Arg::Span(spec.window_s);
    let stat = |message: Message| {
        message
            .with("stat", Arg::Text(spec.aggregation.as_str().to_owned()))
            .with("metric", Arg::Text(spec.metric.clone()))
    };
    match observation {
        Observation::Breach(value) if !value.is_finite() => {
            Message::new("reason-no-points-alerting").with("window", window)
        }
        Observation::Breach(value) => {
            let held = held && spec.pending_s > 0;
            let judged = match (spec.comparison, spec.threshold) {
                (Comparison::Anomaly, _) | (_, None) => stat(Message::new(if held {
                    "reason-anomalous-held"
                } else {
                    "reason-anomalous"
                })),
                (comparison, Some(threshold)) => {
                    stat(Message::new(if held { "reason-breach-held" } else { "reason-breach" }))
                        .with("op", Arg::Text(comparison.symbol().to_owned()))
                        .with("threshold", Arg::Number(threshold))
                        .with("window", window)
                }
            };
            let judged = judged.with("value", Arg::Number(*value));
            if held {
                judged.with("held", Arg::Span(spec.pending_s))
            } else {
                judged
            }
        }
        Observation::Clear(Some(value)) => stat(Message::new("reason-cleared")).with("value", Arg::Number(*value)),
        Observation::Clear(None) => Message::new("reason-no-points-clear").with("window", window),
        Observation::NoData => Message::new("reason-no-data").with("window", window),
        Observation::Error(error) => Message::new("reason-error").with("error", Arg::Text(error.clone())),
    }
}

/// The rule's statistic over merged rollups.
fn statistic(aggregation: Aggregation, merged: &Aggregate, seconds: i64) -> f64 {
    let count = merged.count as f64;
    match aggregation {
        Aggregation::Avg => merged.sum / count,
        Aggregation::Min => merged.min,
        Aggregation::Max => merged.max,
        Aggregation::Sum => merged.sum,
        Aggregation::Count => count,
        Aggregation::Rate => count / seconds.max(1) as f64,
        Aggregation::P50 => merged.quantile(0.5),
        Aggregation::P95 => merged.quantile(0.95),
        Aggregation::P99 => merged.quantile(0.99),
    }
}

/// Judges one label set at `at` from its minute buckets (start time → aggregate).
fn judge(spec: &RuleSpec, buckets: &BTreeMap<DateTime<Utc>, Aggregate>, at: DateTime<Utc>) -> Observation {
    let window_start = at - Duration::seconds(spec.window_s);
    // A minute bucket counts when it overlaps the window and has started by `at`.
    let first = window_start - Duration::seconds(59);
    let mut merged = Aggregate::default();
    for (_, aggregate) in buckets.range(first..=at) {
        merged.merge(aggregate);
    }
    if merged.count == 0 {
        return Observation::NoData;
    }
    let value = statistic(spec.aggregation, &merged, spec.window_s);
    match (spec.comparison, spec.threshold) {
        (Comparison::Anomaly, _) | (_, None) => {
            let history_start = first - Duration::minutes(ANOMALY_HISTORY_MINUTES);
            let samples: Vec<series_analysis::Sample> = buckets
                .range(history_start..=at)
                .map(|(t, aggregate)| {
                    let value = (aggregate.count > 0).then(|| statistic(spec.aggregation, aggregate, 60));
                    (t.timestamp() as f64, value)
                })
                .collect();
            let found = series_analysis::anomalies(
                &samples,
                series_analysis::DEFAULT_WINDOW,
                series_analysis::DEFAULT_SIGMA,
            );
            match found.iter().rev().find(|a| a.t >= first.timestamp() as f64) {
                Some(anomaly) => Observation::Breach(anomaly.value),
                None => Observation::Clear(Some(value)),
            }
        }
        (comparison, Some(threshold)) => {
            if comparison.breaches(value, threshold) {
                Observation::Breach(value)
            } else {
                Observation::Clear(Some(value))
            }
        }
    }
}

/// The minute buckets per label set the rule looks at, over `[from, to)`.
async fn load_buckets(
    tx: &mut TenantTx,
    spec: &RuleSpec,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<Vec<(String, Labels, Buckets)>>, sqlx::Error> {
    let Some(metric) = crate::analytics::db::select_metric_by_name(tx, &spec.metric).await? else {
        return Ok(None);
    };
    // Label set per series id; the nil uuid is the metric's all-series aggregate.
    let mut members: Vec<(Uuid, String, BTreeMap<String, String>)> = Vec::new();
    if spec.series_filter.is_empty() && !spec.per_series {
        members.push((Uuid::nil(), String::new(), BTreeMap::new()));
    } else {
        let filter = serde_json::to_value(&spec.series_filter).unwrap_or_default();
        for (series_id, labels) in
            crate::analytics::db::select_series_with_labels(tx, metric.metric_id, &filter).await?
        {
            let labels: BTreeMap<String, String> = serde_json::from_value(labels).unwrap_or_default();
            if spec.per_series {
                let fingerprint = serde_json::to_string(&labels).unwrap_or_default();
                members.push((series_id, fingerprint, labels));
            } else {
                members.push((series_id, String::new(), spec.series_filter.clone()));
            }
        }
    }
    let ids: Vec<Uuid> = members.iter().map(|(id, _, _)| *id).collect();
    let rows =
        crate::analytics::db::select_rollups_by_series(tx, metric.metric_id, Bucket::Minute, &ids, from, to).await?;
    let owner: HashMap<Uuid, usize> = members.iter().enumerate().map(|(i, (id, _, _))| (*id, i)).collect();
    let mut sets: BTreeMap<String, (Labels, Buckets)> = BTreeMap::new();
    for (_, fingerprint, labels) in &members {
        sets.entry(fingerprint.clone())
            .or_insert_with(|| (labels.clone(), BTreeMap::new()));
    }
    for (series_id, bucket, aggregate) in rows {
        let Some((_, fingerprint, _)) = owner.get(&series_id).and_then(|i| members.get(*i)) else {
            continue;
        };
        if let Some((_, buckets)) = sets.get_mut(fingerprint) {
            buckets.entry(bucket).or_default().merge(&aggregate);
        }
    }
    Ok(Some(
        sets.into_iter()
            .map(|(fingerprint, (labels, buckets))| (fingerprint, labels, buckets))
            .collect(),
    ))
}

fn reach(spec: &RuleSpec) -> Duration {
    let history = if spec.comparison == Comparison::Anomaly {
        Duration::minutes(ANOMALY_HISTORY_MINUTES)
    } else {
        Duration::zero()
    };
    Duration::seconds(spec.window_s + 60) + history
}

async fn observe(tx: &mut TenantTx, spec: &RuleSpec, now: DateTime<Utc>) -> Result<Vec<Observed>, sqlx::Error> {
    let from = Bucket::Minute.floor(now - reach(spec));
    let to = Bucket::Minute.floor(now) + Duration::minutes(1);
    let Some(sets) = load_buckets(tx, spec, from, to).await? else {
        return Ok(vec![Observed {
            fingerprint: String::new(),
            series_labels: BTreeMap::new(),
            observation: Observation::NoData,
        }]);
    };
    let mut observed: Vec<Observed> = sets
        .into_iter()
        .map(|(fingerprint, series_labels, buckets)| Observed {
            observation: judge(spec, &buckets, now),
            fingerprint,
            series_labels,
        })
        .collect();
    if observed.is_empty() {
        // A filter no series matches (yet): the whole rule has no data.
        observed.push(Observed {
            fingerprint: String::new(),
            series_labels: BTreeMap::new(),
            observation: Observation::NoData,
        });
    }
    // Per-series rules only speak for series with data; silent series are handled by the caller.
    if spec.per_series {
        observed.retain(|o| o.observation != Observation::NoData || o.fingerprint.is_empty());
    }
    Ok(observed)
}

/// Replays `spec` over the last `span` of minute rollups: when would it have started firing?
/// Steps by a minute (or by 1/60 of the window for long windows, to bound the work).
pub async fn backtest(
    tx: &mut TenantTx,
    spec: &RuleSpec,
    span: Duration,
    now: DateTime<Utc>,
) -> Result<Backtest, sqlx::Error> {
    let start = Bucket::Minute.floor(now - span);
    let from = Bucket::Minute.floor(start - reach(spec));
    let to = Bucket::Minute.floor(now) + Duration::minutes(1);
    let sets = load_buckets(tx, spec, from, to).await?.unwrap_or_default();
    let step = Duration::seconds((spec.window_s / 60).max(60));
    let pending = Duration::seconds(spec.pending_s);
    let mut firings = Vec::new();
    let mut evaluated = 0;
    let mut peak: Option<f64> = None;
    for (_, _, buckets) in &sets {
        let mut current: Option<Current> = None;
        let mut at = start + step;
        while at <= now {
            let observation = judge(spec, buckets, at).under(spec.no_data);
            if let Some(value) = observation.value() {
                evaluated += 1;
                peak = Some(match (peak, spec.comparison) {
                    (None, _) => value,
                    (Some(p), Comparison::Lt | Comparison::Lte) => p.min(value),
                    (Some(p), _) => p.max(value),
                });
            }
            match lifecycle::next(current, &observation, pending, at) {
                Step::Open(state) => {
                    if state == AlertState::Firing {
                        firings.push(at);
                    }
                    current = Some(Current { state, started_at: at });
                }
                Step::Move(AlertState::Resolved) => current = None,
                Step::Move(state) => {
                    if state == AlertState::Firing {
                        firings.push(at);
                    }
                    let started_at = if state == AlertState::Pending {
                        at
                    } else {
                        current.map_or(at, |c| c.started_at)
                    };
                    current = Some(Current { state, started_at });
                }
                Step::Stay => {}
            }
            at += step;
        }
    }
    firings.sort();
    Ok(Backtest {
        from: start,
        to: now,
        firings,
        evaluated,
        peak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::types::{NoDataPolicy, Severity};

    fn spec(aggregation: Aggregation, comparison: Comparison, threshold: Option<f64>) -> RuleSpec {
        RuleSpec {
            name: "r".into(),
            description: String::new(),
            metric: "m".into(),
            series_filter: BTreeMap::new(),
            per_series: false,
            aggregation,
            comparison,
            threshold,
            window_s: 300,
            pending_s: 0,
            severity: Severity::High,
            labels: BTreeMap::new(),
            group_by: Vec::new(),
            channel_ids: Vec::new(),
            cooldown_s: 0,
            no_data: NoDataPolicy::NoData,
            escalation: Vec::new(),
            enabled: true,
        }
    }

    fn minute(m: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + m * 60, 0).expect("valid")
    }

    fn buckets(values: &[(i64, &[f64])]) -> BTreeMap<DateTime<Utc>, Aggregate> {
        values
            .iter()
            .map(|(m, vs)| {
                let mut aggregate = Aggregate::default();
                for v in *vs {
                    aggregate.add(*v);
                }
                (minute(*m), aggregate)
            })
            .collect()
    }

    #[test]
    fn statistics_over_the_window() {
        let data = buckets(&[(0, &[1.0, 3.0]), (1, &[5.0]), (2, &[7.0])]);
        let at = minute(2) + Duration::seconds(30);
        let cases = [
            (Aggregation::Avg, 4.0),
            (Aggregation::Min, 1.0),
            (Aggregation::Max, 7.0),
            (Aggregation::Sum, 16.0),
            (Aggregation::Count, 4.0),
            (Aggregation::Rate, 4.0 / 300.0),
        ];
        for (aggregation, expected) in cases {
            let observed = judge(&spec(aggregation, Comparison::Gt, Some(1e9)), &data, at);
            assert_eq!(observed, Observation::Clear(Some(expected)), "{aggregation:?}");
        }
        // The sketch ranks like "nearest rank": the p99 of four values is the third one (±1%).
        let p99 = judge(&spec(Aggregation::P99, Comparison::Gte, Some(4.5)), &data, at);
        assert!(
            matches!(p99, Observation::Breach(v) if (v - 5.0).abs() < 0.1),
            "{p99:?}"
        );
        let p50 = judge(&spec(Aggregation::P50, Comparison::Lt, Some(4.5)), &data, at);
        assert!(
            matches!(p50, Observation::Breach(v) if (v - 3.0).abs() < 0.1),
            "{p50:?}"
        );
    }

    #[test]
    fn the_window_excludes_older_and_future_buckets() {
        let data = buckets(&[(0, &[100.0]), (10, &[1.0]), (20, &[100.0])]);
        let rule = spec(Aggregation::Max, Comparison::Gt, Some(50.0));
        assert_eq!(judge(&rule, &data, minute(12)), Observation::Clear(Some(1.0)));
        assert_eq!(judge(&rule, &data, minute(19)), Observation::NoData);
        assert_eq!(judge(&rule, &data, minute(20)), Observation::Breach(100.0));
    }

    #[test]
    fn anomaly_rules_flag_a_spike_after_a_steady_hour() {
        let mut values: Vec<(i64, Vec<f64>)> = (0..60).map(|m| (m, vec![100.0 + (m % 5) as f64])).collect();
        values.push((60, vec![400.0]));
        let data: BTreeMap<_, _> = values
            .iter()
            .map(|(m, vs)| {
                let mut aggregate = Aggregate::default();
                for v in vs {
                    aggregate.add(*v);
                }
                (minute(*m), aggregate)
            })
            .collect();
        let rule = spec(Aggregation::Avg, Comparison::Anomaly, None);
        assert!(matches!(judge(&rule, &data, minute(59)), Observation::Clear(_)));
        assert_eq!(judge(&rule, &data, minute(60)), Observation::Breach(400.0));
    }
}
