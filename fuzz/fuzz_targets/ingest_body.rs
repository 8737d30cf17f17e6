//! `POST /api/v1/metrics` bodies: arbitrary bytes as JSON and as NDJSON. The parser must answer
//! every input with points or reasons, never panic, and never accept more than the limits allow.
#![no_main]

use atrium_types::analytics::ingest::{BodyFormat, IngestLimits, parse_batch};
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let limits = IngestLimits {
        max_points: 64,
        ..IngestLimits::default()
    };
    // A fixed clock: a finding must reproduce tomorrow.
    let Some(now) = Utc.timestamp_opt(1_780_000_000, 0).single() else {
        return;
    };
    for format in [BodyFormat::Json, BodyFormat::NdJson] {
        if let Ok(batch) = parse_batch(body, format, &limits, now) {
            assert!(batch.points.len() <= limits.max_points, "more points than the limit");
            for point in &batch.points {
                assert!(point.value.is_finite(), "a non-finite value was accepted");
            }
        }
    }
});
