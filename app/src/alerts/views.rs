//! Alert, rule and silence pages: the alerts list with state tabs (updated live over `/ws`), an
//! alert's detail (chart around the firing time, history timeline, escalation, deliveries), the
//! rules list and editor (with a replay over the last 24 hours), silences, and the dashboard's
//! firing-alerts card.

use super::api::{
    AcknowledgeAlert, CreateSilence, DeleteRule, EndSilence, ResolveAlert, RuleFormOutcome, RulesPageData, SaveRule,
    SetRuleEnabled, get_alert_detail, get_alerts_page, get_firing_counts, get_rule_form, get_rules_page,
    get_silences_page,
};
use super::lifecycle::Manual;
use super::types::{
    Aggregation, AlertDetail, AlertEvent, AlertEventKind, AlertState, AlertSummary, AlertTab, Backtest, Comparison,
    EscalationStatus, NoDataPolicy, Rule, RuleFormData, RuleRow, Severity, Silence, format_duration, format_label_set,
    format_number,
};
use crate::components::chart::Chart;
use crate::components::error_view::ErrorView;
use crate::components::form::{FormAlert, SelectField, TextField};
use crate::components::hooks::use_can;
use crate::components::page_title::PageTitle;
use crate::error::AppError;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::ids::{AlertId, AlertRuleId};
use crate::permissions::types::Permission;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

fn severity_label(severity: Severity) -> String {
    t(&severity.label_key())
}

fn state_label(state: AlertState) -> String {
    t(&format!("alert-state-{}", state.as_str()))
}

/// Severity as text inside a coloured badge: colour never carries the meaning alone.
#[component]
fn SeverityBadge(severity: Severity) -> impl IntoView {
    view! { <span class=format!("badge severity {}", severity.as_str())>{severity_label(severity)}</span> }
}

#[component]
fn StateBadge(state: AlertState) -> impl IntoView {
    view! { <span class=format!("badge state {}", state.as_str()) data-testid="alert-state">{state_label(state)}</span> }
}

/// The alerting area's own navigation.
#[component]
fn AlertsNav() -> impl IntoView {
    let can_channels = use_can(Permission::NotificationsManageChannels);
    view! {
        <nav class="tabs" aria-label=t("alerts-nav")>
            <A href="/alerts" exact=true>{t("alerts-nav-alerts")}</A>
            <A href="/alerts/rules">{t("alerts-nav-rules")}</A>
            <A href="/alerts/silences">{t("alerts-nav-silences")}</A>
            {move || can_channels.get().then(|| view! { <A href="/alerts/channels">{t("alerts-nav-channels")}</A> })}
        </nav>
    }
}

