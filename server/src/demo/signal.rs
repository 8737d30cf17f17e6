//! What each demo series measures at a moment: a daily rhythm, noise, and scripted incidents. The
//! week of history and the live generator both call it, so the chart joins up where one hands
//! over to the other. Deterministic (a hash of series and time, no random source), so a test can
//! predict what the demo shows.

use atrium_app::analytics::ingest::{Labels, ValidPoint};
use atrium_app::analytics::types::MetricName;
use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The metric the default "Slow responses (p95)" rule watches.
pub const LATENCY: &str = "http.request.duration_ms";
/// The metric the default "High error rate" rule watches (one point per failed request).
pub const ERRORS: &str = "http.errors";
pub const CPU: &str = "system.cpu.percent";
pub const QUEUE: &str = "queue.depth";

/// The host that slows down in the demo's incidents.
pub const SLOW_HOST: &str = "web-3";
/// The hosts whose requests fail during an error burst.
const FAILING_REGION: &str = "us-east";

/// Live incident cycles, from the anchor: web-3 is slow for the first 25 minutes of every 40,
/// and us-east fails requests for the first 35 minutes of every 60, so alerts fire, resolve and
/// fire again while someone watches.
const SLOW_CYCLE_S: i64 = 40 * 60;
const SLOW_FOR_S: i64 = 25 * 60;
const ERROR_CYCLE_S: i64 = 60 * 60;
const ERRORS_FOR_S: i64 = 35 * 60;

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Request durations in milliseconds, `per_minute` samples a minute.
    Latency { base_ms: f64, per_minute: i64 },
    /// One point (value 1) per failed request.
    Errors,
    /// CPU use in percent, once a minute.
    Cpu,
    /// Jobs waiting, once a minute; carries the anomaly.
    Queue,
}

impl Kind {
    /// Seconds between the moments a series is sampled.
    fn period_s(self) -> i64 {
        match self {
            Self::Latency { per_minute, .. } => 60 / per_minute.clamp(1, 60),
            Self::Errors => 5,
            Self::Cpu | Self::Queue => 60,
        }
    }
}

/// One demo series: a metric, its labels, what it measures.
#[derive(Debug, Clone)]
pub struct Series {
    pub metric: MetricName,
    pub labels: Labels,
    pub kind: Kind,
    host: Option<&'static str>,
    region: Option<&'static str>,
    /// Tells the series' noise apart.
    key: u64,
}

/// A host of a demo tenant: its name, region and usual median response time.
struct Host {
    name: &'static str,
    region: &'static str,
    base_ms: f64,
}

const ACME_HOSTS: [Host; 4] = [
    Host {
        name: "web-1",
        region: "eu-west",
        base_ms: 70.0,
    },
    Host {
        name: "web-2",
        region: "eu-west",
        base_ms: 80.0,
    },
    Host {
        name: SLOW_HOST,
        region: FAILING_REGION,
        base_ms: 95.0,
    },
    Host {
        name: "web-4",
        region: FAILING_REGION,
        base_ms: 90.0,
    },
];

const GLOBEX_HOSTS: [Host; 2] = [
    Host {
        name: "app-1",
        region: "eu-central",
        base_ms: 120.0,
    },
    Host {
        name: "app-2",
        region: "eu-central",
        base_ms: 135.0,
    },
];

/// The demo tenants that get metrics, by slug.
pub const TENANTS: [&str; 2] = ["acme", "globex"];

/// The series of the demo tenant `slug` (none for a tenant the demo does not know).
pub fn series_of(slug: &str) -> Vec<Series> {
    let (hosts, per_minute, errors_and_queue): (&[Host], i64, bool) = match slug {
        "acme" => (&ACME_HOSTS, 5, true),
        "globex" => (&GLOBEX_HOSTS, 3, false),
        _ => return Vec::new(),
    };
    let mut series = Vec::new();
    for host in hosts {
        let mut kinds = vec![
            (
                LATENCY,
                Kind::Latency {
                    base_ms: host.base_ms,
                    per_minute,
                },
            ),
            (CPU, Kind::Cpu),
        ];
        if errors_and_queue {
            kinds.push((ERRORS, Kind::Errors));
        }
        for (metric, kind) in kinds {
            series.extend(new_series(
                metric,
                &[("host", host.name), ("region", host.region)],
                kind,
                Some(host.name),
                Some(host.region),
            ));
        }
    }
    if errors_and_queue {
        series.extend(new_series(QUEUE, &[("queue", "emails")], Kind::Queue, None, None));
    }
    series
}

