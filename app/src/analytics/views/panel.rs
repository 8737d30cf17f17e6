//! A panel: the chart with trend, forecast and anomalies, the same data as a table, and new minutes merged in live.

use super::{PageQuery, Refetch, format_time, format_value};
use crate::analytics::api::UpdateMetric;
use crate::analytics::types::{Bucket, Panel, PanelPoint, Stat, TimeRange};
use crate::components::chart::Chart;
use crate::components::hooks::use_can;
use crate::i18n::{t, t_args};
use crate::permissions::types::Permission;
use leptos::prelude::*;

/// The chart, its annotations, the data table and the export links for one loaded panel. Live
/// minutes are merged into a local copy of the panel.
#[component]
pub(super) fn PanelView(panel: Panel, query: PageQuery, can_export: Signal<bool>) -> impl IntoView {
    let stats = query.stats.clone();
    let data = RwSignal::new(panel);
    follow_live(data, &query);
    let chart = Signal::derive({
        let stats = stats.clone();
        move || crate::analytics::chart::build(&data.read(), &stats)
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

/// The overview's live chart (a workspace's members with analytics): the last hour of the
/// metric that matters most now, by minute, following new minutes as they arrive; its title
/// opens the metric on the analytics page. Nothing when there is nothing to chart yet.
#[component]
pub fn OverviewChart() -> impl IntoView {
    let panel = crate::components::resource::page_resource(|| (), |()| crate::analytics::api::get_overview_panel());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                panel.await.ok().flatten().map(|panel| view! { <OverviewPanel panel /> })
            })}
        </Transition>
    }
}

#[component]
fn OverviewPanel(panel: Panel) -> impl IntoView {
    let stats = Stat::DEFAULT.to_vec();
    let query = super::PageQuery {
        tenant: None,
        metric: panel.metric.name.clone(),
        range: crate::analytics::types::TimeRange::Last1h.as_param().to_owned(),
        from: String::new(),
        to: String::new(),
        bucket: Bucket::Minute.as_param().to_owned(),
        labels: String::new(),
        stats: stats.clone(),
        table: false,
    };
    let href = format!("/analytics?metric={}&range=1h", crate::paging::encode(&query.metric));
    let data = RwSignal::new(panel);
    follow_live(data, &query);
    let chart = Signal::derive(move || crate::analytics::chart::build(&data.read(), &stats));
    let label = Signal::derive(move || {
        let panel = data.read();
        t_args(
            "overview-chart-label",
            &[
                ("metric", &panel.metric.name),
                ("points", &panel.points.len().to_string()),
            ],
        )
    });
    view! {
        <section class="card overview-chart" aria-labelledby="overview-chart-title">
            <h2 id="overview-chart-title">
                <crate::components::link::A href=href>{move || data.read().metric.name.clone()}</crate::components::link::A>
            </h2>
            <p class="muted">{move || panel_caption(&data.read())}</p>
            <Chart id="overview-chart".to_owned() label chart height=240 />
        </section>
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
