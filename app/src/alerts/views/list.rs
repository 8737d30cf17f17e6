//! The alerts list: state tabs, updated live over `/ws`, with acknowledge and resolve.

use super::{ActionPanel, AlertsNav, SeverityBadge, StateBadge, follow_alert_changes};
use crate::alerts::api::{AcknowledgeAlert, ResolveAlert, get_alerts_page};
use crate::alerts::lifecycle::Manual;
use crate::alerts::types::{AlertSummary, AlertTab};
use crate::components::error_view::ErrorView;
use crate::components::link::A;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::components::table::{PageAt, Pager, href_with};
use crate::i18n::format_time;
use crate::i18n::{format_digits, format_number, format_relative};
use crate::i18n::{t, t_args};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let params = use_query_map();
    // The tab and the page's place in it: (tab, after, before, page).
    let place = Memo::new(move |_| {
        let params = params.read();
        let param = |name: &str| params.get(name).unwrap_or_default();
        (
            AlertTab::parse(&param("tab")),
            param("after"),
            param("before"),
            param("page").parse::<u32>().unwrap_or(1),
        )
    });
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    let resolve = ServerAction::<ResolveAlert>::new();
    let live = follow_alert_changes();
    let data = page_resource(
        move || {
            (
                place.get(),
                live.get(),
                acknowledge.version().get(),
                resolve.version().get(),
            )
        },
        |((tab, after, before, page), ..)| get_alerts_page(tab.as_param().to_owned(), after, before, page),
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
fn AlertList(
    page: crate::alerts::types::AlertsPageData,
    acting: RwSignal<Option<(Manual, AlertSummary)>>,
) -> impl IntoView {
    let current = page.tab;
    let base = crate::components::hooks::use_link_base();
    let (can_ack, can_resolve, as_of) = (page.can_acknowledge, page.can_resolve, page.as_of);
    let pager_href = Callback::new(move |at: PageAt| {
        let mut parts = vec![format!("tab={}", current.as_param())];
        parts.extend(at.query_parts());
        href_with("/alerts", &parts)
    });
    view! {
        <nav class="tabs state-tabs" aria-label=t("alerts-states")>
            {page.counts.iter().map(|(tab, count)| {
                let label = t(&format!("alerts-tab-{}", tab.as_param()));
                let is_current = *tab == current;
                view! {
                    <a href=format!("{base}/alerts?tab={}", tab.as_param()) aria-current=is_current.then_some("page")>
                        {label} " " <span class="count" data-testid=format!("count-{}", tab.as_param())>{format_digits(&count.short())}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
        {if page.alerts.items.is_empty() {
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
                        {page.alerts.items.clone().into_iter().map(|alert| view! { <AlertRowView alert can_ack can_resolve acting as_of /> }).collect_view()}
                    </tbody>
                </table>
                <Pager nav=page.alerts.nav() href=pager_href label=t("alerts-pagination") />
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
    as_of: chrono::DateTime<chrono::Utc>,
) -> impl IntoView {
    let ackable = can_ack && crate::alerts::lifecycle::manual(alert.state, Manual::Acknowledge).is_some();
    let resolvable = can_resolve && crate::alerts::lifecycle::manual(alert.state, Manual::Resolve).is_some();
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
                <div class="muted small">{alert.reason.render()}</div>
            </td>
            <td>
                <StateBadge state=alert.state />
                {alert.silenced.then(|| view! { <span class="badge silenced">{t("alerts-silenced")}</span> })}
            </td>
            <td class="numeric">{alert.value.map(format_number).unwrap_or_else(|| "–".to_owned())}</td>
            <td><time datetime=since.to_rfc3339() title=format_time(since)>{format_relative(since, as_of)}</time></td>
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
