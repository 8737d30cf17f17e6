//! Alerting queries: rules, alerts, their history and silences, all in the tenant's `TenantTx`
//! (the evaluator's list of tenants to visit comes from `PlatformTx`).

use super::types::{
    Aggregation, AlertEvent, AlertEventKind, AlertState, AlertSummary, AlertTab, Comparison, EscalationStep, Matcher,
    NoDataPolicy, Rule, RuleSpec, Severity, Silence,
};
use crate::db::keyset::{COUNT_CAP, Key, Order, Window, capped, capped_count, explain};
use crate::db::{PlatformTx, TenantTx};
use crate::i18n::Said;
use crate::ids::{AlertId, AlertRuleId, ChannelId, SilenceId, TenantId, UserId};
use crate::paging::{Page, SortDir, Total};
use crate::preferences::Language;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, Postgres, QueryBuilder};
use std::collections::BTreeMap;
use uuid::Uuid;

fn to_map(value: Value) -> BTreeMap<String, String> {
    serde_json::from_value(value).unwrap_or_default()
}

fn map_json(map: &BTreeMap<String, String>) -> Value {
    serde_json::to_value(map).unwrap_or(Value::Object(Default::default()))
}

/// A rule row as stored; `into_rule` drops rows whose enums the app no longer knows.
struct RuleRow {
    rule_id: Uuid,
    name: String,
    description: String,
    metric: String,
    series_filter: Value,
    per_series: bool,
    aggregation: String,
    comparison: String,
    threshold: Option<f64>,
    window_s: i32,
    pending_s: i32,
    severity: String,
    labels: Value,
    group_by: Vec<String>,
    channel_ids: Vec<Uuid>,
    cooldown_s: i32,
    no_data: String,
    escalation: Value,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_evaluated_at: Option<DateTime<Utc>>,
}

impl RuleRow {
    fn into_rule(self) -> Option<Rule> {
        Some(Rule {
            rule_id: AlertRuleId(self.rule_id),
            spec: RuleSpec {
                name: self.name,
                description: self.description,
                metric: self.metric,
                series_filter: to_map(self.series_filter),
                per_series: self.per_series,
                aggregation: Aggregation::parse(&self.aggregation)?,
                comparison: Comparison::parse(&self.comparison)?,
                threshold: self.threshold,
                window_s: i64::from(self.window_s),
                pending_s: i64::from(self.pending_s),
                severity: Severity::parse(&self.severity)?,
                labels: to_map(self.labels),
                group_by: self.group_by,
                channel_ids: self.channel_ids.into_iter().map(ChannelId).collect(),
                cooldown_s: i64::from(self.cooldown_s),
                no_data: NoDataPolicy::parse(&self.no_data)?,
                escalation: serde_json::from_value::<Vec<EscalationStep>>(self.escalation).unwrap_or_default(),
                enabled: self.enabled,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_evaluated_at: self.last_evaluated_at,
        })
    }
}

/// The tenant's rules by name; `enabled_only` for the evaluator.
pub async fn select_rules(tx: &mut TenantTx, enabled_only: bool) -> Result<Vec<Rule>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query_as!(
        RuleRow,
        r#"SELECT rule_id, name, description, metric, series_filter, per_series, aggregation, comparison,
                  threshold, window_s, pending_s, severity, labels, group_by, channel_ids, cooldown_s, no_data,
                  escalation, enabled, created_at, updated_at, last_evaluated_at
           FROM alert_rules WHERE tenant_id = $1 AND (enabled OR NOT $2)
           ORDER BY lower(name), rule_id"#,
        tenant,
        enabled_only
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().filter_map(RuleRow::into_rule).collect())
}

/// One rule; `for_update` locks it against a concurrent edit.
pub async fn select_rule(tx: &mut TenantTx, rule_id: AlertRuleId) -> Result<Option<Rule>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let row = sqlx::query_as!(
        RuleRow,
        r#"SELECT rule_id, name, description, metric, series_filter, per_series, aggregation, comparison,
                  threshold, window_s, pending_s, severity, labels, group_by, channel_ids, cooldown_s, no_data,
                  escalation, enabled, created_at, updated_at, last_evaluated_at
           FROM alert_rules WHERE tenant_id = $1 AND rule_id = $2 FOR UPDATE"#,
        tenant,
        rule_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(RuleRow::into_rule))
}

