//! The analytics page: pick a metric, range, bucket, label filter and statistics (all kept in the
//! URL, so a GET form works before hydration), see the chart with trend, forecast and anomalies,
//! the same data as a table, and export it. New minutes arrive over `/ws` without a reload.

use super::api::{PageData, UpdateMetric, get_analytics_page, get_panel};
use super::figures::{TenantFiguresTable, tenant_figures};
use super::types::{Bucket, MetricSummary, Panel, PanelPoint, Stat, TimeRange};
use crate::components::chart::Chart;
use crate::components::error_view::ErrorView;
use crate::components::hooks::{use_can, use_current_user};
use crate::components::page_title::PageTitle;
use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::ids::TenantId;
use crate::permissions::types::Permission;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/analytics";

/// Shown on an empty analytics page: how to send the first points.
const INGEST_EXAMPLE: &str = r#"curl -X POST /api/v1/metrics \
  -H "Authorization: Bearer atr_…" -H "Content-Type: application/json" \
  -d '{"points":[{"metric":"http.latency_ms","value":42,"labels":{"host":"web-1"}}]}'"#;

/// The page's state as read from its URL.
#[derive(Debug, Clone, PartialEq)]
struct PageQuery {
    tenant: Option<TenantId>,
    metric: String,
    range: String,
    from: String,
    to: String,
    bucket: String,
    labels: String,
    stats: Vec<Stat>,
    table: bool,
}

impl PageQuery {
    fn from_url(params: &leptos_router::params::ParamsMap) -> Self {
        let get = |name: &str| params.get(name).unwrap_or_default();
        let stats: Vec<Stat> = params
            .get_all("stat")
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Stat::parse(s))
            .collect();
        Self {
            tenant: get("tenant").parse().ok(),
            metric: get("metric"),
            range: get("range"),
            from: get("from"),
            to: get("to"),
            bucket: get("bucket"),
            labels: get("labels"),
            stats: if stats.is_empty() {
                Stat::DEFAULT.to_vec()
            } else {
                stats
            },
            table: get("view") == "table",
        }
    }

    /// The URL of the export of what is on screen.
    fn export_href(&self, metric: &str, format: &str) -> String {
        let mut pairs = vec![("format", format.to_owned()), ("metric", metric.to_owned())];
        if let Some(tenant) = self.tenant {
            pairs.push(("tenant_id", tenant.to_string()));
        }
        for (name, value) in [
            ("range", &self.range),
            ("from", &self.from),
            ("to", &self.to),
            ("bucket", &self.bucket),
            ("labels", &self.labels),
        ] {
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::paging::encode(&v)))
            .collect();
        format!("/api/v1/analytics/export?{}", query.join("&"))
    }
}

/// Times in tables and lists: UTC, so the server's render and the browser's agree.
fn format_time(time: DateTime<Utc>, bucket: Bucket) -> String {
    match bucket {
        Bucket::Minute => time.format("%Y-%m-%d %H:%M UTC").to_string(),
        Bucket::Hour => time.format("%Y-%m-%d %H:00 UTC").to_string(),
        Bucket::Day => time.format("%Y-%m-%d").to_string(),
    }
}

