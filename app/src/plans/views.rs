//! The plans page (platform administrators edit each plan's limits and features), a tenant's own
//! limits and features on its page, a workspace's usage page with a bar per limit, and the
//! statistics of a workspace and of the platform.

use super::api::{
    SaveEntitlements, SavePlan, get_platform_statistics, get_tenant_plan, get_tenant_statistics, get_usage, list_plans,
};
use super::types::{
    ACTIVE_DAYS, Entitlements, Feature, Limit, PlanDefinition, Statistics, TenantPlan, UsageLevel, UsageLine,
    UsageReport, WARNING_PERCENT, format_bytes,
};
use crate::components::error_view::ErrorView;
use crate::components::form::FormAlert;
use crate::components::hooks::use_can;
use crate::components::page_title::PageTitle;
use crate::components::resource::{PageResource, page_resource};
use crate::components::toast::use_toaster;
use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::ids::TenantId;
use crate::permissions::types::Permission;
use leptos::prelude::*;

type ErrorSignal = Signal<Option<AppError>>;

/// A number input for one limit, named `limits[<limit>]`, with its message under it.
#[component]
fn LimitInput(
    id_prefix: String,
    limit: Limit,
    error: ErrorSignal,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let name = format!("limits[{}]", limit.as_str());
    let id = format!("{id_prefix}-{}", limit.as_str());
    let message_id = format!("{id}-error");
    let message = {
        let name = name.clone();
        Signal::derive(move || error.get().and_then(|e| e.field_error(&name)))
    };
    let described_by = {
        let message_id = message_id.clone();
        move || message.get().is_some().then(|| message_id.clone())
    };
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{limit.label()}</label>
            <input
                id=id.clone()
                name=name
                inputmode="numeric"
                value=value
                placeholder=placeholder
                disabled=disabled
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            <p class="field-error" id=message_id role="alert" hidden=move || message.get().is_none()>
                {move || message.get()}
            </p>
        </div>
    }
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let plans = page_resource(|| (), |()| list_plans());
    let can_update = use_can(Permission::TenantsUpdate);
    view! {
        <PageTitle text=t("plans-title") />
        <header class="page-header"><h1>{t("plans-title")}</h1></header>
        <p class="muted">{t("plans-intro")}</p>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match plans.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(plans) => view! {
                        <div class="plan-grid">
                            {plans.into_iter().map(|definition| view! { <PlanCard definition can_update /> }).collect_view()}
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlanCard(definition: PlanDefinition, can_update: Signal<bool>) -> impl IntoView {
    let action = ServerAction::<SavePlan>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(t("plans-saved"));
        }
    });
    let plan = definition.plan;
    let heading = format!("plan-{}", plan.as_str());
    let read_only = !can_update.get_untracked();
    let prefix = heading.clone();
    let labelled_by = heading.clone();
    view! {
        <section class="card plan" aria-labelledby=labelled_by>
            <ActionForm action=action attr:class="form">
                <header class="section-header">
                    <h2 id=heading.clone()>{plan.label()}</h2>
                    <span class="muted">{t_args("plans-tenant-count", &[("count", &definition.tenant_count.to_string())])}</span>
                </header>
                <FormAlert error />
                <input type="hidden" name="plan" value=plan.as_str() />
                <fieldset>
                    <legend>{t("plans-limits")}</legend>
                    {definition.limits.iter().map(|(limit, value)| view! {
                        <LimitInput id_prefix=prefix.clone() limit=*limit error value=value.to_string() disabled=read_only />
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{t("plans-features")}</legend>
                    {Feature::ALL.into_iter().map(|feature| view! {
                        <label class="check-row">
                            <input type="checkbox" name=format!("features[{}]", feature.as_str()) value="on"
                                checked=definition.features.contains(&feature) disabled=read_only />
                            " " {feature.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <Show when=move || can_update.get()>
                    <div class="actions">
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>
                            {t_args("plans-save", &[("plan", &plan.label())])}
                        </button>
                    </div>
                </Show>
            </ActionForm>
        </section>
    }
}

/// The data of [`TenantEntitlements`]. Made with the tenant page's other resources, outside its
/// suspended body, so the server and the browser number the resources alike.
#[derive(Clone, Copy)]
pub struct EntitlementsData {
    action: ServerAction<SaveEntitlements>,
    plan: PageResource<Result<Option<TenantPlan>, AppError>>,
}

pub fn entitlements_data(tenant: Memo<Option<TenantId>>) -> EntitlementsData {
    let action = ServerAction::<SaveEntitlements>::new();
    let plan = page_resource(
        move || (tenant.get(), action.version().get()),
        |(tenant, _)| async move {
            match tenant {
                Some(id) => get_tenant_plan(id).await,
                None => Ok(None),
            }
        },
    );
    EntitlementsData { action, plan }
}

/// A tenant's plan with its own limits and feature switches, and its usage: on the tenant's page
/// for platform administrators (the server answers `None` to anyone else).
#[component]
pub fn TenantEntitlements(data: EntitlementsData, tenant_id: TenantId) -> impl IntoView {
    let EntitlementsData { action, plan } = data;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let toaster = use_toaster();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            toaster.success(t("entitlements-saved"));
        }
    });
    let can_update = use_can(Permission::TenantsUpdate);
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(TenantPlan { entitlements, usage })) => view! {
                        <section class="card entitlements" aria-labelledby="tenant-entitlements">
                            <h2 id="tenant-entitlements">{t("entitlements-title")}</h2>
                            <EntitlementsForm tenant_id entitled=entitlements usage action error can_update=can_update.get_untracked() />
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EntitlementsForm(
    tenant_id: TenantId,
    entitled: Entitlements,
    usage: UsageReport,
    action: ServerAction<SaveEntitlements>,
    error: ErrorSignal,
    can_update: bool,
) -> impl IntoView {
    let plan = entitled.plan;
    let used = move |limit: Limit| usage.lines.iter().find(|l| l.limit == limit).copied();
    view! {
        <p class="muted">{t_args("entitlements-intro", &[("plan", &plan.label())])}</p>
        <ActionForm action=action attr:class="form">
            <FormAlert error />
            <input type="hidden" name="tenant_id" value=tenant_id.to_string() />
            <table class="entitlements-table">
                <thead>
                    <tr>
                        <th scope="col">{t("plans-limit")}</th>
                        <th scope="col">{t("entitlements-plan-value")}</th>
                        <th scope="col">{t("nav-usage")}</th>
                        <th scope="col">{t("entitlements-own-value")}</th>
                    </tr>
                </thead>
                <tbody>
                    {entitled.limits.iter().map(|grant| {
                        let line = used(grant.limit);
                        view! {
                            <tr>
                                <th scope="row">{grant.limit.label()}</th>
                                <td class="number">{grant.plan_value}</td>
                                <td class="number">{line.map(|line| view! { <UsageBar line compact=true /> })}</td>
                                <td>
                                    <LimitInput id_prefix="own".to_owned() limit=grant.limit error
                                        value=grant.override_value.map(|v| v.to_string()).unwrap_or_default()
                                        placeholder=t("entitlements-follow-plan") disabled=!can_update />
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <fieldset>
                <legend>{t("plans-features")}</legend>
                {entitled.features.iter().map(|grant| {
                    let id = format!("feature-{}", grant.feature.as_str());
                    let plan_state = t(if grant.plan_enabled { "entitlements-on" } else { "entitlements-off" });
                    let selected = match grant.override_enabled {
                        None => "plan",
                        Some(true) => "on",
                        Some(false) => "off",
                    };
                    view! {
                        <div class="field">
                            <label for=id.clone()>{grant.feature.label()}</label>
                            <select id=id name=format!("features[{}]", grant.feature.as_str()) disabled=!can_update>
                                <option value="plan" selected=selected == "plan">
                                    {t_args("entitlements-plan-default", &[("state", &plan_state)])}
                                </option>
                                <option value="on" selected=selected == "on">{t("entitlements-on")}</option>
                                <option value="off" selected=selected == "off">{t("entitlements-off")}</option>
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {can_update.then(|| view! {
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {t("entitlements-save")}
                    </button>
                </div>
            })}
        </ActionForm>
    }
}

/// One counted limit as a bar, with the number used of the number allowed.
#[component]
pub fn UsageBar(line: UsageLine, #[prop(optional)] compact: bool) -> impl IntoView {
    let level = line.level();
    let label = line.limit.label();
    let numbers = t_args(
        "usage-of",
        &[("used", &line.used.to_string()), ("max", &line.allowed.to_string())],
    );
    view! {
        <div class=format!("usage-bar {}", level.as_str()) class:compact=compact>
            <div
                class="bar"
                role="meter"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=line.allowed.to_string()
                aria-valuenow=line.used.min(line.allowed).to_string()
                aria-valuetext=numbers.clone()
            >
                <span style=format!("inline-size: {}%", line.percent())></span>
            </div>
            <span class="usage-numbers">{numbers}</span>
        </div>
    }
}

/// The workspace's plan and a message for each limit at 80 % or more (the usage page, the
/// portal's overview).
#[component]
pub fn UsageAlerts(plan: crate::tenants::types::Plan, lines: Vec<UsageLine>) -> impl IntoView {
    let alerts: Vec<(UsageLevel, String)> = lines.iter().filter_map(usage_message).collect();
    view! {
        <p class="plan-name"><span class="badge">{t_args("usage-plan", &[("plan", &plan.label())])}</span></p>
        {(!alerts.is_empty()).then(|| view! {
            <ul class="usage-alerts">
                {alerts.into_iter().map(|(level, text)| view! {
                    <li class=format!("usage-alert {}", level.as_str()) role=if level == UsageLevel::Full { "alert" } else { "status" }>{text}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// The message under a bar at 80 % and at 100 %.
fn usage_message(line: &UsageLine) -> Option<(UsageLevel, String)> {
    let args = |percent: u64| {
        t_args(
            match line.level() {
                UsageLevel::Full => "usage-full",
                _ => "usage-warning",
            },
            &[
                ("limit", &line.limit.label()),
                ("percent", &percent.to_string()),
                ("used", &line.used.to_string()),
                ("max", &line.allowed.to_string()),
            ],
        )
    };
    match line.level() {
        UsageLevel::Normal => None,
        level => Some((level, args(line.percent().max(WARNING_PERCENT)))),
    }
}

#[component]
pub fn UsagePage() -> impl IntoView {
    let usage = page_resource(|| (), |()| get_usage(None));
    view! {
        <PageTitle text=t("usage-title") />
        <header class="page-header"><h1>{t("usage-title")}</h1></header>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match usage.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(report) => view! { <UsageReportView report /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UsageReportView(report: UsageReport) -> impl IntoView {
    view! {
        <UsageAlerts plan=report.plan lines=report.lines.clone() />
        <section class="card usage" aria-labelledby="usage-limits">
            <h2 id="usage-limits">{t("plans-limits")}</h2>
            <ul class="usage-lines">
                {report.lines.into_iter().map(|line| view! {
                    <li>
                        <div class="usage-head">
                            <span class="usage-label">{line.limit.label()}</span>
                            {line.overridden.then(|| view! { <span class="badge">{t("usage-custom")}</span> })}
                        </div>
                        <UsageBar line />
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card usage" aria-labelledby="usage-ceilings">
            <h2 id="usage-ceilings">{t("usage-ceilings")}</h2>
            <dl class="facts">
                {report.ceilings.into_iter().map(|grant| view! {
                    <div><dt>{grant.limit.label()}</dt><dd>{grant.value()}</dd></div>
                }).collect_view()}
            </dl>
        </section>
        <section class="card usage" aria-labelledby="usage-features">
            <h2 id="usage-features">{t("usage-features")}</h2>
            <dl class="facts">
                {report.features.into_iter().map(|grant| view! {
                    <div>
                        <dt>{grant.feature.label()}</dt>
                        <dd>{t(if grant.enabled() { "usage-feature-on" } else { "usage-feature-off" })}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}

/// One set of statistics as a definition list (a workspace's, or the platform's totals).
#[component]
pub fn StatisticsList(statistics: Statistics, #[prop(optional)] platform: bool) -> impl IntoView {
    let figure = |n: i64| crate::i18n::format_digits(&crate::paging::group_thousands(u64::try_from(n).unwrap_or(0)));
    let alerts = if statistics.open_alerts.is_empty() {
        t("statistics-no-alerts")
    } else {
        statistics
            .open_alerts
            .iter()
            .map(|(state, count)| format!("{} {}", figure(*count), t(&format!("alert-state-{}", state.as_str()))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let storage = if platform {
        t("statistics-database")
    } else {
        t("statistics-storage")
    };
    view! {
        <dl class="facts statistics">
            <div><dt>{t("statistics-members")}</dt><dd>{figure(statistics.members)}</dd></div>
            <div><dt>{t_args("statistics-active", &[("days", &ACTIVE_DAYS.to_string())])}</dt><dd>{figure(statistics.active_members)}</dd></div>
            <div><dt>{t("statistics-keys")}</dt><dd>{figure(statistics.api_keys)}</dd></div>
            <div><dt>{t("statistics-metrics")}</dt><dd>{figure(statistics.metrics)}</dd></div>
            <div><dt>{t("statistics-points-today")}</dt><dd>{figure(statistics.points_today)}</dd></div>
            <div><dt>{t("statistics-points-30")}</dt><dd>{figure(statistics.points_30_days)}</dd></div>
            <div><dt>{t("statistics-alerts")}</dt><dd>{alerts}</dd></div>
            <div><dt>{storage}</dt><dd>{crate::i18n::format_digits(&format_bytes(statistics.storage_bytes))}</dd></div>
        </dl>
    }
}

/// The data of [`TenantStatisticsCard`], made with the tenant page's other resources.
pub fn tenant_statistics_data(tenant: Memo<Option<TenantId>>) -> PageResource<Result<Option<Statistics>, AppError>> {
    page_resource(
        move || tenant.get(),
        |tenant| async move {
            match tenant {
                Some(id) => get_tenant_statistics(Some(id)).await.map(Some),
                None => Ok(None),
            }
        },
    )
}

/// A workspace's statistics on its page (T6).
#[component]
pub fn TenantStatisticsCard(data: PageResource<Result<Option<Statistics>, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(statistics)) => view! {
                        <section class="card" aria-labelledby="tenant-statistics">
                            <h2 id="tenant-statistics">{t("statistics-title")}</h2>
                            <StatisticsList statistics />
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The platform's totals on its overview (T6).
#[component]
pub fn PlatformStatisticsCard() -> impl IntoView {
    let data = page_resource(|| (), |()| get_platform_statistics());
    view! {
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(platform) => view! {
                        <section class="card" aria-labelledby="platform-statistics">
                            <h2 id="platform-statistics">{t("statistics-platform")}</h2>
                            <p class="muted">{t_args("statistics-tenants", &[("tenants", &platform.tenants.to_string()), ("active", &platform.active_tenants.to_string())])}</p>
                            <StatisticsList statistics=platform.totals platform=true />
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