/// Stores a new rule (the name is unique per tenant: `alert_rules_name_key`).
pub async fn insert_rule(tx: &mut TenantTx, spec: &RuleSpec, now: DateTime<Utc>) -> Result<AlertRuleId, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let channels: Vec<Uuid> = spec.channel_ids.iter().map(|id| id.0).collect();
    let escalation = serde_json::to_value(&spec.escalation).unwrap_or(Value::Array(Vec::new()));
    sqlx::query_scalar!(
        r#"INSERT INTO alert_rules (tenant_id, name, description, metric, series_filter, per_series, aggregation,
                comparison, threshold, window_s, pending_s, severity, labels, group_by, channel_ids, cooldown_s,
                no_data, escalation, enabled, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
           RETURNING rule_id AS "rule_id: AlertRuleId""#,
        tenant,
        spec.name,
        spec.description,
        spec.metric,
        map_json(&spec.series_filter),
        spec.per_series,
        spec.aggregation.as_str(),
        spec.comparison.as_str(),
        spec.threshold,
        spec.window_s as i32,
        spec.pending_s as i32,
        spec.severity.as_str(),
        map_json(&spec.labels),
        &spec.group_by,
        &channels,
        spec.cooldown_s as i32,
        spec.no_data.as_str(),
        escalation,
        spec.enabled,
        now
    )
    .fetch_one(&mut **tx)
    .await
}

/// Replaces a rule's definition; false when it does not exist (in this tenant).
pub async fn update_rule(
    tx: &mut TenantTx,
    rule_id: AlertRuleId,
    spec: &RuleSpec,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let channels: Vec<Uuid> = spec.channel_ids.iter().map(|id| id.0).collect();
    let escalation = serde_json::to_value(&spec.escalation).unwrap_or(Value::Array(Vec::new()));
    let done = sqlx::query!(
        r#"UPDATE alert_rules SET name = $3, description = $4, metric = $5, series_filter = $6, per_series = $7,
                aggregation = $8, comparison = $9, threshold = $10, window_s = $11, pending_s = $12, severity = $13,
                labels = $14, group_by = $15, channel_ids = $16, cooldown_s = $17, no_data = $18, escalation = $19,
                enabled = $20, updated_at = $21
           WHERE tenant_id = $1 AND rule_id = $2"#,
        tenant,
        rule_id.0,
        spec.name,
        spec.description,
        spec.metric,
        map_json(&spec.series_filter),
        spec.per_series,
        spec.aggregation.as_str(),
        spec.comparison.as_str(),
        spec.threshold,
        spec.window_s as i32,
        spec.pending_s as i32,
        spec.severity.as_str(),
        map_json(&spec.labels),
        &spec.group_by,
        &channels,
        spec.cooldown_s as i32,
        spec.no_data.as_str(),
        escalation,
        spec.enabled,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a rule with its alerts, their history and the silences naming it.
pub async fn delete_rule(tx: &mut TenantTx, rule_id: AlertRuleId) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let done = sqlx::query!(
        "DELETE FROM alert_rules WHERE tenant_id = $1 AND rule_id = $2",
        tenant,
        rule_id.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records when the evaluator last looked at a rule.
pub async fn update_rule_evaluated(
    tx: &mut TenantTx,
    rule_id: AlertRuleId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query!(
        "UPDATE alert_rules SET last_evaluated_at = $3 WHERE tenant_id = $1 AND rule_id = $2",
        tenant,
        rule_id.0,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Open alerts per rule and state, for the rules list.
pub async fn select_open_counts(tx: &mut TenantTx) -> Result<Vec<(AlertRuleId, AlertState, i64)>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        r#"SELECT rule_id, state, count(*) AS "count!" FROM alerts
           WHERE tenant_id = $1 AND state <> 'resolved' GROUP BY rule_id, state"#,
        tenant
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((AlertRuleId(row.rule_id), AlertState::parse(&row.state)?, row.count)))
        .collect())
}

/// Tenants with at least one enabled rule: the evaluator's round.
pub async fn select_tenants_with_rules(tx: &mut PlatformTx) -> Result<Vec<TenantId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT r.tenant_id AS "tenant_id: TenantId" FROM alert_rules r
           JOIN tenants t USING (tenant_id)
           WHERE r.enabled AND t.status = 'active'"#
    )
    .fetch_all(&mut **tx)
    .await
}

