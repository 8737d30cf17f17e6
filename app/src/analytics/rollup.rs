//! Folding accepted points into rollup partials: per series and for the metric's aggregate over
//! all its series, at minute and hour resolution. The database merges partials into stored rows.

use super::sketch::{Bin, Sketch};
use super::types::Bucket;
use crate::ids::{MetricId, SeriesId};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Resolutions maintained on ingest. Day buckets are merged from hours at query time.
pub const RESOLUTIONS: [Bucket; 2] = [Bucket::Minute, Bucket::Hour];

/// Which series a rollup row summarizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeriesKey {
    /// Every series of the metric (stored with the nil uuid).
    All,
    One(SeriesId),
}

impl SeriesKey {
    pub fn as_uuid(self) -> Uuid {
        match self {
            Self::All => Uuid::nil(),
            Self::One(id) => id.0,
        }
    }
    pub fn from_uuid(id: Uuid) -> Self {
        if id.is_nil() {
            Self::All
        } else {
            Self::One(SeriesId(id))
        }
    }
}

/// The primary key of a rollup row within a tenant. Ordered so every writer locks rows in the
/// same order (no deadlocks between concurrent batches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RollupKey {
    pub metric_id: MetricId,
    pub resolution: Bucket,
    pub series: SeriesKey,
    pub bucket: DateTime<Utc>,
}

/// count/sum/min/max and the sketch of some values.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub sketch: Sketch,
}

impl Default for Aggregate {
    fn default() -> Self {
        Self {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sketch: Sketch::new(),
        }
    }
}

impl Aggregate {
    pub fn add(&mut self, value: f64) {
        self.add_binned(value, Bin::of(value));
    }

    /// `add` with the value's sketch bin already computed (it costs a logarithm).
    pub fn add_binned(&mut self, value: f64, bin: Bin) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.sketch.add_bin(bin);
    }

    pub fn merge(&mut self, other: &Aggregate) {
        if other.count == 0 {
            return;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sketch.merge(&other.sketch);
    }

    pub fn quantile(&self, q: f64) -> f64 {
        // Clamped to the exact extremes: the sketch's ±1% must not report a p99 above the max.
        self.sketch
            .quantile(q)
            .map_or(f64::NAN, |v| v.clamp(self.min, self.max))
    }
}

/// Partials for one batch, keyed and ordered by `RollupKey`.
#[derive(Debug, Default)]
pub struct Partials(pub BTreeMap<RollupKey, Aggregate>);

