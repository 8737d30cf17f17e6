//! Alert, rule and silence pages: the alerts list with state tabs (updated live over `/ws`), an
//! alert's detail (chart around the firing time, history timeline, escalation, deliveries), the
//! rules list and editor (with a replay over the last 24 hours), silences, and the dashboard's
//! firing-alerts card.

mod channel_picker;
pub mod detail;
pub mod firing;
pub mod list;
pub mod rule_edit;
pub mod rules;
pub mod silences;

use crate::alerts::api::{AcknowledgeAlert, ResolveAlert};
use crate::alerts::lifecycle::Manual;
use crate::alerts::types::{AlertState, AlertSummary, Severity};
use crate::components::form::FormAlert;
use crate::components::hooks::use_can;
use crate::components::link::A;
use crate::i18n::{t, t_args};
use crate::permissions::types::Permission;
use leptos::prelude::*;

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