/// An open alert as the evaluator and the manual actions need it.
#[derive(Debug, Clone)]
pub struct OpenAlert {
    pub alert_id: AlertId,
    pub rule_id: AlertRuleId,
    pub fingerprint: String,
    pub labels: BTreeMap<String, String>,
    pub state: AlertState,
    pub severity: Severity,
    pub value: Option<f64>,
    pub started_at: DateTime<Utc>,
    pub fired_at: Option<DateTime<Utc>>,
    /// When a notification about it last went out (none: never announced).
    pub notified_at: Option<DateTime<Utc>>,
    pub escalation_step: i32,
}

struct OpenRow {
    alert_id: Uuid,
    rule_id: Uuid,
    fingerprint: String,
    labels: Value,
    state: String,
    severity: String,
    value: Option<f64>,
    started_at: DateTime<Utc>,
    fired_at: Option<DateTime<Utc>>,
    notified_at: Option<DateTime<Utc>>,
    escalation_step: i32,
}

impl OpenRow {
    fn into_open(self) -> Option<OpenAlert> {
        Some(OpenAlert {
            alert_id: AlertId(self.alert_id),
            rule_id: AlertRuleId(self.rule_id),
            fingerprint: self.fingerprint,
            labels: to_map(self.labels),
            state: AlertState::parse(&self.state)?,
            severity: Severity::parse(&self.severity)?,
            value: self.value,
            started_at: self.started_at,
            fired_at: self.fired_at,
            notified_at: self.notified_at,
            escalation_step: self.escalation_step,
        })
    }
}

/// The rule's open alerts, locked: the evaluator and a person acknowledging cannot interleave.
pub async fn select_open_alerts(tx: &mut TenantTx, rule_id: AlertRuleId) -> Result<Vec<OpenAlert>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query_as!(
        OpenRow,
        "SELECT alert_id, rule_id, fingerprint, labels, state, severity, value, started_at, fired_at, notified_at, escalation_step
         FROM alerts WHERE tenant_id = $1 AND rule_id = $2 AND state <> 'resolved'
         ORDER BY alert_id FOR UPDATE",
        tenant,
        rule_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().filter_map(OpenRow::into_open).collect())
}

/// One alert, locked for a manual action.
pub async fn select_alert_for_update(tx: &mut TenantTx, alert_id: AlertId) -> Result<Option<OpenAlert>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let row = sqlx::query_as!(
        OpenRow,
        "SELECT alert_id, rule_id, fingerprint, labels, state, severity, value, started_at, fired_at, notified_at, escalation_step
         FROM alerts WHERE tenant_id = $1 AND alert_id = $2 FOR UPDATE",
        tenant,
        alert_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(OpenRow::into_open))
}

/// What a new alert starts with.
pub struct NewAlert<'a> {
    pub rule_id: AlertRuleId,
    pub fingerprint: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub state: AlertState,
    pub severity: Severity,
    pub value: Option<f64>,
    pub reason: &'a Said,
}

pub async fn insert_alert(tx: &mut TenantTx, alert: &NewAlert<'_>, now: DateTime<Utc>) -> Result<AlertId, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let fired_at = (alert.state == AlertState::Firing).then_some(now);
    sqlx::query_scalar!(
        r#"INSERT INTO alerts (tenant_id, rule_id, fingerprint, labels, state, severity, value, reason, started_at,
                               fired_at, updated_at, reason_message)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11)
           RETURNING alert_id AS "alert_id: AlertId""#,
        tenant,
        alert.rule_id.0,
        alert.fingerprint,
        map_json(alert.labels),
        alert.state.as_str(),
        alert.severity.as_str(),
        alert.value,
        alert.reason.render_in(Language::En),
        now,
        fired_at,
        alert.reason.message_column()
    )
    .fetch_one(&mut **tx)
    .await
}