fn format_value(value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if v.abs() >= 1e6 || (v != 0.0 && v.abs() < 1e-3) => format!("{v:.3e}"),
        Some(v) => {
            let text = format!("{v:.3}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| PageQuery::from_url(&params.read()));
    let user = use_current_user();
    let is_platform = Signal::derive(move || user.get().is_some_and(|u| u.is_platform));
    // Statistics and the table toggle change only what is drawn, not what is loaded.
    let data = Resource::new(
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
    // Created here, outside the Suspend below: see `tenant_figures`.
    let tenants = Resource::new(
        move || is_platform.get(),
        |platform| async move {
            if platform {
                crate::tenants::api::list_tenant_options().await
            } else {
                Ok(Vec::new())
            }
        },
    );
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
        <Transition fallback=|| view! { <p class="muted">{t("loading")}</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                let platform = is_platform.get_untracked();
                match data.await {
                    Err(AppError::Validation(_)) if platform => {
                        // No tenant chosen yet: the fleet at a glance, then pick one to chart.
                        view! { <TenantPicker tenants /> <TenantFiguresTable figures /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(PageData { panel: None, .. }) => view! {
                        {platform.then(|| view! { <TenantPicker tenants /> })}
                        <div class="card empty-state">
                            <h2>{t("analytics-empty-title")}</h2>
                            <p>{t("analytics-empty-body")}</p>
                            <pre class="code"><code>{INGEST_EXAMPLE}</code></pre>
                        </div>
                    }.into_any(),
                    Ok(PageData { metrics, metric, panel: Some(panel) }) => {
                        let error = panel.as_ref().err().cloned();
                        view! {
                            {platform.then(|| view! { <TenantPicker tenants /> })}
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
fn TenantPicker(tenants: Resource<Result<Vec<crate::tenants::types::TenantOption>, AppError>>) -> impl IntoView {
    let params = use_query_map();
    let current = move || params.read().get("tenant").unwrap_or_default();
    view! {
        <form method="get" action=PATH class="card inline-form" aria-label=t("analytics-tenant")>
            <div class="field">
                <label for="analytics-tenant">{t("field-tenant")}</label>
                <select id="analytics-tenant" name="tenant">
                    <option value="">{t("analytics-choose-tenant")}</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            tenants.await.unwrap_or_default().into_iter().map(|option| {
                                let id = option.tenant_id.to_string();
                                let selected = id == current();
                                view! { <option value=id selected=selected>{option.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
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

/// The chart, its annotations, the data table and the export links for one loaded panel. Live
/// minutes are merged into a local copy of the panel.
#[component]
fn PanelView(panel: Panel, query: PageQuery, can_export: Signal<bool>) -> impl IntoView {
    let stats = query.stats.clone();
    let data = RwSignal::new(panel);
    follow_live(data, &query);
    let chart = Signal::derive({
        let stats = stats.clone();
        move || super::chart::build(&data.read(), &stats)
    });
    let label = Signal::derive(move || {
        let panel = data.read();
        t_args(
            "analytics-chart-label",
            &[
                ("metric", &panel.metric.name),
                ("points", &panel.points.len().to_string()),
                ("anomalies", &panel.anomalies.len().to_string()),
            ],
        )
    });
    let metric_name = data.read_untracked().metric.name.clone();
    let csv = query.export_href(&metric_name, "csv");
    let json = query.export_href(&metric_name, "json");
    let table_open = query.table;
    view! {
        <section class="card panel" aria-labelledby="panel-title">
            <header class="panel-header">
                <h2 id="panel-title">{move || data.read().metric.name.clone()}</h2>
                <p class="muted">{move || panel_caption(&data.read())}</p>
                <Show when=move || can_export.get()>
                    <div class="actions">
                        <a class="button" href=csv.clone() download="" rel="external">{t("analytics-export-csv")}</a>
                        <a class="button" href=json.clone() download="" rel="external">{t("analytics-export-json")}</a>
                    </div>
                </Show>
            </header>
            <Chart id="metric-chart".to_owned() label chart />
            <p class="muted forecast-note">{move || forecast_note(&data.read())}</p>
            <details class="data-table" open=table_open>
                <summary>{t("analytics-table")}</summary>
                {move || view! { <PanelTable panel=data.get() stats=stats.clone() /> }}
            </details>
            <Anomalies data />
        </section>
        <MetricDetails data />
    }
}

fn panel_caption(panel: &Panel) -> String {
    t_args(
        "analytics-caption",
        &[
            ("from", &format_time(panel.from, Bucket::Minute)),
            ("to", &format_time(panel.to, Bucket::Minute)),
            ("bucket", &t(&format!("analytics-bucket-{}", panel.bucket.as_param()))),
            ("count", &panel.points.len().to_string()),
        ],
    )
}

fn forecast_note(panel: &Panel) -> String {
    let trend = panel
        .trend
        .as_ref()
        .map(|trend| {
            t_args(
                "analytics-trend-note",
                &[("slope", &format_value(Some(trend.slope_per_hour)))],
            )
        })
        .unwrap_or_default();
    let forecast = match panel.forecast_method.as_deref() {
        None => String::new(),
        Some("holt") => t("analytics-forecast-holt"),
        Some(method) => t_args(
            "analytics-forecast-seasonal",
            &[("season", method.trim_start_matches("holt-winters:"))],
        ),
    };
    [trend, forecast]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn PanelTable(panel: Panel, stats: Vec<Stat>) -> impl IntoView {
    let bucket = panel.bucket;
    let rows: Vec<PanelPoint> = panel.points.iter().rev().cloned().collect();
    let empty = rows.is_empty();
    view! {
        <table class="data">
            <caption class="visually-hidden">{t_args("analytics-table-caption", &[("metric", &panel.metric.name)])}</caption>
            <thead>
                <tr>
                    <th scope="col">{t("analytics-col-time")}</th>
                    {stats.iter().map(|s| view! { <th scope="col" class="numeric">{s.label()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|point| {
                    let cells = stats.iter().map(|s| view! { <td class="numeric">{format_value(s.of(&point, bucket))}</td> }).collect_view();
                    view! {
                        <tr>
                            <th scope="row"><time datetime=point.t.to_rfc3339()>{format_time(point.t, bucket)}</time></th>
                            {cells}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {empty.then(|| view! { <p class="muted">{t("analytics-no-points")}</p> })}
    }
}

#[component]
fn Anomalies(data: RwSignal<Panel>) -> impl IntoView {
    view! {
        <section class="anomalies" aria-labelledby="anomalies-title">
            <h3 id="anomalies-title">{move || t_args("analytics-anomalies-count", &[("count", &data.read().anomalies.len().to_string())])}</h3>
            {move || {
                let panel = data.get();
                if panel.anomalies.is_empty() {
                    view! { <p class="muted">{t("analytics-anomalies-none")}</p> }.into_any()
                } else {
                    let bucket = panel.bucket;
                    view! {
                        <ul class="anomaly-list">
                            {panel.anomalies.into_iter().rev().map(|a| view! {
                                <li>
                                    <time datetime=a.t.to_rfc3339()>{format_time(a.t, bucket)}</time>
                                    ": "
                                    {t_args("analytics-anomaly", &[
                                        ("value", &format_value(Some(a.value))),
                                        ("expected", &format_value(Some(a.expected))),
                                        ("score", &format!("{:.1}", a.score)),
                                    ])}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Unit and description, editable by those who manage metrics.
#[component]
fn MetricDetails(data: RwSignal<Panel>) -> impl IntoView {
    let can_edit = use_can(Permission::AnalyticsIngest);
    let update = ServerAction::<UpdateMetric>::new();
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))));
    let panel = data.get_untracked();
    // Stored so the nested child closures (Show, ActionForm) can each read them.
    let tenant = StoredValue::new(panel.tenant_id.to_string());
    let metric_id = StoredValue::new(panel.metric.metric_id.to_string());
    let unit = StoredValue::new(panel.metric.unit.clone());
    let description = StoredValue::new(panel.metric.description.clone());
    view! {
        <Show when=move || can_edit.get()>
            <details class="card metric-details">
                <summary>{t("analytics-metric-details")}</summary>
                <ActionForm action=update>
                    <input type="hidden" name="tenant_id" value=tenant.get_value() />
                    <input type="hidden" name="metric_id" value=metric_id.get_value() />
                    <crate::components::form::TextField name="unit" label=t("analytics-unit") error value=unit.get_value() />
                    <crate::components::form::TextField name="description" label=t("analytics-description") error value=description.get_value() />
                    <button type="submit" class="button" disabled=move || update.pending().get()>{t("analytics-save-metric")}</button>
                    <p role="status" class="muted">{move || saved.get().then(|| t("analytics-metric-saved"))}</p>
                </ActionForm>
            </details>
        </Show>
    }
}

/// Keeps a loaded panel current: subscribes to its metric on the live connection, merges pushed
/// minutes straight into the chart (aggregate minute panels), and refetches the panel shortly
/// after (annotations, hour/day buckets, label-filtered panels) and after every resume, so a
/// reconnect leaves no gap.
fn follow_live(data: RwSignal<Panel>, query: &PageQuery) {
    use crate::live::client::use_live;
    use crate::live::types::LiveEvent;
    let live = use_live();
    let (metric_id, tenant) = {
        let panel = data.read_untracked();
        (panel.metric.metric_id, query.tenant)
    };
    live.subscribe(tenant, vec![metric_id]);
    let relative = TimeRange::parse(&query.range, &query.from, &query.to).is_ok_and(TimeRange::is_relative);
    let merge_directly = relative && query.labels.is_empty();
    let refetch = Refetch::new(data, query.clone());
    live.on_event(move |event| match event {
        LiveEvent::Rollups {
            metric_id: id, buckets, ..
        } if *id == metric_id => {
            if merge_directly && data.read_untracked().bucket == Bucket::Minute {
                data.update(|panel| merge_minutes(panel, buckets));
            }
            refetch.soon();
        }
        LiveEvent::Stale { metric_id: id, .. } if *id == metric_id => refetch.soon(),
        _ => {}
    });
    let resumed = live.resumed();
    Effect::new(move |previous: Option<u64>| {
        let now = resumed.get();
        if previous.is_some_and(|p| p != now) {
            refetch.soon();
        }
        now
    });
}

/// Puts pushed minutes into the panel (replacing a bucket already there) and slides a relative
/// window forward so it keeps its span.
fn merge_minutes(panel: &mut Panel, buckets: &[crate::live::types::RollupValue]) {
    for value in buckets {
        let point = PanelPoint {
            t: value.bucket,
            count: value.count,
            sum: value.sum,
            min: value.min,
            max: value.max,
            p50: value.p50,
            p95: value.p95,
            p99: value.p99,
        };
        match panel.points.binary_search_by_key(&point.t, |p| p.t) {
            Ok(index) => panel.points[index] = point,
            Err(index) => panel.points.insert(index, point),
        }
    }
    if let Some(last) = panel.points.last().map(|p| p.t) {
        let span = panel.to - panel.from;
        if last >= panel.to {
            panel.to = last + chrono::Duration::minutes(1);
            panel.from = panel.to - span;
        }
        let from = panel.from;
        panel.points.retain(|p| p.t >= from);
    }
}

/// A debounced refetch of the panel: bursts of events cause one request.
#[derive(Clone, Copy)]
struct Refetch {
    pending: StoredValue<bool>,
    data: RwSignal<Panel>,
    query: StoredValue<PageQuery>,
}

impl Refetch {
    const DELAY_MS: u64 = 1_500;

    fn new(data: RwSignal<Panel>, query: PageQuery) -> Self {
        Self {
            pending: StoredValue::new(false),
            data,
            query: StoredValue::new(query),
        }
    }

    fn soon(self) {
        if self.pending.get_value() {
            return;
        }
        self.pending.set_value(true);
        set_timeout(
            move || {
                self.pending.set_value(false);
                let q = self.query.get_value();
                let metric = self.data.read_untracked().metric.name.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(panel) = get_panel(q.tenant, metric, q.range, q.from, q.to, q.bucket, q.labels).await {
                        self.data.set(panel);
                    }
                });
            },
            std::time::Duration::from_millis(Self::DELAY_MS),
        );
    }
}
