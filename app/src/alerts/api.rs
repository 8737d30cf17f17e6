//! Server functions for alerting. Tenant users work on their own tenant's alerts, rules and
//! silences; each change writes an audit row (and, for alerts, a history line) in the same
//! transaction. Rule forms are parsed here into a `RuleSpec`, with a message per bad field.
// `save_rule` takes the rule form's 25 fields as arguments. `#[server]` generates the browser's
// client function from them too, where an item attribute does not reach, and an `expect` would go
// unfulfilled on the copies where the lint cannot fire: hence a module-wide `allow`.
#![allow(clippy::too_many_arguments)]

use super::types::{AlertDetail, AlertsPageData, Backtest, FiringCounts, RuleFormData, RuleRow, SilencesPageData};
use crate::error::AppError;
use crate::ids::{AlertId, AlertRuleId, SilenceId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The rules page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesPageData {
    pub rules: Vec<RuleRow>,
    pub can_manage: bool,
    /// When the evaluator last looked at any rule of the tenant.
    pub last_evaluated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What saving the rule form did: saved it, or (the "test" button) replayed it over history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RuleFormOutcome {
    Saved(AlertRuleId),
    Tested(Backtest),
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use crate::alerts::types::{
        Aggregation, Comparison, EscalationStep, NoDataPolicy, RuleSpec, Severity, parse_duration, parse_label_set,
    };
    use crate::db::TenantTx;
    use crate::error::{AppError, FieldErrors};
    use crate::i18n::{t, t_args};
    use crate::ids::ChannelId;
    use crate::labels::LabelKey;
    use std::collections::BTreeSet;

    pub fn json<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
        serde_json::to_value(value).ok()
    }

    /// The rule form's fields as sent.
    pub struct RuleForm<'a> {
        pub name: &'a str,
        pub description: &'a str,
        pub metric: &'a str,
        pub series_filter: &'a str,
        pub per_series: &'a str,
        pub aggregation: &'a str,
        pub comparison: &'a str,
        pub threshold: &'a str,
        pub window: &'a str,
        pub pending: &'a str,
        pub severity: &'a str,
        pub labels: &'a str,
        pub group_by: &'a str,
        pub channels: &'a [String],
        pub cooldown: &'a str,
        pub no_data: &'a str,
        pub steps: [(&'a str, &'a [String]); 3],
        pub enabled: &'a str,
    }

    fn checked(value: &str) -> bool {
        matches!(value.trim(), "on" | "true" | "1" | "yes")
    }

    fn pick_channels(
        errors: &mut FieldErrors,
        field: &str,
        raw: &[String],
        known: &BTreeSet<ChannelId>,
    ) -> Vec<ChannelId> {
        let mut ids = Vec::new();
        for text in raw.iter().filter(|t| !t.trim().is_empty()) {
            match text.trim().parse::<ChannelId>() {
                Ok(id) if known.contains(&id) => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                _ => errors.add(field, t("alerts-valid-channel")),
            }
        }
        ids
    }

    impl RuleForm<'_> {
        /// Parses the form, checking the metric exists (`metrics`) and channels are the tenant's.
        pub fn parse(&self, metrics: &BTreeSet<String>, channels: &BTreeSet<ChannelId>) -> Result<RuleSpec, AppError> {
            let mut errors = FieldErrors::new();
            let name = self.name.trim();
            if name.is_empty() || name.chars().count() > 120 {
                errors.add("name", t("alerts-valid-name"));
            }
            let description = self.description.trim();
            if description.chars().count() > 1000 {
                errors.add("description", t("alerts-valid-description"));
            }
            let metric = self.metric.trim();
            match crate::analytics::types::MetricName::parse(metric) {
                Err(message) => errors.add("metric", message),
                Ok(_) if !metrics.contains(metric) => {
                    errors.add("metric", t_args("alerts-unknown-metric", &[("metric", metric)]))
                }
                Ok(_) => {}
            }
            let series_filter = parse_label_set(self.series_filter).unwrap_or_else(|bad| {
                errors.add("series_filter", t_args("alerts-valid-labels", &[("part", &bad)]));
                Default::default()
            });
            let aggregation = Aggregation::parse(self.aggregation.trim()).unwrap_or_else(|| {
                errors.add("aggregation", t("alerts-valid-aggregation"));
                Aggregation::Avg
            });
            let comparison = Comparison::parse(self.comparison.trim()).unwrap_or_else(|| {
                errors.add("comparison", t("alerts-valid-comparison"));
                Comparison::Gt
            });
            let threshold = if comparison == Comparison::Anomaly {
                None
            } else {
                match self.threshold.trim().parse::<f64>() {
                    Ok(value) if value.is_finite() => Some(value),
                    _ => {
                        errors.add("threshold", t("alerts-valid-threshold"));
                        Some(0.0)
                    }
                }
            };
            let mut duration = |field: &str, raw: &str, min: i64, max: i64, key: &str| -> i64 {
                match parse_duration(raw) {
                    Some(seconds) if (min..=max).contains(&seconds) => seconds,
                    _ => {
                        errors.add(field, t(key));
                        min
                    }
                }
            };
            let window_s = duration("window", self.window, 60, 86_400, "alerts-valid-window");
            let pending_s = duration("pending", self.pending, 0, 86_400, "alerts-valid-pending");
            let cooldown_s = duration("cooldown", self.cooldown, 0, 604_800, "alerts-valid-cooldown");
            let severity = Severity::parse(self.severity.trim()).unwrap_or_else(|| {
                errors.add("severity", t("alerts-valid-severity"));
                Severity::Medium
            });
            let labels = parse_label_set(self.labels).unwrap_or_else(|bad| {
                errors.add("labels", t_args("alerts-valid-labels", &[("part", &bad)]));
                Default::default()
            });
            let mut group_by = Vec::new();
            for label in self.group_by.split(',').map(str::trim).filter(|l| !l.is_empty()) {
                if LabelKey::parse(label).is_err() {
                    errors.add("group_by", t_args("alerts-valid-group-by", &[("part", label)]));
                } else if !group_by.iter().any(|l: &String| l == label) {
                    group_by.push(label.to_owned());
                }
            }
            let no_data = NoDataPolicy::parse(self.no_data.trim()).unwrap_or_else(|| {
                errors.add("no_data", t("alerts-valid-no-data"));
                NoDataPolicy::NoData
            });
            let channel_ids = pick_channels(&mut errors, "channels", self.channels, channels);
            let mut escalation: Vec<EscalationStep> = Vec::new();
            for (index, (after, step_channels)) in self.steps.iter().enumerate() {
                let field_after = format!("step{}_after", index + 1);
                let field_channels = format!("step{}_channels", index + 1);
                let picked = pick_channels(&mut errors, &field_channels, step_channels, channels);
                if after.trim().is_empty() && picked.is_empty() {
                    continue;
                }
                let Some(after_s) = parse_duration(after).filter(|s| (0..=604_800).contains(s)) else {
                    errors.add(&field_after, t("alerts-valid-step-after"));
                    continue;
                };
                if picked.is_empty() {
                    errors.add(&field_channels, t("alerts-valid-step-channels"));
                    continue;
                }
                if escalation.last().is_some_and(|last| last.after_s >= after_s) {
                    errors.add(&field_after, t("alerts-valid-step-order"));
                    continue;
                }
                escalation.push(EscalationStep {
                    after_s,
                    channel_ids: picked,
                });
            }
            errors.into_result()?;
            Ok(RuleSpec {
                name: name.to_owned(),
                description: description.to_owned(),
                metric: metric.to_owned(),
                series_filter,
                per_series: checked(self.per_series),
                aggregation,
                comparison,
                threshold,
                window_s,
                pending_s,
                severity,
                labels,
                group_by,
                channel_ids,
                cooldown_s,
                no_data,
                escalation,
                enabled: checked(self.enabled),
            })
        }
    }

    /// Metric names of the transaction's tenant, and which of the channels `form` names are
    /// the tenant's, for checking the form.
    pub async fn known(
        tx: &mut TenantTx,
        form: &RuleForm<'_>,
    ) -> Result<(BTreeSet<String>, BTreeSet<ChannelId>), AppError> {
        let metrics = crate::analytics::db::select_metrics(tx).await?;
        let named: Vec<ChannelId> = form
            .steps
            .iter()
            .flat_map(|(_, channels)| channels.iter())
            .chain(form.channels)
            .filter_map(|raw| raw.trim().parse().ok())
            .collect();
        let channels = crate::notifications::db::select_channels_by_id(tx, &named).await?;
        Ok((
            metrics.into_iter().map(|m| m.name).collect(),
            channels.into_iter().map(|c| c.channel_id).collect(),
        ))
    }

    /// A unique-name violation becomes a message next to the name field.
    pub fn name_taken(error: sqlx::Error) -> AppError {
        match &error {
            sqlx::Error::Database(db) if db.constraint() == Some("alert_rules_name_key") => {
                AppError::field("name", t("alerts-name-taken"))
            }
            _ => AppError::from(error),
        }
    }
}

