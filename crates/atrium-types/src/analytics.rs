//! Analytics DTOs shared by the browser and the server: metric names, time ranges and buckets as
//! kept in the URL, and the panel a chart draws.

#[cfg(feature = "server")]
pub mod ingest;

use crate::ids::{MetricId, TenantId};
use crate::labels::LabelKey;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A metric name: `[a-z0-9_.]{1,128}`. Parsed once at the edge; the database checks it again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MetricName(String);

impl MetricName {
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(crate::i18n::t("valid-metric-name"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MetricName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<MetricName> for String {
    fn from(name: MetricName) -> String {
        name.0
    }
}

/// A declared metric as listed on the analytics page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    pub metric_id: MetricId,
    pub name: String,
    pub unit: String,
    pub description: String,
    pub series: i64,
    pub created_at: DateTime<Utc>,
}

/// The visible time range. Presets are relative to "now" at query time; `Custom` is absolute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TimeRange {
    Last15m,
    #[default]
    Last1h,
    Last24h,
    Last7d,
    Last30d,
    Custom {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl TimeRange {
    pub const PRESETS: [TimeRange; 5] = [Self::Last15m, Self::Last1h, Self::Last24h, Self::Last7d, Self::Last30d];

    /// The longest range a panel may cover (rollups of the longest plan outlive it anyway).
    pub const MAX_SPAN_DAYS: i64 = 800;

    pub fn as_param(self) -> &'static str {
        match self {
            Self::Last15m => "15m",
            Self::Last1h => "1h",
            Self::Last24h => "24h",
            Self::Last7d => "7d",
            Self::Last30d => "30d",
            Self::Custom { .. } => "custom",
        }
    }

    /// Reads `range` (and `from`/`to` for a custom range, RFC 3339 or `YYYY-MM-DDTHH:MM` as a
    /// datetime-local input sends it, taken as UTC).
    pub fn parse(range: &str, from: &str, to: &str) -> Result<Self, String> {
        match range {
            "" => Ok(Self::default()),
            "custom" => {
                let from = parse_instant(from).ok_or_else(|| crate::i18n::t("valid-range-from"))?;
                let to = parse_instant(to).ok_or_else(|| crate::i18n::t("valid-range-to"))?;
                if to <= from {
                    return Err(crate::i18n::t("valid-range-order"));
                }
                if to - from > Duration::days(Self::MAX_SPAN_DAYS) {
                    return Err(crate::i18n::t("valid-range-span"));
                }
                Ok(Self::Custom { from, to })
            }
            other => Self::PRESETS
                .into_iter()
                .find(|preset| preset.as_param() == other)
                .ok_or_else(|| crate::i18n::t("valid-range")),
        }
    }

    /// The absolute window `[from, to)` this range means at `now`.
    pub fn window(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let back = match self {
            Self::Last15m => Duration::minutes(15),
            Self::Last1h => Duration::hours(1),
            Self::Last24h => Duration::hours(24),
            Self::Last7d => Duration::days(7),
            Self::Last30d => Duration::days(30),
            Self::Custom { from, to } => return (from, to),
        };
        (now - back, now)
    }

    pub fn is_relative(self) -> bool {
        !matches!(self, Self::Custom { .. })
    }
}

fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(raw, format).ok())
        .map(|naive| naive.and_utc())
}

/// The width of one chart point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Bucket {
    Minute,
    Hour,
    Day,
}

impl Bucket {
    pub const ALL: [Bucket; 3] = [Self::Minute, Self::Hour, Self::Day];
    /// More points than this makes a chart unreadable and a query slow: pick a wider bucket.
    pub const MAX_POINTS: i64 = 2_000;

    pub fn seconds(self) -> i64 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3_600,
            Self::Day => 86_400,
        }
    }
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|bucket| bucket.as_param() == value)
    }
    /// Minute up to 6 hours, hour up to 14 days, day beyond.
    pub fn auto(span: Duration) -> Self {
        if span <= Duration::hours(6) {
            Self::Minute
        } else if span <= Duration::days(14) {
            Self::Hour
        } else {
            Self::Day
        }
    }
    /// The start of the bucket containing `at` (UTC).
    pub fn floor(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let secs = self.seconds();
        let floored = at.timestamp().div_euclid(secs) * secs;
        DateTime::from_timestamp(floored, 0).unwrap_or(at)
    }
}

/// Which statistic a chart line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stat {
    Avg,
    Min,
    Max,
    P50,
    P95,
    P99,
    Count,
    Rate,
}

impl Stat {
    pub const ALL: [Stat; 8] = [
        Self::Avg,
        Self::Min,
        Self::Max,
        Self::P50,
        Self::P95,
        Self::P99,
        Self::Count,
        Self::Rate,
    ];
    /// What a panel shows when the URL does not say.
    pub const DEFAULT: [Stat; 4] = [Self::Avg, Self::P50, Self::P95, Self::P99];

    pub fn as_param(self) -> &'static str {
        match self {
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
            Self::P50 => "p50",
            Self::P95 => "p95",
            Self::P99 => "p99",
            Self::Count => "count",
            Self::Rate => "rate",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stat| stat.as_param() == value)
    }
    pub fn label(self) -> String {
        crate::i18n::t(&format!("stat-{}", self.as_param()))
    }
    pub fn of(self, point: &PanelPoint, bucket: Bucket) -> Option<f64> {
        if point.count == 0 {
            return None;
        }
        Some(match self {
            Self::Avg => point.sum / point.count as f64,
            Self::Min => point.min,
            Self::Max => point.max,
            Self::P50 => point.p50,
            Self::P95 => point.p95,
            Self::P99 => point.p99,
            Self::Count => point.count as f64,
            Self::Rate => point.count as f64 / bucket.seconds() as f64,
        })
    }
}

