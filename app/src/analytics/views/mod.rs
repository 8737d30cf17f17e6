//! The analytics page: pick a metric, range, bucket, label filter and statistics (all kept in the
//! URL, so a GET form works before hydration), see the chart with trend, forecast and anomalies,
//! the same data as a table, and export it. New minutes arrive over `/ws` without a reload.

pub mod page;
pub mod panel;

use crate::analytics::api::get_panel;
use crate::analytics::types::{Bucket, Panel, Stat};
use crate::ids::TenantId;
use atrium_types::locale::Precision;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

const PATH: &str = "/analytics";

/// The page's state as read from its URL.
#[derive(Debug, Clone, PartialEq)]
pub struct PageQuery {
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

/// Times in tables and lists: UTC, so the server's render and the browser's agree; to the
/// bucket's precision, in the page's language.
fn format_time(time: DateTime<Utc>, bucket: Bucket) -> String {
    let precision = match bucket {
        Bucket::Minute => Precision::Minute,
        Bucket::Hour => Precision::Hour,
        Bucket::Day => Precision::Day,
    };
    atrium_types::locale::moment(crate::i18n::language(), time, precision)
}

fn format_value(value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if v.abs() >= 1e6 || (v != 0.0 && v.abs() < 1e-3) => crate::i18n::format_digits(&format!("{v:.3e}")),
        Some(v) => crate::i18n::format_number(v),
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
