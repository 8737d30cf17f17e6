//! The alert rules list: enable, disable and delete.

use super::{AlertsNav, SeverityBadge, follow_alert_changes, state_label};
use crate::alerts::api::{DeleteRule, RulesPageData, SetRuleEnabled, get_rules_page};
use crate::alerts::types::{Rule, RuleRow};
use crate::components::error_view::ErrorView;
use crate::components::hooks::use_can;
use crate::components::link::A;
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::i18n::format_span;
use crate::i18n::format_time;
use crate::i18n::{t, t_args};
use crate::permissions::types::Permission;
use leptos::prelude::*;

#[component]
pub fn RulesPage() -> impl IntoView {
    let toggle = ServerAction::<SetRuleEnabled>::new();
    let delete = ServerAction::<DeleteRule>::new();
    let live = follow_alert_changes();
    let data = page_resource(
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
    let condition = rule.spec.condition().render();
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
                {(rule.spec.pending_s > 0).then(|| view! { <div class="muted small">{t_args("rules-for", &[("duration", &format_span(rule.spec.pending_s))])}</div> })}
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