/// Moves an alert to `state`, stamping the matching time: entering pending restarts the pending
/// period; firing, acknowledging and resolving set their own times once.
pub async fn update_alert_state(
    tx: &mut TenantTx,
    alert_id: AlertId,
    state: AlertState,
    value: Option<f64>,
    reason: &Said,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query!(
        "UPDATE alerts SET state = $3, value = coalesce($4, value), reason = $5, reason_message = $7, updated_at = $6,
                started_at = CASE WHEN $3 = 'pending' THEN $6 ELSE started_at END,
                fired_at = CASE WHEN $3 = 'firing' THEN coalesce(fired_at, $6) ELSE fired_at END,
                acknowledged_at = CASE WHEN $3 = 'acknowledged' THEN $6 ELSE acknowledged_at END,
                resolved_at = CASE WHEN $3 = 'resolved' THEN $6 ELSE resolved_at END
         WHERE tenant_id = $1 AND alert_id = $2",
        tenant,
        alert_id.0,
        state.as_str(),
        value,
        reason.render_in(Language::En),
        now,
        reason.message_column()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Refreshes the last observed value of alerts that stay as they are.
pub async fn update_alert_values(
    tx: &mut TenantTx,
    values: &[(AlertId, f64)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if values.is_empty() {
        return Ok(());
    }
    let tenant = tx.tenant_id().0;
    let ids: Vec<Uuid> = values.iter().map(|(id, _)| id.0).collect();
    let numbers: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
    sqlx::query!(
        "UPDATE alerts a SET value = v.value, updated_at = $4
         FROM unnest($2::uuid[], $3::float8[]) AS v(alert_id, value)
         WHERE a.tenant_id = $1 AND a.alert_id = v.alert_id",
        tenant,
        &ids,
        &numbers,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks alerts as notified now (cooldown measures from here).
pub async fn update_notified(tx: &mut TenantTx, alert_ids: &[AlertId], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let ids: Vec<Uuid> = alert_ids.iter().map(|id| id.0).collect();
    sqlx::query!(
        "UPDATE alerts SET notified_at = $3 WHERE tenant_id = $1 AND alert_id = ANY($2)",
        tenant,
        &ids,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn update_escalation_step(tx: &mut TenantTx, alert_id: AlertId, step: i32) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query!(
        "UPDATE alerts SET escalation_step = $3 WHERE tenant_id = $1 AND alert_id = $2",
        tenant,
        alert_id.0,
        step
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When an earlier alert of the same rule and label set last notified (cooldown spans episodes).
pub async fn select_last_notified(
    tx: &mut TenantTx,
    rule_id: AlertRuleId,
    fingerprint: &str,
    other_than: AlertId,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        "SELECT max(notified_at) FROM alerts
         WHERE tenant_id = $1 AND rule_id = $2 AND fingerprint = $3 AND alert_id <> $4",
        tenant,
        rule_id.0,
        fingerprint,
        other_than.0
    )
    .fetch_one(&mut **tx)
    .await
}

/// One line of history.
pub struct NewEvent<'a> {
    pub alert_id: AlertId,
    pub kind: AlertEventKind,
    pub from_state: Option<AlertState>,
    pub to_state: Option<AlertState>,
    pub actor_user_id: Option<UserId>,
    pub actor_name: &'a str,
    pub reason: &'a Said,
    pub value: Option<f64>,
}

pub async fn insert_event(tx: &mut TenantTx, event: &NewEvent<'_>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query!(
        "INSERT INTO alert_events (tenant_id, alert_id, at, kind, from_state, to_state, actor_user_id, actor_name,
                                   reason, value, reason_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        tenant,
        event.alert_id.0,
        now,
        event.kind.as_str(),
        event.from_state.map(AlertState::as_str),
        event.to_state.map(AlertState::as_str),
        event.actor_user_id.map(|id| id.0),
        event.actor_name,
        event.reason.render_in(Language::En),
        event.value,
        event.reason.message_column()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn select_events(tx: &mut TenantTx, alert_id: AlertId) -> Result<Vec<AlertEvent>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        r#"SELECT at, kind, from_state, to_state, actor_user_id AS "actor_user_id: UserId", actor_name, reason, value,
                  reason_message
           FROM alert_events WHERE tenant_id = $1 AND alert_id = $2 ORDER BY event_no"#,
        tenant,
        alert_id.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(AlertEvent {
                at: row.at,
                kind: AlertEventKind::parse(&row.kind)?,
                from_state: row.from_state.as_deref().and_then(AlertState::parse),
                to_state: row.to_state.as_deref().and_then(AlertState::parse),
                actor_user_id: row.actor_user_id,
                actor_name: row.actor_name,
                reason: Said::from_columns(row.reason, row.reason_message),
                value: row.value,
            })
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    alert_id: Uuid,
    rule_id: Uuid,
    rule_name: String,
    labels: Value,
    state: String,
    severity: String,
    value: Option<f64>,
    reason: String,
    reason_message: Option<Value>,
    started_at: DateTime<Utc>,
    fired_at: Option<DateTime<Utc>>,
    acknowledged_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    escalation_step: i32,
}

impl SummaryRow {
    fn into_summary(self) -> Option<AlertSummary> {
        Some(AlertSummary {
            alert_id: AlertId(self.alert_id),
            rule_id: AlertRuleId(self.rule_id),
            rule_name: self.rule_name,
            labels: to_map(self.labels),
            state: AlertState::parse(&self.state)?,
            severity: Severity::parse(&self.severity)?,
            value: self.value,
            reason: Said::from_columns(self.reason, self.reason_message),
            started_at: self.started_at,
            fired_at: self.fired_at,
            acknowledged_at: self.acknowledged_at,
            resolved_at: self.resolved_at,
            escalation_step: self.escalation_step,
            silenced: false,
        })
    }
}

/// Open alerts of a tab, most severe then newest first (`alerts_open_list_idx`, backwards).
static OPEN_ORDER: Order = Order::by_uuid("a.alert_id", &[Key::int("a.severity_rank"), Key::time("a.started_at")]);
/// Resolved alerts, most recently resolved first (`alerts_resolved_list_idx`, read backwards).
static RESOLVED_ORDER: Order = Order::by_uuid("a.alert_id", &[Key::time("a.resolved_at")]);

/// Alerts a page of the list shows.
pub const ALERTS_PAGE: u32 = 50;

/// The tab's order: each is one partial index's range.
fn tab_order(tab: AlertTab) -> &'static Order {
    match tab {
        AlertTab::Resolved => &RESOLVED_ORDER,
        AlertTab::Firing | AlertTab::Acknowledged | AlertTab::Pending => &OPEN_ORDER,
    }
}

/// `WHERE …` of a tab, shared by its page and its count. The tab is the closed enum's spelling
/// (that of the stored `list_tab`), written as a literal so that the planner sees the partial
/// index's predicate hold.
fn push_tab_filter(qb: &mut QueryBuilder<'_, Postgres>, tenant: TenantId, tab: AlertTab) {
    qb.push(" WHERE a.tenant_id = ").push_bind(tenant.0);
    match tab {
        AlertTab::Resolved => qb.push(" AND a.state = 'resolved'"),
        AlertTab::Firing | AlertTab::Acknowledged | AlertTab::Pending => {
            qb.push(format_args!(" AND a.list_tab = '{}'", tab.as_param()))
        }
    };
}

fn push_alerts_page(qb: &mut QueryBuilder<'_, Postgres>, tenant: TenantId, tab: AlertTab, window: &Window) {
    qb.push(
        "SELECT a.alert_id, a.rule_id, r.name AS rule_name, a.labels, a.state, a.severity, a.value, a.reason, a.reason_message, \
         a.started_at, a.fired_at, a.acknowledged_at, a.resolved_at, a.escalation_step",
    );
    window.push_select(qb);
    qb.push(" FROM alerts a JOIN alert_rules r USING (tenant_id, rule_id)");
    push_tab_filter(qb, tenant, tab);
    window.push_condition(qb);
    window.push_order(qb);
}

/// One page of the tab's alerts: `[after, before]` are the cursors of the page's URL, `page`
/// its number.
pub async fn select_alerts(
    tx: &mut TenantTx,
    tab: AlertTab,
    cursors: [Option<&str>; 2],
    page: u32,
) -> Result<Page<AlertSummary>, sqlx::Error> {
    let tenant = tx.tenant_id();
    let window = Window::from_parts(tab_order(tab), SortDir::Desc, cursors, page, ALERTS_PAGE);
    let total = capped_count(tx, "alerts a", |qb| push_tab_filter(qb, tenant, tab)).await?;
    let mut query = QueryBuilder::new("");
    push_alerts_page(&mut query, tenant, tab, &window);
    let rows = query.build().fetch_all(&mut **tx).await?;
    let page = window.finish(rows, total, |row| SummaryRow::from_row(row))?;
    Ok(page.filter_map_items(SummaryRow::into_summary))
}

/// PostgreSQL's plan (JSON) for a page of the tab after its first: one index range each.
pub async fn explain_alerts_page(
    tx: &mut TenantTx,
    tab: AlertTab,
    cursors: [Option<&str>; 2],
) -> Result<String, sqlx::Error> {
    let tenant = tx.tenant_id();
    let window = Window::from_parts(tab_order(tab), SortDir::Desc, cursors, 2, ALERTS_PAGE);
    explain(tx, |qb| push_alerts_page(qb, tenant, tab, &window)).await
}

/// The metric the overview charts live: the one whose rule has the most severe open alert, else
/// the first enabled rule's (by name) that has points, so a default rule on a metric the
/// workspace never sends does not leave the chart empty; `None` without one. A tenant has at most
/// its plan's rules (1,000 on the largest), each looked up in the open alerts' partial index and
/// the metric in `metrics_name_key`.
pub async fn select_headline_metric(tx: &mut TenantTx) -> Result<Option<String>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT r.metric FROM alert_rules r
           LEFT JOIN LATERAL (
               SELECT min(a.severity_rank) AS rank FROM alerts a
               WHERE a.tenant_id = r.tenant_id AND a.rule_id = r.rule_id AND a.state <> 'resolved'
           ) open ON true
           WHERE r.tenant_id = $1 AND r.enabled
             AND EXISTS (SELECT 1 FROM metrics m WHERE m.tenant_id = r.tenant_id AND m.name = r.metric)
           ORDER BY open.rank NULLS LAST, r.name, r.rule_id
           LIMIT 1"#,
        tenant
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn select_alert(tx: &mut TenantTx, alert_id: AlertId) -> Result<Option<AlertSummary>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let row = sqlx::query_as!(
        SummaryRow,
        r#"SELECT a.alert_id, a.rule_id, r.name AS rule_name, a.labels, a.state, a.severity, a.value, a.reason, a.reason_message,
                  a.started_at, a.fired_at, a.acknowledged_at, a.resolved_at, a.escalation_step
           FROM alerts a JOIN alert_rules r USING (tenant_id, rule_id)
           WHERE a.tenant_id = $1 AND a.alert_id = $2"#,
        tenant,
        alert_id.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(SummaryRow::into_summary))
}

/// Open alerts per state (as many as the rules' series, read from the open alerts' index), and
/// how many resolved since `resolved_since`, counted no further than [`COUNT_CAP`] + 1.
pub async fn count_alerts(
    tx: &mut TenantTx,
    resolved_since: DateTime<Utc>,
) -> Result<(Vec<(AlertState, i64)>, Total), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let open = sqlx::query!(
        r#"SELECT state, count(*) AS "count!" FROM alerts
           WHERE tenant_id = $1 AND list_tab <> 'resolved'
           GROUP BY state"#,
        tenant
    )
    .fetch_all(&mut **tx)
    .await?;
    let resolved = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM (
               SELECT 1 FROM alerts
               WHERE tenant_id = $1 AND state = 'resolved' AND resolved_at >= $2
               LIMIT $3) recent"#,
        tenant,
        resolved_since,
        COUNT_CAP + 1
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((
        open.into_iter()
            .filter_map(|row| Some((AlertState::parse(&row.state)?, row.count)))
            .collect(),
        capped(resolved),
    ))
}

/// Firing (and unacknowledged no-data/error) alerts per severity, for the dashboard.
pub async fn count_firing_by_severity(tx: &mut TenantTx) -> Result<Vec<(Severity, i64)>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        r#"SELECT severity, count(*) AS "count!" FROM alerts
           WHERE tenant_id = $1 AND state IN ('firing', 'no_data', 'error') GROUP BY severity"#,
        tenant
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut counts: Vec<(Severity, i64)> = rows
        .into_iter()
        .filter_map(|row| Some((Severity::parse(&row.severity)?, row.count)))
        .collect();
    counts.sort();
    Ok(counts)
}

struct SilenceRow {
    silence_id: Uuid,
    rule_id: Option<Uuid>,
    rule_name: Option<String>,
    matchers: Value,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    comment: String,
    created_by_name: String,
    created_at: DateTime<Utc>,
}

impl SilenceRow {
    fn into_silence(self) -> Silence {
        Silence {
            silence_id: SilenceId(self.silence_id),
            rule_id: self.rule_id.map(AlertRuleId),
            rule_name: self.rule_name,
            matchers: serde_json::from_value::<Vec<Matcher>>(self.matchers).unwrap_or_default(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            comment: self.comment,
            created_by_name: self.created_by_name,
            created_at: self.created_at,
        }
    }
}

/// Silences that have not ended before `ended_after` (active and scheduled ones, and recently
/// ended ones for the list), newest first.
pub async fn select_silences(tx: &mut TenantTx, ended_after: DateTime<Utc>) -> Result<Vec<Silence>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query_as!(
        SilenceRow,
        r#"SELECT s.silence_id, s.rule_id, r.name AS "rule_name?", s.matchers, s.starts_at, s.ends_at, s.comment,
                  s.created_by_name, s.created_at
           FROM silences s LEFT JOIN alert_rules r ON r.tenant_id = s.tenant_id AND r.rule_id = s.rule_id
           WHERE s.tenant_id = $1 AND s.ends_at > $2
           ORDER BY s.ends_at DESC, s.silence_id"#,
        tenant,
        ended_after
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(SilenceRow::into_silence).collect())
}

/// What a new silence holds.
pub struct NewSilence<'a> {
    pub rule_id: Option<AlertRuleId>,
    pub matchers: &'a [Matcher],
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub comment: &'a str,
    pub created_by: Option<UserId>,
    pub created_by_name: &'a str,
}

pub async fn insert_silence(tx: &mut TenantTx, silence: &NewSilence<'_>) -> Result<SilenceId, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let matchers = serde_json::to_value(silence.matchers).unwrap_or(Value::Array(Vec::new()));
    sqlx::query_scalar!(
        r#"INSERT INTO silences (tenant_id, rule_id, matchers, starts_at, ends_at, comment, created_by, created_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING silence_id AS "silence_id: SilenceId""#,
        tenant,
        silence.rule_id.map(|id| id.0),
        matchers,
        silence.starts_at,
        silence.ends_at,
        silence.comment,
        silence.created_by.map(|id| id.0),
        silence.created_by_name
    )
    .fetch_one(&mut **tx)
    .await
}

/// Ends a silence now (a scheduled one is moved to end at its start, i.e. never applies).
/// False when it does not exist or already ended.
pub async fn end_silence(tx: &mut TenantTx, silence_id: SilenceId, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let done = sqlx::query!(
        "UPDATE silences SET ends_at = greatest(starts_at + interval '1 microsecond', $3)
         WHERE tenant_id = $1 AND silence_id = $2 AND ends_at > $3",
        tenant,
        silence_id.0,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Alert rules of the transaction's tenant, enabled or not (the plan's `alert_rules` limit).
pub async fn count_rules(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM alert_rules WHERE tenant_id = $1"#,
        tenant
    )
    .fetch_one(&mut **tx)
    .await
}

/// Open alerts of every tenant per state (platform statistics).
pub async fn count_all_open_alerts(tx: &mut PlatformTx) -> Result<Vec<(AlertState, i64)>, sqlx::Error> {
    let rows =
        sqlx::query!(r#"SELECT state, count(*) AS "count!" FROM alerts WHERE list_tab <> 'resolved' GROUP BY state"#)
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((AlertState::parse(&row.state)?, row.count)))
        .collect())
}