fn new_series(
    metric: &'static str,
    labels: &[(&'static str, &'static str)],
    kind: Kind,
    host: Option<&'static str>,
    region: Option<&'static str>,
) -> Option<Series> {
    let labels: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let key = fnv(metric
        .bytes()
        .chain(labels.iter().flat_map(|(k, v)| k.bytes().chain(v.bytes()))));
    // The names above are valid metric names: a test counts every series.
    Some(Series {
        metric: MetricName::parse(metric).ok()?,
        labels: Arc::new(labels),
        kind,
        host,
        region,
        key,
    })
}

/// When the demo's incidents happen: the scripted past ones, and the live cycles from `anchor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script {
    /// The start of the first live incident cycle (a quarter of an hour before the server
    /// started, so a fresh run opens in the middle of one).
    pub anchor: DateTime<Utc>,
}

impl Script {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            anchor: start - Duration::minutes(15),
        }
    }

    /// When the queue backs up for twenty minutes: about three hours before the anchor.
    pub fn queue_spike(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.anchor - Duration::minutes(185);
        (start, start + Duration::minutes(20))
    }

    /// A past incident on web-3 two days before: it shows in the week's chart.
    fn past_slowdown(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.anchor - Duration::hours(53);
        (start, start + Duration::minutes(40))
    }

    fn live_phase(self, at: DateTime<Utc>, cycle_s: i64, on_s: i64) -> bool {
        let since = (at - self.anchor).num_seconds();
        since >= 0 && since.rem_euclid(cycle_s) < on_s
    }

    /// Whether web-3 answers slowly at `at`.
    pub fn slow(self, at: DateTime<Utc>) -> bool {
        let (from, to) = self.past_slowdown();
        (from..to).contains(&at) || self.live_phase(at, SLOW_CYCLE_S, SLOW_FOR_S)
    }

    /// Whether us-east fails requests at `at`.
    pub fn failing(self, at: DateTime<Utc>) -> bool {
        self.live_phase(at, ERROR_CYCLE_S, ERRORS_FOR_S)
    }
}

/// Traffic from 0 (night) to 1 (the afternoon peak, 15:00 UTC); weekends run at 70 %.
pub fn load(at: DateTime<Utc>) -> f64 {
    let day = f64::from(at.num_seconds_from_midnight()) / 86_400.0;
    let rhythm = 0.5 + 0.5 * (std::f64::consts::TAU * (day - 0.375)).sin();
    match at.weekday() {
        Weekday::Sat | Weekday::Sun => rhythm * 0.7,
        _ => rhythm,
    }
}

/// The points of `series` at its sampling moments in `(from, to]`, with indexes from `first`.
pub fn points(
    series: &Series,
    script: Script,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    first: usize,
) -> Vec<ValidPoint> {
    let period = series.kind.period_s();
    let mut moment = (from.timestamp().div_euclid(period) + 1) * period;
    let end = to.timestamp();
    let mut out = Vec::new();
    while moment <= end {
        let Some(at) = DateTime::from_timestamp(moment, 0) else {
            break;
        };
        for value in values(series, script, at) {
            out.push(ValidPoint {
                index: first + out.len(),
                metric: series.metric.clone(),
                ts: at,
                value,
                labels: Arc::clone(&series.labels),
            });
        }
        moment += period;
    }
    out
}