/// The alerts page: counts per tab (resolved: the last 7 days) and one page of the tab's
/// alerts, placed by the cursors `after`/`before` and the page's number from its URL.
#[server]
pub async fn get_alerts_page(
    #[server(default)] tab: String,
    #[server(default)] after: String,
    #[server(default)] before: String,
    #[server(default)] page: u32,
) -> Result<AlertsPageData, AppError> {
    use super::types::AlertTab;
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    let tab = AlertTab::parse(&tab);
    let now = chrono::Utc::now();
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let (by_state, resolved) = super::db::count_alerts(&mut tx, now - chrono::Duration::days(7)).await?;
    let (after, before) = crate::paging::cursor_args(&after, &before);
    let mut alerts = super::db::select_alerts(&mut tx, tab, [after.as_deref(), before.as_deref()], page).await?;
    let silences = super::db::select_silences(&mut tx, now).await?;
    tx.commit().await?;
    for alert in &mut alerts.items {
        alert.silenced = alert.state.is_open()
            && super::silence::silenced_by(&silences, alert.rule_id, &alert.labels, now).is_some();
    }
    let count = |tab: AlertTab| -> crate::paging::Total {
        if tab == AlertTab::Resolved {
            return resolved;
        }
        let open: i64 = by_state
            .iter()
            .filter(|(state, _)| tab.states().contains(state))
            .map(|(_, n)| n)
            .sum();
        crate::paging::Total::Exact(u64::try_from(open).unwrap_or(0))
    };
    Ok(AlertsPageData {
        tab,
        counts: AlertTab::ALL.iter().map(|t| (*t, count(*t))).collect(),
        alerts,
        can_acknowledge: context.check(Permission::AlertsAcknowledge).is_ok(),
        can_resolve: context.check(Permission::AlertsResolve).is_ok(),
        as_of: now,
    })
}

