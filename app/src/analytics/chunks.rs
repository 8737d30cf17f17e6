//! How a batch's raw points are cut into stored chunks: per series and UTC day, in time order, at
//! most `MAX_POINTS` each, laid out as flat arrays plus 1-based inclusive bounds for SQL slices.

use crate::ids::SeriesId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Points per chunk (the table's CHECK says the same): a full chunk is about 1.7 kB, under
/// PostgreSQL's TOAST threshold, so it is written inline and never compressed.
pub const MAX_POINTS: usize = 100;

/// A batch's chunks: chunk `i` is `ts[starts[i]..=ends[i]]` (1-based, as SQL slices count).
#[derive(Debug, Default, PartialEq)]
pub struct Chunks {
    pub series_ids: Vec<Uuid>,
    pub starts: Vec<i32>,
    pub ends: Vec<i32>,
    pub ts: Vec<DateTime<Utc>>,
    pub values: Vec<f64>,
}

impl Chunks {
    /// The chunks of points in any order (ingestion sorts first and calls `of_sorted`).
    #[cfg(test)]
    pub fn of(points: &[(SeriesId, DateTime<Utc>, f64)]) -> Self {
        let mut sorted = points.to_vec();
        // Stable: equal timestamps keep the order they were sent in.
        sorted.sort_by_key(|&(series, ts, _)| (series, ts));
        Self::of_sorted(&sorted)
    }

    /// The chunks of points already sorted by series, then time (as ingestion sorts a batch once
    /// for its chunks and its rollups).
    pub fn of_sorted(points: &[(SeriesId, DateTime<Utc>, f64)]) -> Self {
        debug_assert!(points.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)));
        let mut chunks = Self {
            ts: Vec::with_capacity(points.len()),
            values: Vec::with_capacity(points.len()),
            ..Self::default()
        };
        let mut open: Option<(SeriesId, chrono::NaiveDate, usize)> = None;
        for &(series, ts, value) in points {
            let day = ts.date_naive();
            let position = chunks.ts.len();
            let continues =
                matches!(open, Some((s, d, first)) if s == series && d == day && position - first < MAX_POINTS);
            if !continues {
                chunks.close(open.map(|(_, _, first)| first));
                chunks.series_ids.push(series.0);
                open = Some((series, day, position));
            }
            chunks.ts.push(ts);
            chunks.values.push(value);
        }
        chunks.close(open.map(|(_, _, first)| first));
        chunks
    }

    /// Records the bounds of the chunk that began at `first` and ends at the last point pushed.
    fn close(&mut self, first: Option<usize>) {
        if let Some(first) = first {
            self.starts.push(i32::try_from(first + 1).unwrap_or(i32::MAX));
            self.ends.push(i32::try_from(self.ts.len()).unwrap_or(i32::MAX));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn points_are_grouped_per_series_in_time_order() {
        let (a, b) = (SeriesId::new_random(), SeriesId::new_random());
        let points = [
            (a, at("2026-12-05T10:00:20Z"), 3.0),
            (b, at("2026-12-05T10:00:00Z"), 10.0),
            (a, at("2026-12-05T10:00:00Z"), 1.0),
            (a, at("2026-12-05T10:00:10Z"), 2.0),
        ];
        let chunks = Chunks::of(&points);
        assert_eq!(chunks.series_ids.len(), 2);
        let (first, second) = if a < b { (0, 1) } else { (1, 0) };
        let slice = |i: usize| {
            let (lo, hi) = (chunks.starts[i] as usize - 1, chunks.ends[i] as usize);
            (chunks.series_ids[i], chunks.values[lo..hi].to_vec())
        };
        assert_eq!(slice(first), (a.0, vec![1.0, 2.0, 3.0]));
        assert_eq!(slice(second), (b.0, vec![10.0]));
        for (lo, hi) in chunks.starts.iter().zip(&chunks.ends) {
            let slice = &chunks.ts[*lo as usize - 1..*hi as usize];
            assert!(slice.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn a_chunk_never_crosses_midnight_or_the_size_limit() {
        let a = SeriesId::new_random();
        let start = at("2026-12-05T23:50:00Z");
        let points: Vec<_> = (0..250)
            .map(|i| (a, start + chrono::Duration::seconds(i * 3), i as f64))
            .collect();
        let chunks = Chunks::of(&points);
        // 200 points before midnight (100 + 100), 50 after.
        let sizes: Vec<i32> = chunks
            .starts
            .iter()
            .zip(&chunks.ends)
            .map(|(lo, hi)| hi - lo + 1)
            .collect();
        assert_eq!(sizes, vec![100, 100, 50]);
        for (lo, hi) in chunks.starts.iter().zip(&chunks.ends) {
            let (first, last) = (chunks.ts[*lo as usize - 1], chunks.ts[*hi as usize - 1]);
            assert_eq!(first.date_naive(), last.date_naive());
            assert!(first <= last);
        }
        assert_eq!(chunks.values.len(), 250);
    }

    #[test]
    fn no_points_no_chunks() {
        let chunks = Chunks::of(&[]);
        assert!(chunks.series_ids.is_empty());
        assert!(chunks.ts.is_empty());
    }
}