/// What `series` reports at `at`: one value, or for errors one point per failed request.
fn values(series: &Series, script: Script, at: DateTime<Utc>) -> Vec<f64> {
    let load = load(at);
    let seed = series.key ^ (at.timestamp() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let z = gaussian(seed);
    let slow = series.host == Some(SLOW_HOST) && script.slow(at);
    match series.kind {
        Kind::Latency { base_ms, .. } => {
            let typical = base_ms * (1.0 + 0.6 * load) * if slow { 9.0 } else { 1.0 };
            vec![round1(typical * (0.35 * z).exp())]
        }
        Kind::Cpu => {
            let busy = if slow {
                88.0 + 3.0 * z
            } else {
                18.0 + 45.0 * load + 4.0 * z
            };
            vec![round1(busy.clamp(0.0, 100.0))]
        }
        Kind::Queue => {
            let (from, to) = script.queue_spike();
            let depth = if (from..to).contains(&at) {
                380.0 + 20.0 * z
            } else {
                12.0 + 30.0 * load + 3.0 * z
            };
            vec![depth.max(0.0).round()]
        }
        Kind::Errors => {
            // Failed requests in these five seconds: a trickle that follows traffic, or a burst
            // of 45 a minute per host while its region fails (1.5 a second for the region).
            let per_minute = if series.region == Some(FAILING_REGION) && script.failing(at) {
                45.0
            } else {
                0.6 * (0.5 + load)
            };
            let expected = per_minute / 12.0;
            let count = poisson(expected, seed);
            vec![1.0; count]
        }
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// A draw from a Poisson distribution with mean `mean` (Knuth's method; the means here are small).
fn poisson(mean: f64, seed: u64) -> usize {
    let limit = (-mean).exp();
    let mut product = 1.0;
    let mut count = 0;
    let mut state = seed;
    loop {
        state = splitmix(state);
        product *= unit(state);
        if product <= limit || count >= 1_000 {
            return count;
        }
        count += 1;
    }
}

/// A standard normal draw (Box–Muller) from `seed`.
fn gaussian(seed: u64) -> f64 {
    let a = splitmix(seed);
    let b = splitmix(a);
    let u1 = unit(a).max(f64::MIN_POSITIVE);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * unit(b)).cos()
}

/// A uniform draw in [0, 1) from 53 bits of `bits`.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// SplitMix64: a well-mixed next state.
fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    fn p95(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[(values.len() * 95).div_ceil(100) - 1]
    }

    fn latency_over(script: Script, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<f64> {
        series_of("acme")
            .iter()
            .filter(|s| s.metric.as_str() == LATENCY)
            .flat_map(|s| points(s, script, from, to, 0))
            .map(|p| p.value)
            .collect()
    }

    #[test]
    fn every_demo_series_has_a_valid_name_and_distinct_labels() {
        for (slug, count) in [("acme", 4 * 3 + 1), ("globex", 2 * 2)] {
            let series = series_of(slug);
            assert_eq!(series.len(), count, "{slug}");
            let mut seen = std::collections::HashSet::new();
            for s in &series {
                assert!(seen.insert((s.metric.as_str().to_owned(), s.labels.clone())), "{s:?}");
            }
        }
        assert!(series_of("initech").is_empty());
    }

    #[test]
    fn the_p95_crosses_the_default_rule_exactly_while_web_3_is_slow() {
        let start = at("2026-12-07T14:00:00Z");
        let script = Script::starting_at(start);
        // Slow from the anchor (13:45) for 25 minutes, then healthy until 14:25.
        assert!(script.slow(start) && !script.slow(start + Duration::minutes(15)));
        let slow = latency_over(script, start - Duration::minutes(5), start);
        let healthy = latency_over(script, start + Duration::minutes(15), start + Duration::minutes(20));
        assert_eq!(slow.len(), 4 * 5 * 5, "four hosts, five samples a minute");
        assert!(p95(slow) > 500.0, "the rule's threshold is 500 ms");
        assert!(p95(healthy) < 400.0);
    }

    #[test]
    fn us_east_fails_above_the_default_rate_during_a_burst_only() {
        let start = at("2026-12-07T14:00:00Z");
        let script = Script::starting_at(start);
        let errors = |from: DateTime<Utc>| -> usize {
            series_of("acme")
                .iter()
                .filter(|s| s.metric.as_str() == ERRORS)
                .map(|s| points(s, script, from, from + Duration::minutes(5), 0).len())
                .sum()
        };
        // The rule: more than 1 per second over 5 minutes, i.e. more than 300 points.
        assert!(errors(start - Duration::minutes(5)) > 300);
        assert!(
            errors(start + Duration::minutes(25)) < 100,
            "the burst is over at 14:20"
        );
        assert!(errors(start - Duration::hours(30)) < 100, "no burst before the anchor");
    }

    #[test]
    fn history_and_live_points_agree_where_they_meet() {
        let script = Script::starting_at(at("2026-12-07T14:00:00Z"));
        let series = &series_of("acme")[0];
        let whole = points(
            series,
            script,
            at("2026-12-07T13:58:00Z"),
            at("2026-12-07T14:02:00Z"),
            0,
        );
        let mut halves = points(
            series,
            script,
            at("2026-12-07T13:58:00Z"),
            at("2026-12-07T14:00:00Z"),
            0,
        );
        halves.extend(points(
            series,
            script,
            at("2026-12-07T14:00:00Z"),
            at("2026-12-07T14:02:00Z"),
            0,
        ));
        let pairs = |p: &[ValidPoint]| p.iter().map(|p| (p.ts, p.value.to_bits())).collect::<Vec<_>>();
        assert_eq!(pairs(&whole), pairs(&halves));
        assert_eq!(whole.len(), 4 * 5);
    }

    #[test]
    fn traffic_peaks_in_the_afternoon_and_is_lighter_at_weekends() {
        let peak = load(at("2026-12-07T15:00:00Z"));
        let night = load(at("2026-12-07T03:00:00Z"));
        assert!(peak > 0.99 && night < 0.01, "{peak} {night}");
        assert!(load(at("2026-12-06T15:00:00Z")) < 0.71, "a Sunday");
    }
}
