//! An alert's detail: the chart around the firing time, the history timeline, escalation and deliveries.

use super::{ActionPanel, AlertsNav, SeverityBadge, StateBadge, follow_alert_changes, state_label};
use crate::alerts::api::{AcknowledgeAlert, ResolveAlert, get_alert_detail};
use crate::alerts::lifecycle::Manual;
use crate::alerts::types::{
    Aggregation, AlertDetail, AlertEvent, AlertEventKind, AlertSummary, EscalationStatus, format_label_set,
};
use crate::components::chart::Chart;
use crate::components::error_view::ErrorView;
use crate::components::link::A;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::error::AppError;
use crate::i18n::{format_number, format_time};
use crate::i18n::{t, t_args};
use crate::ids::AlertId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AlertDetailPage() -> impl IntoView {
    let params = use_params_map();
    let alert_id = Memo::new(move |_| params.read().get("alert_id").and_then(|id| id.parse::<AlertId>().ok()));
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    let resolve = ServerAction::<ResolveAlert>::new();
    let live = follow_alert_changes();
    let data = page_resource(
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
    let ackable = can_acknowledge && crate::alerts::lifecycle::manual(alert.state, Manual::Acknowledge).is_some();
    let resolvable = can_resolve && crate::alerts::lifecycle::manual(alert.state, Manual::Resolve).is_some();
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
                <div><dt>{t("alerts-condition")}</dt><dd>{rule.spec.condition().render()}</dd></div>
                <div><dt>{t("alerts-value")}</dt><dd>{alert.value.map(format_number).unwrap_or_else(|| "–".to_owned())}</dd></div>
                <div><dt>{t("alerts-reason")}</dt><dd>{alert.reason.render()}</dd></div>
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
            <crate::notifications::views::deliveries::DeliveryTable deliveries />
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
            {(!event.reason.is_empty()).then(|| view! { <div class="reason">{event.reason.render()}</div> })}
        </li>
    }
}