/// One alert with its rule, history, escalation status, deliveries and the chart around it.
#[server]
pub async fn get_alert_detail(alert_id: AlertId) -> Result<AlertDetail, AppError> {
    use super::types::{AlertState, EscalationStatus};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    let now = chrono::Utc::now();
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let mut alert = super::db::select_alert(&mut tx, alert_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rule = super::db::select_rule(&mut tx, alert.rule_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = super::db::select_events(&mut tx, alert_id).await?;
    let deliveries = crate::notifications::db::select_deliveries_for_source(&mut tx, alert_id.0).await?;
    let silences = super::db::select_silences(&mut tx, now).await?;
    alert.silenced =
        alert.state.is_open() && super::silence::silenced_by(&silences, alert.rule_id, &alert.labels, now).is_some();
    // The metric from an hour before the alert started to an hour after it ended (or now).
    let from = alert.started_at - chrono::Duration::hours(1);
    let to = alert
        .resolved_at
        .map_or(now, |end| (end + chrono::Duration::hours(1)).min(now));
    let mut labels: Vec<String> = rule
        .spec
        .series_filter
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if rule.spec.per_series {
        labels = alert
            .labels
            .iter()
            .filter(|(k, _)| !rule.spec.labels.contains_key(*k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
    }
    let args = crate::analytics::types::PanelArgs {
        metric: rule.spec.metric.clone(),
        range: "custom".to_owned(),
        from: from.to_rfc3339(),
        to: to.to_rfc3339(),
        bucket: "minute".to_owned(),
        labels: labels.join(","),
    };
    let panel = crate::analytics::api::server::load_panel(&mut tx, &args, now)
        .await
        .ok();
    tx.commit().await?;
    let mut steps = rule.spec.escalation.clone();
    steps.sort_by_key(|s| s.after_s);
    let taken = usize::try_from(alert.escalation_step).unwrap_or(0);
    let escalation = if steps.is_empty() {
        EscalationStatus::None
    } else if matches!(alert.state, AlertState::Acknowledged | AlertState::Resolved) && taken < steps.len() {
        EscalationStatus::Stopped { by: alert.state }
    } else if taken >= steps.len() {
        EscalationStatus::Exhausted
    } else {
        let base = alert.fired_at.unwrap_or(alert.started_at);
        EscalationStatus::Next {
            step: taken + 1,
            at: base + chrono::Duration::seconds(steps[taken].after_s),
        }
    };
    Ok(AlertDetail {
        alert,
        rule,
        history,
        escalation,
        deliveries,
        panel,
        can_acknowledge: context.check(Permission::AlertsAcknowledge).is_ok(),
        can_resolve: context.check(Permission::AlertsResolve).is_ok(),
    })
}

#[cfg(feature = "ssr")]
async fn act_on_alert(alert_id: AlertId, comment: String, action: super::lifecycle::Manual) -> Result<(), AppError> {
    use super::lifecycle::Manual;
    use crate::auth::types::Principal;
    use crate::permissions::types::Permission;
    let permission = match action {
        Manual::Acknowledge => Permission::AlertsAcknowledge,
        Manual::Resolve => Permission::AlertsResolve,
    };
    let context = crate::auth::context::require(permission).await?;
    let by = super::actions::ActingUser {
        user_id: match &context.principal {
            Principal::Tenant { user_id, .. } => Some(*user_id),
            Principal::Platform { .. } => None,
        },
        name: context.principal.name(),
    };
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    super::actions::act_on_alert(
        &mut tx,
        &context.actor(),
        &by,
        alert_id,
        &comment,
        action,
        chrono::Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Acknowledges a firing (or no-data / error) alert: escalation stops; an optional comment goes
/// into its history.
#[server]
pub async fn acknowledge_alert(alert_id: AlertId, #[server(default)] comment: String) -> Result<(), AppError> {
    act_on_alert(alert_id, comment, super::lifecycle::Manual::Acknowledge).await
}

/// Resolves an open alert by hand. If the condition still holds, the evaluator opens a new one.
#[server]
pub async fn resolve_alert(alert_id: AlertId, #[server(default)] comment: String) -> Result<(), AppError> {
    act_on_alert(alert_id, comment, super::lifecycle::Manual::Resolve).await
}

/// The rules with their open alerts.
#[server]
pub async fn get_rules_page() -> Result<RulesPageData, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let rules = super::db::select_rules(&mut tx, false).await?;
    let counts = super::db::select_open_counts(&mut tx).await?;
    tx.commit().await?;
    let last_evaluated_at = rules.iter().filter_map(|r| r.last_evaluated_at).max();
    let rules = rules
        .into_iter()
        .map(|rule| RuleRow {
            open: counts
                .iter()
                .filter(|(id, _, _)| *id == rule.rule_id)
                .map(|(_, state, n)| (*state, *n))
                .collect(),
            rule,
        })
        .collect();
    Ok(RulesPageData {
        rules,
        can_manage: context.check(Permission::AlertsManageRules).is_ok(),
        last_evaluated_at,
    })
}

/// The rule editor's data: the rule (`None` for a new one), metric names and channels.
#[server]
pub async fn get_rule_form(rule_id: Option<AlertRuleId>) -> Result<RuleFormData, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let rule = match rule_id {
        Some(id) => Some(super::db::select_rule(&mut tx, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let metrics = crate::analytics::db::select_metrics(&mut tx).await?;
    // The first channels by name, then any the rule names beyond them; a tenant with more
    // searches for the rest.
    use crate::notifications::db::{CHANNEL_CHOICES, select_channel_choices, select_channels_by_id};
    let mut channels = select_channel_choices(&mut tx, "", CHANNEL_CHOICES + 1).await?;
    let more_channels = channels.len() > CHANNEL_CHOICES as usize;
    channels.truncate(CHANNEL_CHOICES as usize);
    if let Some(rule) = &rule {
        let named: Vec<_> = rule
            .spec
            .escalation
            .iter()
            .flat_map(|step| step.channel_ids.iter().copied())
            .chain(rule.spec.channel_ids.iter().copied())
            .filter(|id| !channels.iter().any(|c| c.channel_id == *id))
            .collect();
        channels.extend(select_channels_by_id(&mut tx, &named).await?);
    }
    tx.commit().await?;
    Ok(RuleFormData {
        rule,
        metrics: metrics.into_iter().map(|m| m.name).collect(),
        channels,
        more_channels,
    })
}

/// Saves the rule form (`intent=save`, the default; `rule_id` empty for a new rule) or replays it
/// over the last 24 hours (`intent=test`) without saving. Escalation steps are `stepN_after`
/// (a duration) with `stepN_channels[i]`.
#[server]
pub async fn save_rule(
    #[server(default)] intent: String,
    #[server(default)] rule_id: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] metric: String,
    #[server(default)] series_filter: String,
    #[server(default)] per_series: String,
    #[server(default)] aggregation: String,
    #[server(default)] comparison: String,
    #[server(default)] threshold: String,
    #[server(default)] window: String,
    #[server(default)] pending: String,
    #[server(default)] severity: String,
    #[server(default)] labels: String,
    #[server(default)] group_by: String,
    #[server(default)] channels: Vec<String>,
    #[server(default)] cooldown: String,
    #[server(default)] no_data: String,
    #[server(default)] step1_after: String,
    #[server(default)] step1_channels: Vec<String>,
    #[server(default)] step2_after: String,
    #[server(default)] step2_channels: Vec<String>,
    #[server(default)] step3_after: String,
    #[server(default)] step3_channels: Vec<String>,
    #[server(default)] enabled: String,
) -> Result<RuleFormOutcome, AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    use crate::plans::types::{Feature, Limit};
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let form = server::RuleForm {
        name: &name,
        description: &description,
        metric: &metric,
        series_filter: &series_filter,
        per_series: &per_series,
        aggregation: &aggregation,
        comparison: &comparison,
        threshold: &threshold,
        window: &window,
        pending: &pending,
        severity: &severity,
        labels: &labels,
        group_by: &group_by,
        channels: &channels,
        cooldown: &cooldown,
        no_data: &no_data,
        steps: [
            (&step1_after, &step1_channels),
            (&step2_after, &step2_channels),
            (&step3_after, &step3_channels),
        ],
        enabled: &enabled,
    };
    let existing = match rule_id.trim() {
        "" => None,
        text => Some(text.parse::<AlertRuleId>().map_err(|_| AppError::NotFound)?),
    };
    let now = chrono::Utc::now();
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let before = match existing {
        Some(id) => Some(super::db::select_rule(&mut tx, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let (mut metrics, channel_ids) = server::known(&mut tx, &form).await?;
    // A rule may keep a metric that has no points yet (the default rules): only a change of
    // metric has to name an existing one.
    if let Some(rule) = &before {
        metrics.insert(rule.spec.metric.clone());
    }
    let spec = form.parse(&metrics, &channel_ids)?;
    // The plan: anomaly rules and escalation are features, and a new rule counts against the
    // rule limit (counted under the tenant's lock, so two saves cannot both take the last one).
    let (entitled, place) = match before {
        Some(_) => (crate::plans::service::entitlements(&mut tx).await?, None),
        None if intent != "test" => {
            let entitled = crate::plans::service::lock(&mut tx, Limit::AlertRules).await?;
            let rules = super::db::count_rules(&mut tx).await?;
            let place = crate::plans::service::room_for(&entitled, Limit::AlertRules, rules, 1)?;
            (entitled, Some(place))
        }
        None => (crate::plans::service::entitlements(&mut tx).await?, None),
    };
    if spec.comparison == super::types::Comparison::Anomaly {
        crate::plans::service::feature_on(&entitled, Feature::AnomalyDetection)?;
    }
    if !spec.escalation.is_empty() {
        crate::plans::service::feature_on(&entitled, Feature::Escalation)?;
    }
    if intent == "test" {
        // A backtest replays a day of rollups through the evaluator.
        crate::limits::check_expensive(&context.principal, crate::limits::Expensive::RuleBacktest)?;
        let tested = super::evaluate::backtest(&mut tx, &spec, chrono::Duration::hours(24), now).await?;
        tx.commit().await?;
        return Ok(RuleFormOutcome::Tested(tested));
    }
    let (rule_id, before) = match before {
        Some(before) => {
            let id = before.rule_id;
            super::db::update_rule(&mut tx, id, &spec, now)
                .await
                .map_err(server::name_taken)?;
            (id, server::json(&before.spec))
        }
        None => (
            super::db::insert_rule(&mut tx, &spec, now)
                .await
                .map_err(server::name_taken)?,
            None,
        ),
    };
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: if before.is_some() {
            "alert_rule.update"
        } else {
            "alert_rule.create"
        },
        entity_type: "alert_rule",
        entity_id: Some(rule_id.to_string()),
        before,
        after: server::json(&spec),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    if let Some(place) = place {
        place.taken(&mut tx).await?;
    }
    tx.commit().await?;
    leptos_axum::redirect("/alerts/rules");
    Ok(RuleFormOutcome::Saved(rule_id))
}

/// Turns a rule on or off.
#[server]
pub async fn set_rule_enabled(rule_id: AlertRuleId, enabled: bool) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let rule = super::db::select_rule(&mut tx, rule_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut spec = rule.spec.clone();
    spec.enabled = enabled;
    super::db::update_rule(&mut tx, rule_id, &spec, chrono::Utc::now()).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: if enabled {
            "alert_rule.enable"
        } else {
            "alert_rule.disable"
        },
        entity_type: "alert_rule",
        entity_id: Some(rule_id.to_string()),
        before: Some(serde_json::json!({ "enabled": rule.spec.enabled })),
        after: Some(serde_json::json!({ "enabled": enabled })),
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a rule with its alerts and history.
#[server]
pub async fn delete_rule(rule_id: AlertRuleId) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let rule = super::db::select_rule(&mut tx, rule_id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::db::delete_rule(&mut tx, rule_id).await?;
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "alert_rule.delete",
        entity_type: "alert_rule",
        entity_id: Some(rule_id.to_string()),
        before: server::json(&rule.spec),
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// Active and scheduled silences plus those ended in the last 7 days.
#[server]
pub async fn get_silences_page() -> Result<SilencesPageData, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    let now = chrono::Utc::now();
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let silences = super::db::select_silences(&mut tx, now - chrono::Duration::days(7)).await?;
    let rules = super::db::select_rules(&mut tx, false).await?;
    tx.commit().await?;
    Ok(SilencesPageData {
        silences,
        rules: rules.into_iter().map(|r| (r.rule_id, r.spec.name)).collect(),
        can_manage: context.check(Permission::AlertsManageRules).is_ok(),
    })
}

/// Creates a silence: a rule and/or label matchers (`env=prod, host=~web-.*`), starting now or
/// at `starts_at` (RFC 3339 or `YYYY-MM-DDTHH:MM`, UTC), lasting `duration` (`2h`), with a comment.
#[server]
pub async fn create_silence(
    #[server(default)] rule_id: String,
    #[server(default)] matchers: String,
    #[server(default)] starts_at: String,
    #[server(default)] duration: String,
    #[server(default)] comment: String,
) -> Result<SilenceId, AppError> {
    use super::db::NewSilence;
    use crate::auth::types::Principal;
    use crate::error::FieldErrors;
    use crate::i18n::{t, t_args};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let now = chrono::Utc::now();
    let mut errors = FieldErrors::new();
    let parsed_matchers = super::silence::parse_matchers(&matchers).unwrap_or_else(|bad| {
        errors.add("matchers", t_args("alerts-valid-matcher", &[("part", &bad)]));
        Vec::new()
    });
    let rule = match rule_id.trim() {
        "" => None,
        text => match text.parse::<AlertRuleId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("rule_id", t("alerts-valid-rule"));
                None
            }
        },
    };
    if rule.is_none() && parsed_matchers.is_empty() && errors.get("matchers").is_none() {
        errors.add("matchers", t("alerts-silence-target"));
    }
    let starts = match starts_at.trim() {
        "" => now,
        text => chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&chrono::Utc))
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map(|t| t.and_utc()))
            .unwrap_or_else(|_| {
                errors.add("starts_at", t("alerts-valid-starts"));
                now
            }),
    };
    let length = super::types::parse_duration(&duration)
        .filter(|s| (60..=90 * 86_400).contains(s))
        .unwrap_or_else(|| {
            errors.add("duration", t("alerts-valid-silence-duration"));
            3600
        });
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > 500 {
        errors.add("comment", t("alerts-valid-silence-comment"));
    }
    errors.into_result()?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    if let Some(id) = rule
        && super::db::select_rule(&mut tx, id).await?.is_none()
    {
        return Err(AppError::field("rule_id", t("alerts-valid-rule")));
    }
    let created_by = match &context.principal {
        Principal::Tenant { user_id, .. } => Some(*user_id),
        Principal::Platform { .. } => None,
    };
    let silence = NewSilence {
        rule_id: rule,
        matchers: &parsed_matchers,
        starts_at: starts,
        ends_at: starts + chrono::Duration::seconds(length),
        comment,
        created_by,
        created_by_name: context.principal.name(),
    };
    let silence_id = super::actions::create_silence(&mut tx, &context.actor(), &silence).await?;
    tx.commit().await?;
    Ok(silence_id)
}

/// Ends a silence now.
#[server]
pub async fn end_silence(silence_id: SilenceId) -> Result<(), AppError> {
    use crate::audit::db::{AuditEvent, insert_audit_event};
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsManageRules).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    if !super::db::end_silence(&mut tx, silence_id, chrono::Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    let event = AuditEvent {
        tenant_id: Some(tx.tenant_id()),
        action: "silence.end",
        entity_type: "silence",
        entity_id: Some(silence_id.to_string()),
        before: None,
        after: None,
    };
    insert_audit_event(&mut tx, &context.actor(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// Firing alerts per severity (the dashboard's alert figure).
#[server]
pub async fn get_firing_counts() -> Result<FiringCounts, AppError> {
    use crate::permissions::types::Permission;
    let context = crate::auth::context::require(Permission::AlertsRead).await?;
    let mut tx = context.tenant_tx(crate::auth::context::TenantScope::Own).await?;
    let by_severity = super::db::count_firing_by_severity(&mut tx).await?;
    tx.commit().await?;
    Ok(FiringCounts { by_severity })
}
