//! Times `forecast` on 2000-point series, the size of the largest chart, to check the fitting cost.
//!
//! Run with `cargo run --release -p series-analysis --example forecast_timing`.

use series_analysis::{Sample, forecast};
use std::f64::consts::TAU;
use std::time::{Duration, Instant};

const POINTS: u32 = 2_000;
const STEP: f64 = 60.0;
const HORIZON: usize = 120;
const RUNS: u32 = 20;

/// Fixed-seed noise (Knuth's MMIX LCG), so that every run times the same series.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 / (1_u64 << 53) as f64 - 0.5) * 6.0
    }
}

/// A slow upward trend with noise, plus a sine of `season` steps if given.
fn series(season: Option<f64>) -> Vec<Sample> {
    let mut noise = Noise(1);
    (0..POINTS)
        .map(|i| {
            let x = f64::from(i);
            let seasonal = season.map_or(0.0, |period| 10.0 * (TAU * x / period).sin());
            (
                1_767_225_600.0 + x * STEP,
                Some(50.0 + 0.01 * x + seasonal + noise.next()),
            )
        })
        .collect()
}

fn main() {
    for (name, season) in [
        ("season of 24 steps", Some(24.0)),
        ("season of 480 steps", Some(480.0)),
        ("no season", None),
    ] {
        let samples = series(season);
        let (mut total, mut slowest, mut method) = (Duration::ZERO, Duration::ZERO, None);
        for _ in 0..RUNS {
            let started = Instant::now();
            let result = forecast(&samples, STEP, HORIZON);
            let elapsed = started.elapsed();
            method = result.map(|f| f.method);
            total += elapsed;
            slowest = slowest.max(elapsed);
        }
        println!(
            "{name}: {method:?}, mean {:?}, slowest {slowest:?} over {RUNS} runs",
            total / RUNS
        );
    }
}