impl Partials {
    /// The partials of points sorted by series, then time. A series' points of one minute are
    /// adjacent there, so each minute is summed once and then merged into the series' hour and
    /// the metric's minute and hour: four map entries per minute of a series instead of per
    /// point. `metric_of` names each series' metric; a series it does not know is skipped.
    pub fn of_sorted(
        points: &[(SeriesId, DateTime<Utc>, f64)],
        metric_of: impl Fn(SeriesId) -> Option<MetricId>,
    ) -> Self {
        debug_assert!(points.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)));
        let mut partials = Self::default();
        let mut rest = points;
        while let Some(&(series_id, first_ts, _)) = rest.first() {
            let minute = Bucket::Minute.floor(first_ts);
            let end = minute + chrono::Duration::minutes(1);
            let len = rest
                .iter()
                .position(|&(series, ts, _)| series != series_id || ts >= end)
                .unwrap_or(rest.len());
            let (same_minute, next) = rest.split_at(len);
            rest = next;
            let Some(metric_id) = metric_of(series_id) else {
                debug_assert!(false, "a series without its metric");
                continue;
            };
            let mut aggregate = Aggregate::default();
            same_minute.iter().for_each(|&(_, _, value)| aggregate.add(value));
            let hour = Bucket::Hour.floor(first_ts);
            for (resolution, bucket) in [(Bucket::Minute, minute), (Bucket::Hour, hour)] {
                for series in [SeriesKey::All, SeriesKey::One(series_id)] {
                    partials
                        .0
                        .entry(RollupKey {
                            metric_id,
                            resolution,
                            series,
                            bucket,
                        })
                        .or_default()
                        .merge(&aggregate);
                }
            }
        }
        partials
    }

    /// One point's four partials: the reference `of_sorted` is tested against.
    #[cfg(test)]
    pub fn add(&mut self, metric_id: MetricId, series_id: SeriesId, ts: DateTime<Utc>, value: f64) {
        let bin = Bin::of(value);
        for resolution in RESOLUTIONS {
            let bucket = resolution.floor(ts);
            for series in [SeriesKey::All, SeriesKey::One(series_id)] {
                self.0
                    .entry(RollupKey {
                        metric_id,
                        resolution,
                        series,
                        bucket,
                    })
                    .or_default()
                    .add_binned(value, bin);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_point_lands_in_four_rollups() {
        let metric = MetricId::new_random();
        let (a, b) = (SeriesId::new_random(), SeriesId::new_random());
        let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("valid").with_timezone(&Utc);
        let mut partials = Partials::default();
        partials.add(metric, a, at("2026-11-21T10:00:10Z"), 1.0);
        partials.add(metric, b, at("2026-11-21T10:00:50Z"), 3.0);
        partials.add(metric, a, at("2026-11-21T10:01:00Z"), 5.0);
        // minute: all×2 buckets + a×2 + b×1 ; hour: all + a + b
        assert_eq!(partials.0.len(), 8);
        let all_first_minute = &partials.0[&RollupKey {
            metric_id: metric,
            resolution: Bucket::Minute,
            series: SeriesKey::All,
            bucket: at("2026-11-21T10:00:00Z"),
        }];
        assert_eq!((all_first_minute.count, all_first_minute.sum), (2, 4.0));
        assert_eq!((all_first_minute.min, all_first_minute.max), (1.0, 3.0));
        let all_hour = &partials.0[&RollupKey {
            metric_id: metric,
            resolution: Bucket::Hour,
            series: SeriesKey::All,
            bucket: at("2026-11-21T10:00:00Z"),
        }];
        assert_eq!(all_hour.count, 3);
    }

    #[test]
    fn sorted_points_give_the_partials_of_adding_each_point() {
        let (cpu, mem) = (MetricId::new_random(), MetricId::new_random());
        let (a, b, c) = (SeriesId::new_random(), SeriesId::new_random(), SeriesId::new_random());
        let metric_of = |series: SeriesId| Some(if series == c { mem } else { cpu });
        let start = DateTime::parse_from_rfc3339("2026-11-21T09:58:50Z")
            .expect("valid")
            .with_timezone(&Utc);
        let mut points: Vec<(SeriesId, DateTime<Utc>, f64)> = (0..90i64)
            .map(|i| {
                let series = [a, b, c][(i % 3) as usize];
                (series, start + chrono::Duration::seconds(i * 7), (i % 11) as f64 * 1.5)
            })
            .collect();
        let mut expected = Partials::default();
        for &(series, ts, value) in &points {
            expected.add(metric_of(series).expect("known"), series, ts, value);
        }
        points.sort_by_key(|&(series, ts, _)| (series, ts));
        let sorted = Partials::of_sorted(&points, metric_of);
        assert_eq!(
            sorted.0.keys().collect::<Vec<_>>(),
            expected.0.keys().collect::<Vec<_>>()
        );
        for (key, want) in &expected.0 {
            let got = &sorted.0[key];
            assert_eq!(
                (got.count, got.min, got.max),
                (want.count, want.min, want.max),
                "{key:?}"
            );
            assert!((got.sum - want.sum).abs() < 1e-9, "{key:?}");
            assert_eq!(got.sketch.encode(), want.sketch.encode(), "{key:?}");
        }
    }

    #[test]
    fn quantiles_never_leave_the_exact_extremes() {
        let mut aggregate = Aggregate::default();
        [10.0, 10.0, 10.0].into_iter().for_each(|v| aggregate.add(v));
        assert_eq!(aggregate.quantile(0.99), 10.0);
    }
}
