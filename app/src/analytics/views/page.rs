//! The analytics page itself: the tenant picker, the panel form (kept in the URL) and the ingest example.

use super::{PATH, PageQuery, panel::PanelView};
use crate::analytics::api::{PageData, get_analytics_page};
use crate::analytics::figures::{TenantFiguresTable, tenant_figures};
use crate::analytics::types::{Bucket, MetricSummary, Stat, TimeRange};
use crate::components::error_view::ErrorView;
use crate::components::hooks::{use_can, use_current_user};
use crate::components::page_title::PageTitle;
use crate::components::resource::page_resource;
use crate::error::AppError;
use crate::i18n::t;
use crate::permissions::types::Permission;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Shown on an empty analytics page: how to send the first points.
const INGEST_EXAMPLE: &str = r#"curl -X POST /api/v1/metrics \
  -H "Authorization: Bearer atr_…" -H "Content-Type: application/json" \
  -d '{"points":[{"metric":"http.latency_ms","value":42,"labels":{"host":"web-1"}}]}'"#;

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| PageQuery::from_url(&params.read()));
    let user = use_current_user();
    let is_platform = Signal::derive(move || user.get().is_some_and(|u| u.is_platform));
    // Statistics and the table toggle change only what is drawn, not what is loaded.
    let data = page_resource(
        move || {
            let q = query.get();
            PageQuery {
                stats: Vec::new(),
                table: false,
                ..q
            }
        },
        |q| get_analytics_page(q.tenant, q.metric, q.range, q.from, q.to, q.bucket, q.labels),
    );
    let can_export = use_can(Permission::AnalyticsExport);
    let figures = tenant_figures(Signal::derive(move || {
        is_platform.get() && query.get().tenant.is_none()
    }));
    view! {
        <PageTitle text=t("analytics-title") />
        <header class="page-header">
            <h1>{t("analytics-title")}</h1>
            <div class="actions">
                <crate::live::client::LiveIndicator />
            </div>
        </header>
        // Outside the Suspend below: the chooser reads its current tenant with a resource.
        <Show when=move || is_platform.get()>
            <TenantPicker />
        </Show>
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                let platform = is_platform.get_untracked();
                match data.await {
                    Err(AppError::Validation(_)) if platform => {
                        // No tenant chosen yet: the fleet at a glance, then pick one to chart.
                        view! { <TenantFiguresTable figures /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(PageData { panel: None, .. }) => view! {
                        <div class="card empty-state">
                            <h2>{t("analytics-empty-title")}</h2>
                            <p>{t("analytics-empty-body")}</p>
                            <pre class="code"><code>{INGEST_EXAMPLE}</code></pre>
                        </div>
                    }.into_any(),
                    Ok(PageData { metrics, metric, panel: Some(panel) }) => {
                        let error = panel.as_ref().err().cloned();
                        view! {
                                <PanelForm q=q.clone() metrics metric error=Signal::stored(error) />
                            {match panel {
                                Ok(panel) => view! { <PanelView panel query=q can_export /> }.into_any(),
                                Err(AppError::Validation(_)) => ().into_any(),
                                Err(error) => view! { <ErrorView error /> }.into_any(),
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Platform administrators choose the tenant whose metrics they look at.
#[component]
fn TenantPicker() -> impl IntoView {
    let params = use_query_map();
    let current = Signal::derive(move || params.read().get("tenant").unwrap_or_default());
    view! {
        <form method="get" action=PATH class="card inline-form" aria-label=t("analytics-tenant")>
            <div class="field">
                <label for="analytics-tenant">{t("field-tenant")}</label>
                <crate::tenants::chooser::TenantChooser
                    id="analytics-tenant"
                    name="tenant"
                    selected=current
                    placeholder=t("tenant-search-placeholder")
                />
            </div>
            <button type="submit" class="button">{t("analytics-show")}</button>
        </form>
    }
}

/// The GET form that rewrites the URL.
#[component]
fn PanelForm(
    q: PageQuery,
    metrics: Vec<MetricSummary>,
    metric: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move |field: &'static str| move || error.get().and_then(|e| e.field_error(field));
    let custom = q.range == "custom";
    let range_options: Vec<(String, String)> = TimeRange::PRESETS
        .iter()
        .map(|r| (r.as_param().to_owned(), t(&format!("analytics-range-{}", r.as_param()))))
        .chain(std::iter::once(("custom".to_owned(), t("analytics-range-custom"))))
        .collect();
    let range = if q.range.is_empty() {
        TimeRange::default().as_param().to_owned()
    } else {
        q.range.clone()
    };
    view! {
        <form method="get" action=PATH class="card analytics-form" role="search" aria-label=t("analytics-controls")>
            {q.tenant.map(|tenant| view! { <input type="hidden" name="tenant" value=tenant.to_string() /> })}
            <div class="field">
                <label for="analytics-metric">{t("analytics-metric")}</label>
                <select id="analytics-metric" name="metric" aria-describedby="analytics-metric-error">
                    {metrics.into_iter().map(|m| {
                        let selected = m.name == metric;
                        let label = if m.unit.is_empty() { m.name.clone() } else { format!("{} ({})", m.name, m.unit) };
                        view! { <option value=m.name selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id="analytics-metric-error" role="alert" hidden=move || message("metric")().is_none()>{message("metric")}</p>
            </div>
            <div class="field">
                <label for="analytics-range">{t("analytics-range")}</label>
                <select id="analytics-range" name="range" aria-describedby="analytics-range-error">
                    {range_options.into_iter().map(|(value, label)| {
                        let selected = value == range;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id="analytics-range-error" role="alert" hidden=move || message("range")().is_none()>{message("range")}</p>
            </div>
            <div class="field" class:dimmed=!custom>
                <label for="analytics-from">{t("analytics-from")}</label>
                <input id="analytics-from" name="from" type="datetime-local" value=q.from.clone() />
            </div>
            <div class="field" class:dimmed=!custom>
                <label for="analytics-to">{t("analytics-to")}</label>
                <input id="analytics-to" name="to" type="datetime-local" value=q.to.clone() />
            </div>
            <div class="field">
                <label for="analytics-bucket">{t("analytics-bucket")}</label>
                <select id="analytics-bucket" name="bucket" aria-describedby="analytics-bucket-error">
                    <option value="" selected=q.bucket.is_empty()>{t("analytics-bucket-auto")}</option>
                    {Bucket::ALL.into_iter().map(|b| {
                        let selected = q.bucket == b.as_param();
                        view! { <option value=b.as_param() selected=selected>{t(&format!("analytics-bucket-{}", b.as_param()))}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id="analytics-bucket-error" role="alert" hidden=move || message("bucket")().is_none()>{message("bucket")}</p>
            </div>
            <div class="field">
                <label for="analytics-labels">{t("analytics-labels")}</label>
                <input id="analytics-labels" name="labels" type="search" value=q.labels.clone() placeholder="host=web-1" aria-describedby="analytics-labels-error" />
                <p class="field-error" id="analytics-labels-error" role="alert" hidden=move || message("labels")().is_none()>{message("labels")}</p>
            </div>
            <fieldset class="field stats">
                <legend>{t("analytics-stats")}</legend>
                {Stat::ALL.into_iter().map(|stat| {
                    let id = format!("stat-{}", stat.as_param());
                    let checked = q.stats.contains(&stat);
                    view! {
                        <span class="checkbox">
                            <input id=id.clone() type="checkbox" name="stat" value=stat.as_param() checked=checked />
                            <label for=id>{stat.label()}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
            {q.table.then(|| view! { <input type="hidden" name="view" value="table" /> })}
            <div class="actions">
                <button type="submit" class="button primary">{t("analytics-apply")}</button>
            </div>
        </form>
    }
}