/// Refetch counter bumped by every live alert change (and by reconnects, which may have missed
/// some), read in the source of the pages' resources.
fn follow_alert_changes() -> Signal<(u64, u64)> {
    use crate::live::client::use_live;
    use crate::live::types::LiveEvent;
    let live = use_live();
    let changes = RwSignal::new(0u64);
    live.subscribe(None, Vec::new());
    live.on_event(move |event| {
        if matches!(event, LiveEvent::AlertChanged { .. }) {
            changes.update(|n| *n += 1);
        }
    });
    let resumed = live.resumed();
    Signal::derive(move || (changes.get(), resumed.get()))
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let params = use_query_map();
    let tab = Memo::new(move |_| AlertTab::parse(&params.read().get("tab").unwrap_or_default()));
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    let resolve = ServerAction::<ResolveAlert>::new();
    let live = follow_alert_changes();
    let data = Resource::new(
        move || {
            (
                tab.get(),
                live.get(),
                acknowledge.version().get(),
                resolve.version().get(),
            )
        },
        |(tab, ..)| get_alerts_page(tab.as_param().to_owned()),
    );
    let acting: RwSignal<Option<(Manual, AlertSummary)>> = RwSignal::new(None);
    view! {
        <PageTitle text=t("alerts-title") />
        <header class="page-header">
            <h1>{t("alerts-title")}</h1>
            <div class="actions"><crate::live::client::LiveIndicator /></div>
        </header>
        <AlertsNav />
        <ActionPanel acting acknowledge resolve />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => view! { <AlertList page acting /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AlertList(page: super::types::AlertsPageData, acting: RwSignal<Option<(Manual, AlertSummary)>>) -> impl IntoView {
    let current = page.tab;
    let (can_ack, can_resolve) = (page.can_acknowledge, page.can_resolve);
    view! {
        <nav class="tabs state-tabs" aria-label=t("alerts-states")>
            {page.counts.iter().map(|(tab, count)| {
                let label = t(&format!("alerts-tab-{}", tab.as_param()));
                let is_current = *tab == current;
                view! {
                    <a href=format!("/alerts?tab={}", tab.as_param()) aria-current=is_current.then_some("page")>
                        {label} " " <span class="count" data-testid=format!("count-{}", tab.as_param())>{*count}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
        {if page.alerts.is_empty() {
            view! { <p class="card muted empty">{t(&format!("alerts-none-{}", current.as_param()))}</p> }.into_any()
        } else {
            view! {
                <table class="data alerts" aria-label=t(&format!("alerts-tab-{}", current.as_param()))>
                    <thead><tr>
                        <th scope="col">{t("alerts-severity")}</th>
                        <th scope="col">{t("alerts-alert")}</th>
                        <th scope="col">{t("alerts-state")}</th>
                        <th scope="col">{t("alerts-value")}</th>
                        <th scope="col">{t("alerts-since")}</th>
                        <th scope="col"><span class="visually-hidden">{t("alerts-actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {page.alerts.into_iter().map(|alert| view! { <AlertRowView alert can_ack can_resolve acting /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn AlertRowView(
    alert: AlertSummary,
    can_ack: bool,
    can_resolve: bool,
    acting: RwSignal<Option<(Manual, AlertSummary)>>,
) -> impl IntoView {
    let ackable = can_ack && super::lifecycle::manual(alert.state, Manual::Acknowledge).is_some();
    let resolvable = can_resolve && super::lifecycle::manual(alert.state, Manual::Resolve).is_some();
    let since = alert.resolved_at.or(alert.fired_at).unwrap_or(alert.started_at);
    let for_ack = alert.clone();
    let for_resolve = alert.clone();
    let ack_label = t_args("alerts-acknowledge-named", &[("name", &alert.rule_name)]);
    let resolve_label = t_args("alerts-resolve-named", &[("name", &alert.rule_name)]);
    view! {
        <tr class=format!("alert-row {}", alert.severity.as_str()) data-alert-id=alert.alert_id.to_string()>
            <td><SeverityBadge severity=alert.severity /></td>
            <td>
                <A href=format!("/alerts/{}", alert.alert_id)>{alert.rule_name.clone()}</A>
                {(!alert.labels.is_empty()).then(|| view! {
                    <ul class="chips">{alert.labels.iter().map(|(k, v)| view! { <li>{format!("{k}={v}")}</li> }).collect_view()}</ul>
                })}
                <div class="muted small">{alert.reason.clone()}</div>
            </td>
            <td>
                <StateBadge state=alert.state />
                {alert.silenced.then(|| view! { <span class="badge silenced">{t("alerts-silenced")}</span> })}
            </td>
            <td class="numeric">{alert.value.map(format_number).unwrap_or_else(|| "–".to_owned())}</td>
            <td>{format_time(since)}</td>
            <td><div class="row-actions">
                {ackable.then(|| view! {
                    <button type="button" class="button" aria-label=ack_label
                        on:click=move |_| acting.set(Some((Manual::Acknowledge, for_ack.clone())))>{t("alerts-acknowledge")}</button>
                })}
                {resolvable.then(|| view! {
                    <button type="button" class="button" aria-label=resolve_label
                        on:click=move |_| acting.set(Some((Manual::Resolve, for_resolve.clone())))>{t("alerts-resolve")}</button>
                })}
            </div></td>
        </tr>
    }
}

/// The acknowledge/resolve form for the alert a row's button chose, with an optional comment.
#[component]
fn ActionPanel(
    acting: RwSignal<Option<(Manual, AlertSummary)>>,
    acknowledge: ServerAction<AcknowledgeAlert>,
    resolve: ServerAction<ResolveAlert>,
) -> impl IntoView {
    Effect::new(move |_| {
        if matches!(acknowledge.value().get(), Some(Ok(()))) || matches!(resolve.value().get(), Some(Ok(()))) {
            acting.set(None);
        }
    });
    move || {
        acting.get().map(|(action, alert)| {
            let heading = match action {
                Manual::Acknowledge => t_args("alerts-acknowledge-heading", &[("name", &alert.rule_name)]),
                Manual::Resolve => t_args("alerts-resolve-heading", &[("name", &alert.rule_name)]),
            };
            let id = alert.alert_id.to_string();
            let fields = view! {
                <h2 id="alert-action-heading">{heading}</h2>
                <input type="hidden" name="alert_id" value=id />
                <div class="field">
                    <label for="alert-comment">{t("alerts-comment")}</label>
                    <textarea id="alert-comment" name="comment" rows="2" maxlength="500"></textarea>
                </div>
            };
            let cancel = move |_| acting.set(None);
            match action {
                Manual::Acknowledge => {
                    let error = Signal::derive(move || acknowledge.value().get().and_then(Result::err));
                    view! {
                        <section class="card form alert-action" aria-labelledby="alert-action-heading">
                            <ActionForm action=acknowledge>
                                {fields}
                                <FormAlert error />
                                <div class="actions">
                                    <button type="submit" class="button primary" disabled=move || acknowledge.pending().get()>{t("alerts-acknowledge-confirm")}</button>
                                    <button type="button" class="button" on:click=cancel>{t("action-cancel")}</button>
                                </div>
                            </ActionForm>
                        </section>
                    }.into_any()
                }
                Manual::Resolve => {
                    let error = Signal::derive(move || resolve.value().get().and_then(Result::err));
                    view! {
                        <section class="card form alert-action" aria-labelledby="alert-action-heading">
                            <ActionForm action=resolve>
                                {fields}
                                <FormAlert error />
                                <div class="actions">
                                    <button type="submit" class="button primary" disabled=move || resolve.pending().get()>{t("alerts-resolve-confirm")}</button>
                                    <button type="button" class="button" on:click=cancel>{t("action-cancel")}</button>
                                </div>
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            }
        })
    }
}

#[component]
pub fn AlertDetailPage() -> impl IntoView {
    let params = use_params_map();
    let alert_id = Memo::new(move |_| params.read().get("alert_id").and_then(|id| id.parse::<AlertId>().ok()));
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    let resolve = ServerAction::<ResolveAlert>::new();
    let live = follow_alert_changes();
    let data = Resource::new(
        move || {
            (
                alert_id.get(),
                live.get(),
                acknowledge.version().get(),
                resolve.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_alert_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let acting: RwSignal<Option<(Manual, AlertSummary)>> = RwSignal::new(None);
    view! {
        <PageTitle text=t("alert-detail-title") />
        <AlertsNav />
        <ActionPanel acting acknowledge resolve />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(detail) => view! { <AlertDetailView detail acting /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AlertDetailView(detail: AlertDetail, acting: RwSignal<Option<(Manual, AlertSummary)>>) -> impl IntoView {
    let AlertDetail {
        alert,
        rule,
        history,
        escalation,
        deliveries,
        panel,
        can_acknowledge,
        can_resolve,
    } = detail;
    let ackable = can_acknowledge && super::lifecycle::manual(alert.state, Manual::Acknowledge).is_some();
    let resolvable = can_resolve && super::lifecycle::manual(alert.state, Manual::Resolve).is_some();
    let (for_ack, for_resolve) = (alert.clone(), alert.clone());
    view! {
        <header class="page-header">
            <h1>{rule.spec.name.clone()}</h1>
            <div class="actions">
                <crate::live::client::LiveIndicator />
                {ackable.then(|| view! {
                    <button type="button" class="button primary" on:click=move |_| acting.set(Some((Manual::Acknowledge, for_ack.clone())))>{t("alerts-acknowledge")}</button>
                })}
                {resolvable.then(|| view! {
                    <button type="button" class="button" on:click=move |_| acting.set(Some((Manual::Resolve, for_resolve.clone())))>{t("alerts-resolve")}</button>
                })}
            </div>
        </header>
        <section class="card" aria-label=t("alert-summary")>
            <dl class="facts">
                <div><dt>{t("alerts-state")}</dt><dd><StateBadge state=alert.state />
                    {alert.silenced.then(|| view! { <span class="badge silenced">{t("alerts-silenced")}</span> })}</dd></div>
                <div><dt>{t("alerts-severity")}</dt><dd><SeverityBadge severity=alert.severity /></dd></div>
                <div><dt>{t("alerts-condition")}</dt><dd>{rule.spec.condition_text()}</dd></div>
                <div><dt>{t("alerts-value")}</dt><dd>{alert.value.map(format_number).unwrap_or_else(|| "–".to_owned())}</dd></div>
                <div><dt>{t("alerts-reason")}</dt><dd>{alert.reason.clone()}</dd></div>
                <div><dt>{t("alerts-labels")}</dt><dd>{if alert.labels.is_empty() { t("alerts-no-labels") } else { format_label_set(&alert.labels) }}</dd></div>
                <div><dt>{t("alerts-started")}</dt><dd>{format_time(alert.started_at)}</dd></div>
                {alert.fired_at.map(|at| view! { <div><dt>{t("alerts-fired")}</dt><dd>{format_time(at)}</dd></div> })}
                {alert.acknowledged_at.map(|at| view! { <div><dt>{t("alerts-acknowledged")}</dt><dd>{format_time(at)}</dd></div> })}
                {alert.resolved_at.map(|at| view! { <div><dt>{t("alerts-resolved")}</dt><dd>{format_time(at)}</dd></div> })}
                <div><dt>{t("alerts-escalation")}</dt><dd data-testid="escalation-status">{escalation_text(&escalation)}</dd></div>
            </dl>
        </section>
        {panel.map(|panel| {
            let stat = stat_for(rule.spec.aggregation);
            let chart = Signal::stored(crate::analytics::chart::build(&panel, &[stat]));
            let threshold = rule.spec.threshold.map(format_number).unwrap_or_else(|| t("alerts-anomaly"));
            let label = Signal::stored(t_args("alert-chart-label", &[("metric", &panel.metric.name), ("threshold", &threshold)]));
            view! {
                <section class="card panel" aria-labelledby="alert-chart-heading">
                    <h2 id="alert-chart-heading">{t_args("alert-chart-heading", &[("metric", &panel.metric.name)])}</h2>
                    <p class="muted small">{t_args("alert-chart-threshold", &[("threshold", &threshold)])}</p>
                    <Chart id="alert-chart".to_owned() label chart height=280 />
                </section>
            }
        })}
        <section class="card" aria-labelledby="alert-history-heading">
            <h2 id="alert-history-heading">{t("alert-history")}</h2>
            <ol class="timeline" data-testid="alert-history">
                {history.into_iter().map(|event| view! { <HistoryLine event /> }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="alert-deliveries-heading">
            <h2 id="alert-deliveries-heading">{t("alert-deliveries")}</h2>
            <crate::notifications::views::DeliveryTable deliveries />
        </section>
        <p><A href=format!("/alerts/rules/{}", rule.rule_id)>{t("alert-edit-rule")}</A></p>
    }
}

fn stat_for(aggregation: Aggregation) -> crate::analytics::types::Stat {
    use crate::analytics::types::Stat;
    match aggregation {
        Aggregation::Avg | Aggregation::Sum => Stat::Avg,
        Aggregation::Min => Stat::Min,
        Aggregation::Max => Stat::Max,
        Aggregation::Count => Stat::Count,
        Aggregation::Rate => Stat::Rate,
        Aggregation::P50 => Stat::P50,
        Aggregation::P95 => Stat::P95,
        Aggregation::P99 => Stat::P99,
    }
}

fn escalation_text(status: &EscalationStatus) -> String {
    match status {
        EscalationStatus::None => t("escalation-none"),
        EscalationStatus::Next { step, at } => t_args(
            "escalation-next",
            &[("step", &step.to_string()), ("time", &format_time(*at))],
        ),
        EscalationStatus::Exhausted => t("escalation-exhausted"),
        EscalationStatus::Stopped { by } => t_args("escalation-stopped", &[("state", &state_label(*by))]),
    }
}

#[component]
fn HistoryLine(event: AlertEvent) -> impl IntoView {
    let what = match (event.kind, event.from_state, event.to_state) {
        (AlertEventKind::Transition, from, Some(to)) => match from {
            Some(from) => t_args(
                "history-moved",
                &[("from", &state_label(from)), ("to", &state_label(to))],
            ),
            None => t_args("history-opened", &[("to", &state_label(to))]),
        },
        (kind, _, _) => t(&format!("history-{}", kind.as_str())),
    };
    view! {
        <li class=format!("timeline-item {}", event.kind.as_str())>
            <time>{format_time(event.at)}</time>
            " " <strong>{what}</strong>
            " · " <span class="actor">{event.actor_name.clone()}</span>
            {(!event.reason.is_empty()).then(|| view! { <div class="reason">{event.reason.clone()}</div> })}
        </li>
    }
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let toggle = ServerAction::<SetRuleEnabled>::new();
    let delete = ServerAction::<DeleteRule>::new();
    let live = follow_alert_changes();
    let data = Resource::new(
        move || (live.get(), toggle.version().get(), delete.version().get()),
        |_| get_rules_page(),
    );
    let deleting: RwSignal<Option<Rule>> = RwSignal::new(None);
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            deleting.set(None);
        }
    });
    view! {
        <PageTitle text=t("rules-title") />
        <header class="page-header">
            <h1>{t("rules-title")}</h1>
            <div class="actions">
                {move || use_can(Permission::AlertsManageRules).get().then(|| view! {
                    <A href="/alerts/rules/new" attr:class="button primary">{t("rules-new")}</A>
                })}
            </div>
        </header>
        <AlertsNav />
        {move || deleting.get().map(|rule| {
            let id = rule.rule_id;
            view! {
                <section class="card danger-zone" aria-labelledby="delete-rule-heading">
                    <h2 id="delete-rule-heading">{t_args("rules-delete-heading", &[("name", &rule.spec.name)])}</h2>
                    <p>{t("rules-delete-warning")}</p>
                    <div class="actions">
                        <button type="button" class="button danger" disabled=move || delete.pending().get()
                            on:click=move |_| { delete.dispatch(DeleteRule { rule_id: id }); }>{t("rules-delete-confirm")}</button>
                        <button type="button" class="button" on:click=move |_| deleting.set(None)>{t("action-cancel")}</button>
                    </div>
                </section>
            }
        })}
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => view! { <RuleTable page toggle deleting /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RuleTable(
    page: RulesPageData,
    toggle: ServerAction<SetRuleEnabled>,
    deleting: RwSignal<Option<Rule>>,
) -> impl IntoView {
    let can_manage = page.can_manage;
    view! {
        <p class="muted small" data-testid="evaluator-status">
            {match page.last_evaluated_at {
                Some(at) => t_args("rules-last-evaluated", &[("time", &format_time(at))]),
                None => t("rules-never-evaluated"),
            }}
        </p>
        {if page.rules.is_empty() {
            view! { <p class="card muted">{t("rules-none")}</p> }.into_any()
        } else {
            view! {
                <table class="data rules" aria-label=t("rules-title")>
                    <thead><tr>
                        <th scope="col">{t("field-name")}</th>
                        <th scope="col">{t("alerts-condition")}</th>
                        <th scope="col">{t("alerts-severity")}</th>
                        <th scope="col">{t("rules-open")}</th>
                        <th scope="col">{t("rules-enabled")}</th>
                        <th scope="col"><span class="visually-hidden">{t("alerts-actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {page.rules.into_iter().map(|row| view! { <RuleLine row can_manage toggle deleting /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn RuleLine(
    row: RuleRow,
    can_manage: bool,
    toggle: ServerAction<SetRuleEnabled>,
    deleting: RwSignal<Option<Rule>>,
) -> impl IntoView {
    let RuleRow { rule, open } = row;
    let id = rule.rule_id;
    let enabled = rule.spec.enabled;
    let toggle_label = t_args("rules-enabled-named", &[("name", &rule.spec.name)]);
    let delete_label = t_args("rules-delete-named", &[("name", &rule.spec.name)]);
    let for_delete = rule.clone();
    let condition = rule.spec.condition_text();
    let name = rule.spec.name.clone();
    let open_text = if open.is_empty() {
        "–".to_owned()
    } else {
        open.iter()
            .map(|(state, n)| format!("{n} {}", state_label(*state)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <tr>
            <td>
                <A href=format!("/alerts/rules/{id}")>{name}</A>
                {(!rule.spec.description.is_empty()).then(|| view! { <div class="muted small">{rule.spec.description.clone()}</div> })}
            </td>
            <td>{condition}
                {(rule.spec.pending_s > 0).then(|| view! { <div class="muted small">{t_args("rules-for", &[("duration", &format_duration(rule.spec.pending_s))])}</div> })}
            </td>
            <td><SeverityBadge severity=rule.spec.severity /></td>
            <td>{open_text}</td>
            <td>
                <input type="checkbox" class="switch" aria-label=toggle_label checked=enabled disabled=!can_manage
                    on:change=move |ev| { toggle.dispatch(SetRuleEnabled { rule_id: id, enabled: event_target_checked(&ev) }); } />
            </td>
            <td><div class="row-actions">
                {can_manage.then(|| view! {
                    <button type="button" class="button danger-outline" aria-label=delete_label
                        on:click=move |_| deleting.set(Some(for_delete.clone()))>{t("action-delete")}</button>
                })}
            </div></td>
        </tr>
    }
}

#[component]
pub fn RuleEditPage() -> impl IntoView {
    let params = use_params_map();
    let rule_id = Memo::new(move |_| {
        params
            .read()
            .get("rule_id")
            .and_then(|id| id.parse::<AlertRuleId>().ok())
    });
    let data = Resource::new(move || rule_id.get(), get_rule_form);
    view! {
        <PageTitle text=t("rule-edit-title") />
        <AlertsNav />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(form) => view! { <RuleForm data=form /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter().map(|item| (value(*item).to_owned(), label(*item))).collect()
}

#[component]
fn RuleForm(data: RuleFormData) -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let tested = Signal::derive(move || match save.value().get() {
        Some(Ok(RuleFormOutcome::Tested(backtest))) => Some(backtest),
        _ => None,
    });
    let spec = data.rule.as_ref().map(|r| r.spec.clone());
    let heading = match &spec {
        Some(spec) => t_args("rule-edit-heading", &[("name", &spec.name)]),
        None => t("rule-new-heading"),
    };
    let mut metrics = data.metrics.clone();
    if let Some(spec) = &spec
        && !metrics.contains(&spec.metric)
    {
        metrics.insert(0, spec.metric.clone());
    }
    let metric_options: Vec<(String, String)> = metrics.iter().map(|m| (m.clone(), m.clone())).collect();
    let value = {
        let spec = spec.clone();
        move |f: &dyn Fn(&super::types::RuleSpec) -> String, default: &str| -> String {
            spec.as_ref().map_or_else(|| default.to_owned(), f)
        }
    };
    let steps: Vec<(String, Vec<crate::ids::ChannelId>)> = (0..3)
        .map(|i| {
            spec.as_ref()
                .and_then(|s| {
                    let mut sorted = s.escalation.clone();
                    sorted.sort_by_key(|step| step.after_s);
                    sorted.get(i).cloned()
                })
                .map_or((String::new(), Vec::new()), |step| {
                    (format_duration(step.after_s), step.channel_ids)
                })
        })
        .collect();
    let chosen = spec.as_ref().map(|s| s.channel_ids.clone()).unwrap_or_default();
    let channels = data.channels.clone();
    let no_metrics = data.metrics.is_empty() && spec.is_none();
    view! {
        <section aria-labelledby="rule-form-heading">
            <ActionForm action=save attr:class="card form wide rule-form">
                <h1 id="rule-form-heading">{heading}</h1>
                <FormAlert error />
                {no_metrics.then(|| view! { <p class="notice">{t("rule-no-metrics")}</p> })}
                <input type="hidden" name="rule_id" value=data.rule.as_ref().map(|r| r.rule_id.to_string()).unwrap_or_default() />
                <TextField name="name" label=t("field-name") error required=true value=value(&|s| s.name.clone(), "") />
                <TextField name="description" label=t("rule-description") error value=value(&|s| s.description.clone(), "") />
                <fieldset class="rule-condition">
                    <legend>{t("rule-condition")}</legend>
                    <SelectField name="metric" label=t("rule-metric") error options=metric_options selected=value(&|s| s.metric.clone(), "") />
                    <TextField name="series_filter" label=t("rule-series-filter") hint=t("rule-series-filter-hint") error value=value(&|s| format_label_set(&s.series_filter), "") />
                    <div class="field checkbox">
                        <input id="field-per_series" type="checkbox" name="per_series" value="on" checked=spec.as_ref().is_some_and(|s| s.per_series) />
                        <label for="field-per_series">{t("rule-per-series")}</label>
                    </div>
                    <SelectField name="aggregation" label=t("rule-aggregation") error
                        options=options(Aggregation::ALL, Aggregation::as_str, |a| t(&format!("aggregation-{}", a.as_str())))
                        selected=value(&|s| s.aggregation.as_str().to_owned(), "avg") />
                    <SelectField name="comparison" label=t("rule-comparison") error
                        options=options(Comparison::ALL, Comparison::as_str, |c| t(&format!("comparison-{}", c.as_str())))
                        selected=value(&|s| s.comparison.as_str().to_owned(), "gt") />
                    <TextField name="threshold" label=t("rule-threshold") hint=t("rule-threshold-hint") error value=value(&|s| s.threshold.map(format_number).unwrap_or_default(), "") />
                    <TextField name="window" label=t("rule-window") hint=t("rule-duration-hint") error value=value(&|s| format_duration(s.window_s), "5m") />
                    <TextField name="pending" label=t("rule-pending") hint=t("rule-pending-hint") error value=value(&|s| format_duration(s.pending_s), "0s") />
                    <SelectField name="no_data" label=t("rule-no-data") error
                        options=options(NoDataPolicy::ALL, NoDataPolicy::as_str, |p| t(&format!("no-data-{}", p.as_str())))
                        selected=value(&|s| s.no_data.as_str().to_owned(), "no_data") />
                </fieldset>
                <fieldset>
                    <legend>{t("rule-notify")}</legend>
                    <SelectField name="severity" label=t("alerts-severity") error
                        options=options(Severity::ALL, Severity::as_str, severity_label)
                        selected=value(&|s| s.severity.as_str().to_owned(), "high") />
                    <TextField name="labels" label=t("rule-labels") hint=t("rule-labels-hint") error value=value(&|s| format_label_set(&s.labels), "") />
                    <TextField name="group_by" label=t("rule-group-by") hint=t("rule-group-by-hint") error value=value(&|s| s.group_by.join(", "), "") />
                    <ChannelPicker legend=t("rule-channels") field="channels" channels=channels.clone() chosen error />
                    <TextField name="cooldown" label=t("rule-cooldown") hint=t("rule-cooldown-hint") error value=value(&|s| format_duration(s.cooldown_s), "0s") />
                </fieldset>
                <fieldset>
                    <legend>{t("rule-escalation")}</legend>
                    <p class="hint muted">{t("rule-escalation-hint")}</p>
                    {steps.into_iter().enumerate().map(|(index, (after, chosen))| {
                        let (after_name, channels_name): (&'static str, &'static str) = match index {
                            0 => ("step1_after", "step1_channels"),
                            1 => ("step2_after", "step2_channels"),
                            _ => ("step3_after", "step3_channels"),
                        };
                        let n = (index + 1).to_string();
                        view! {
                            <div class="escalation-step">
                                <TextField name=after_name label=t_args("rule-step-after", &[("step", &n)]) error value=after />
                                <ChannelPicker legend=t_args("rule-step-channels", &[("step", &n)]) field=channels_name channels=channels.clone() chosen error />
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field checkbox">
                    <input id="field-enabled" type="checkbox" name="enabled" value="on" checked=spec.as_ref().is_none_or(|s| s.enabled) />
                    <label for="field-enabled">{t("rules-enabled")}</label>
                </div>
                <div class="actions">
                    <button type="submit" name="intent" value="save" class="button primary" disabled=move || save.pending().get()>{t("rule-save")}</button>
                    <button type="submit" name="intent" value="test" class="button" disabled=move || save.pending().get()>{t("rule-test")}</button>
                    <A href="/alerts/rules" attr:class="button">{t("action-cancel")}</A>
                </div>
            </ActionForm>
            {move || tested.get().map(|backtest| view! { <BacktestResult backtest /> })}
        </section>
    }
}

/// Channel checkboxes named `field[i]`, with the field's error under them.
#[component]
fn ChannelPicker(
    legend: String,
    field: &'static str,
    channels: Vec<crate::notifications::types::ChannelSummary>,
    chosen: Vec<crate::ids::ChannelId>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_error(field)));
    let error_id = format!("field-{field}-error");
    let described_by = error_id.clone();
    view! {
        <fieldset class="scope-picker" class:invalid=move || message.get().is_some() aria-describedby=described_by>
            <legend>{legend}</legend>
            {if channels.is_empty() {
                view! { <p class="muted small">{t("rule-no-channels")} " " <A href="/alerts/channels">{t("alerts-nav-channels")}</A></p> }.into_any()
            } else {
                channels.into_iter().enumerate().map(|(index, channel)| {
                    let checked = chosen.contains(&channel.channel_id);
                    view! {
                        <label class="check-row">
                            <input type="checkbox" name=format!("{field}[{index}]") value=channel.channel_id.to_string() checked=checked />
                            " " {channel.name.clone()} " " <span class="muted small">{channel.kind.as_str()}</span>
                            {(!channel.enabled).then(|| view! { " " <span class="badge disabled">{t("channel-disabled")}</span> })}
                        </label>
                    }
                }).collect_view().into_any()
            }}
            <p class="field-error" id=error_id role="alert" hidden=move || message.get().is_none()>{move || message.get()}</p>
        </fieldset>
    }
}

#[component]
fn BacktestResult(backtest: Backtest) -> impl IntoView {
    let count = backtest.firings.len().to_string();
    view! {
        <section class="card backtest" aria-labelledby="backtest-heading" role="status">
            <h2 id="backtest-heading">{t("backtest-heading")}</h2>
            <p data-testid="backtest-summary">{t_args("backtest-summary", &[("count", &count)])}</p>
            <p class="muted small">{t_args("backtest-detail", &[
                ("evaluated", &backtest.evaluated.to_string()),
                ("peak", &backtest.peak.map(format_number).unwrap_or_else(|| "–".to_owned())),
                ("from", &format_time(backtest.from)),
            ])}</p>
            {(!backtest.firings.is_empty()).then(|| view! {
                <ul class="chips">{backtest.firings.iter().take(20).map(|at| view! { <li>{format_time(*at)}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

#[component]
pub fn SilencesPage() -> impl IntoView {
    let create = ServerAction::<CreateSilence>::new();
    let end = ServerAction::<EndSilence>::new();
    let data = Resource::new(
        move || (create.version().get(), end.version().get()),
        |_| get_silences_page(),
    );
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <PageTitle text=t("silences-title") />
        <header class="page-header"><h1>{t("silences-title")}</h1></header>
        <AlertsNav />
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(page) => {
                        let now = chrono::Utc::now();
                        let rule_options: Vec<(String, String)> = std::iter::once((String::new(), t("silences-any-rule")))
                            .chain(page.rules.iter().map(|(id, name)| (id.to_string(), name.clone())))
                            .collect();
                        view! {
                            {page.can_manage.then(|| view! {
                                <ActionForm action=create attr:class="card form">
                                    <h2>{t("silences-new")}</h2>
                                    <FormAlert error />
                                    <SelectField name="rule_id" label=t("silences-rule") error options=rule_options />
                                    <TextField name="matchers" label=t("silences-matchers") hint=t("silences-matchers-hint") error />
                                    <TextField name="starts_at" label=t("silences-starts") hint=t("silences-starts-hint") error input_type="datetime-local" />
                                    <TextField name="duration" label=t("silences-duration") hint=t("rule-duration-hint") error value="2h" />
                                    <TextField name="comment" label=t("silences-comment") error required=true />
                                    <div class="actions"><button type="submit" class="button primary" disabled=move || create.pending().get()>{t("silences-create")}</button></div>
                                </ActionForm>
                            })}
                            {if page.silences.is_empty() {
                                view! { <p class="card muted">{t("silences-none")}</p> }.into_any()
                            } else {
                                let can_manage = page.can_manage;
                                view! {
                                    <table class="data silences" aria-label=t("silences-title")>
                                        <thead><tr>
                                            <th scope="col">{t("field-status")}</th>
                                            <th scope="col">{t("silences-target")}</th>
                                            <th scope="col">{t("silences-window")}</th>
                                            <th scope="col">{t("silences-comment")}</th>
                                            <th scope="col"><span class="visually-hidden">{t("alerts-actions")}</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {page.silences.into_iter().map(|silence| view! { <SilenceLine silence now can_manage end /> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SilenceLine(
    silence: Silence,
    now: chrono::DateTime<chrono::Utc>,
    can_manage: bool,
    end: ServerAction<EndSilence>,
) -> impl IntoView {
    let status = if silence.is_active(now) {
        "active"
    } else if silence.starts_at > now {
        "scheduled"
    } else {
        "ended"
    };
    let id = silence.silence_id;
    let target = {
        let mut parts = Vec::new();
        if let Some(name) = &silence.rule_name {
            parts.push(t_args("silences-rule-named", &[("name", name)]));
        }
        parts.extend(
            silence
                .matchers
                .iter()
                .map(|m| format!("{}{}{}", m.label, m.op.as_str(), m.value)),
        );
        parts.join(", ")
    };
    view! {
        <tr>
            <td><span class=format!("badge silence {status}")>{t(&format!("silence-{status}"))}</span></td>
            <td>{target}</td>
            <td>{format_time(silence.starts_at)} " – " {format_time(silence.ends_at)}</td>
            <td>{silence.comment.clone()} <div class="muted small">{silence.created_by_name.clone()}</div></td>
            <td>{(can_manage && status != "ended").then(|| view! {
                <button type="button" class="button" on:click=move |_| { end.dispatch(EndSilence { silence_id: id }); }>{t("silences-end")}</button>
            })}</td>
        </tr>
    }
}

/// The dashboard's card: firing alerts per severity, linking to the alerts page.
#[component]
pub fn FiringAlertsCard() -> impl IntoView {
    let can_read = use_can(Permission::AlertsRead);
    let user = crate::components::hooks::use_current_user();
    let tenant_user = Signal::derive(move || user.get().is_some_and(|u| !u.is_platform));
    // Only people who see the card follow alert changes: a platform administrator's overview
    // opens no socket for it.
    let live = if can_read.get_untracked() && tenant_user.get_untracked() {
        follow_alert_changes()
    } else {
        Signal::stored((0, 0))
    };
    let counts = Resource::new(
        move || (can_read.get() && tenant_user.get(), live.get()),
        |(wanted, _)| async move {
            if wanted {
                get_firing_counts().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(Some(counts)) => {
                        let total = counts.total();
                        view! {
                            <section class="card firing-alerts" aria-labelledby="firing-heading">
                                <h2 id="firing-heading"><A href="/alerts">{t_args("home-firing", &[("count", &total.to_string())])}</A></h2>
                                <ul class="figures">
                                    {Severity::ALL.iter().map(|severity| {
                                        let n = counts.by_severity.iter().find(|(s, _)| s == severity).map_or(0, |(_, n)| *n);
                                        view! {
                                            <li class=format!("figure severity {}", severity.as_str()) data-testid=format!("firing-{}", severity.as_str())>
                                                <span class="value">{n}</span>
                                                <span class="label">{severity_label(*severity)}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