/// What the analytics page asks for, as kept in its URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelQuery {
    /// Platform administrators name the tenant; tenant users always get their own.
    pub tenant_id: Option<TenantId>,
    pub metric: String,
    pub range: TimeRange,
    /// `None`: chosen from the range (`Bucket::auto`).
    pub bucket: Option<Bucket>,
    /// Only series whose labels include all of these (`host=web-1,region=eu`).
    pub labels: Vec<(String, String)>,
}

impl PanelQuery {
    /// Parses `host=web-1, region=eu` into pairs; an entry without `=` is an error.
    pub fn parse_labels(raw: &str) -> Result<Vec<(String, String)>, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.split_once('=')
                    .and_then(|(k, v)| Some((LabelKey::parse(k.trim()).ok()?.into_string(), v.trim().to_owned())))
                    .ok_or_else(|| crate::i18n::t("valid-label-filter"))
            })
            .collect()
    }
    pub fn labels_param(&self) -> String {
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A panel as asked for in a URL or a form: the strings before parsing (empty means default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PanelArgs {
    pub metric: String,
    pub range: String,
    pub from: String,
    pub to: String,
    pub bucket: String,
    pub labels: String,
}

/// One bucket of a panel: all matching series merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelPoint {
    pub t: DateTime<Utc>,
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

/// A dashed line beyond the data: the next period's expected values with a band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastPoint {
    pub t: DateTime<Utc>,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnomalyPoint {
    pub t: DateTime<Utc>,
    pub value: f64,
    pub expected: f64,
    /// How many standard deviations from the expected value.
    pub score: f64,
}

/// Least-squares line over the visible range, as its two ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendLine {
    pub start: (DateTime<Utc>, f64),
    pub end: (DateTime<Utc>, f64),
    /// Change per hour of the chosen statistic.
    pub slope_per_hour: f64,
}

/// Everything one chart needs, computed on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    pub tenant_id: TenantId,
    pub metric: MetricSummary,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: Bucket,
    pub points: Vec<PanelPoint>,
    pub trend: Option<TrendLine>,
    pub forecast: Vec<ForecastPoint>,
    /// `"holt"` or `"holt-winters:<season length>"`, for the legend.
    pub forecast_method: Option<String>,
    pub anomalies: Vec<AnomalyPoint>,
}

/// The statistic trend, forecast and anomalies are computed on.
pub const ANALYSED_STAT: Stat = Stat::Avg;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_follow_the_documented_pattern() {
        assert!(MetricName::parse("http.requests_total").is_ok());
        assert!(MetricName::parse("cpu0").is_ok());
        for bad in ["", "CPU", "cpu load", "cpu-load", "é", &"a".repeat(129)] {
            assert!(MetricName::parse(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(MetricName::parse(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn ranges_parse_and_bucket_automatically() {
        assert_eq!(TimeRange::parse("24h", "", ""), Ok(TimeRange::Last24h));
        assert!(TimeRange::parse("2h", "", "").is_err());
        let custom = TimeRange::parse("custom", "2026-11-01T00:00", "2026-11-02T00:00").expect("valid");
        let now = Utc::now();
        let (from, to) = custom.window(now);
        assert_eq!(to - from, Duration::days(1));
        assert!(TimeRange::parse("custom", "2026-11-02T00:00", "2026-11-01T00:00").is_err());
        assert_eq!(Bucket::auto(Duration::hours(1)), Bucket::Minute);
        assert_eq!(Bucket::auto(Duration::days(7)), Bucket::Hour);
        assert_eq!(Bucket::auto(Duration::days(30)), Bucket::Day);
    }

    #[test]
    fn buckets_floor_to_utc_boundaries() {
        let at = DateTime::parse_from_rfc3339("2026-11-21T10:37:42Z")
            .expect("valid")
            .with_timezone(&Utc);
        assert_eq!(Bucket::Minute.floor(at).to_rfc3339(), "2026-11-21T10:37:00+00:00");
        assert_eq!(Bucket::Hour.floor(at).to_rfc3339(), "2026-11-21T10:00:00+00:00");
        assert_eq!(Bucket::Day.floor(at).to_rfc3339(), "2026-11-21T00:00:00+00:00");
    }

    #[test]
    fn label_filters_parse() {
        assert_eq!(
            PanelQuery::parse_labels(" host=web-1, region = eu ,"),
            Ok(vec![("host".into(), "web-1".into()), ("region".into(), "eu".into())])
        );
        assert!(PanelQuery::parse_labels("host").is_err());
        // A key no series can carry is refused rather than silently matching nothing.
        assert!(PanelQuery::parse_labels("bad-key=x").is_err());
        assert!(PanelQuery::parse_labels("=x").is_err());
    }
}

/// One tenant's row on the overview page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantFigures {
    pub tenant_id: TenantId,
    pub name: String,
    pub points_today: i64,
    pub active_keys: i64,
    pub users: i64,
    pub metrics: i64,
    /// Points per hour over the last 24 hours, oldest first.
    pub hourly: Vec<i64>,
}
