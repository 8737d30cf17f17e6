//! Ingestion over HTTP: `clients` concurrent collectors, each on its own kept-alive connection,
//! take the next batch of the dataset (batches are handed out in time order), POST it to
//! `/api/v1/metrics` as JSON and wait for the answer: an acknowledged batch is committed. The
//! figure is points accepted per second of wall-clock time from the first request to the last
//! answer; beside it the batch latency, and the CPU seconds the server, PostgreSQL and this client
//! spent, which a noisy shared machine disturbs far less than throughput.

use crate::dataset::Dataset;
use crate::http::Client;
use crate::procfs;
use crate::stats::{Summary, round3};
use anyhow::{Result, bail};
use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The ingestion endpoint.
pub const PATH: &str = "/api/v1/metrics";
/// Atrium's default body limit (`ATRIUM_INGEST_MAX_BYTES`).
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// Attempts per batch when the server asks to come back later (429/503) or the connection drops.
const MAX_ATTEMPTS: u32 = 20;
/// Errors kept verbatim for the report.
const KEPT_ERRORS: usize = 5;

/// What to ingest and how.
pub struct Plan<'a> {
    pub dataset: &'a Dataset,
    pub addr: SocketAddr,
    pub key: &'a str,
    pub batch: usize,
    pub clients: usize,
    pub server_pid: u32,
    pub postmaster_pid: Option<u32>,
}

/// Shared progress of the collectors.
#[derive(Default)]
struct Tally {
    next_batch: AtomicU64,
    accepted: AtomicU64,
    rejected: AtomicU64,
    failed_points: AtomicU64,
    retries: AtomicU64,
    latencies: Mutex<Vec<Duration>>,
    errors: Mutex<Vec<String>>,
}

impl Tally {
    fn error(&self, message: String) {
        if let Ok(mut errors) = self.errors.lock()
            && errors.len() < KEPT_ERRORS
        {
            errors.push(message);
        }
    }
}

/// The ingestion figures.
#[derive(Debug)]
pub struct Report {
    pub points: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub failed: u64,
    pub retries: u64,
    pub seconds: f64,
    pub batch_latency: Option<Summary>,
    pub server_cpu_s: Option<f64>,
    pub postgres_cpu_s: Option<f64>,
    pub client_cpu_s: f64,
    pub server_peak_rss_kib: Option<u64>,
    pub errors: Vec<String>,
}

impl Report {
    pub fn points_per_s(&self) -> f64 {
        self.accepted as f64 / self.seconds.max(1e-9)
    }

    /// CPU microseconds per accepted point, summed over the processes measured.
    pub fn cpu_us_per_point(&self) -> Option<f64> {
        let total = self.server_cpu_s? + self.postgres_cpu_s?;
        Some(total * 1e6 / self.accepted.max(1) as f64)
    }

    pub fn to_json(&self, batch: usize, clients: usize) -> Value {
        json!({
            "points": self.points,
            "batch": batch,
            "clients": clients,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "failed": self.failed,
            "retries": self.retries,
            "seconds": round3(self.seconds),
            "points_per_s": self.points_per_s().round(),
            "batch_latency": self.batch_latency.map(Summary::to_json),
            "server_cpu_s": self.server_cpu_s.map(round3),
            "postgres_cpu_s": self.postgres_cpu_s.map(round3),
            "client_cpu_s": round3(self.client_cpu_s),
            "server_and_postgres_cpu_us_per_point": self.cpu_us_per_point().map(round3),
            "server_peak_rss_kib": self.server_peak_rss_kib,
            "errors": self.errors,
        })
    }
}

/// Sends the whole dataset and returns the figures. Fails early when nothing gets accepted (a
/// wrong key, a missing endpoint) rather than hammering a server that refuses everything.
pub async fn run(plan: Plan<'_>) -> Result<Report> {
    let batch = plan.batch.max(1) as u64;
    let batches = plan.dataset.points.div_ceil(batch);
    let tally = Arc::new(Tally::default());
    let dataset = Arc::new(plan.dataset.clone());
    let cpu_before = (
        procfs::cpu_seconds(plan.server_pid),
        plan.postmaster_pid.and_then(procfs::tree_cpu_seconds),
        procfs::own_cpu_seconds(),
    );
    let started = Instant::now();

    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..plan.clients.max(1) {
        let (tally, dataset) = (Arc::clone(&tally), Arc::clone(&dataset));
        let mut client = Client::new(plan.addr, Some(plan.key))?;
        workers.spawn(async move { collector(&mut client, &dataset, batch, batches, &tally).await });
    }
    let progress = tokio::spawn(report_progress(Arc::clone(&tally), plan.dataset.points, started));
    let mut outcome = Ok(());
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                // One collector gave up: stop handing out batches so the others finish.
                tally.next_batch.store(batches, Ordering::Relaxed);
                outcome = Err(err);
            }
            Err(err) => outcome = Err(err.into()),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    progress.abort();
    outcome?;

    let cpu_delta = |before: Option<f64>, after: Option<f64>| Some(after? - before?);
    let latencies = tally.latencies.lock().map(|l| l.clone()).unwrap_or_default();
    Ok(Report {
        points: plan.dataset.points,
        accepted: tally.accepted.load(Ordering::Relaxed),
        rejected: tally.rejected.load(Ordering::Relaxed),
        failed: tally.failed_points.load(Ordering::Relaxed),
        retries: tally.retries.load(Ordering::Relaxed),
        seconds,
        batch_latency: Summary::of(&latencies),
        server_cpu_s: cpu_delta(cpu_before.0, procfs::cpu_seconds(plan.server_pid)),
        postgres_cpu_s: cpu_delta(cpu_before.1, plan.postmaster_pid.and_then(procfs::tree_cpu_seconds)),
        client_cpu_s: procfs::own_cpu_seconds() - cpu_before.2,
        server_peak_rss_kib: procfs::peak_rss_kib(plan.server_pid),
        errors: tally.errors.lock().map(|e| e.clone()).unwrap_or_default(),
    })
}

/// One simulated collector: takes batches until none are left.
async fn collector(client: &mut Client, dataset: &Dataset, batch: u64, batches: u64, tally: &Tally) -> Result<()> {
    let mut body = String::with_capacity(batch as usize * 110);
    loop {
        let index = tally.next_batch.fetch_add(1, Ordering::Relaxed);
        if index >= batches {
            return Ok(());
        }
        let (from, to) = (index * batch, ((index + 1) * batch).min(dataset.points));
        body.clear();
        dataset.write_json_batch(from, to, &mut body);
        if body.len() > DEFAULT_MAX_BYTES {
            bail!(
                "a batch of {batch} points is {} bytes, over Atrium's default 1 MiB body limit: use a smaller --batch",
                body.len()
            );
        }
        let body = Bytes::copy_from_slice(body.as_bytes());
        send_batch(client, body, to - from, tally).await?;
        let (accepted, failed) = (
            tally.accepted.load(Ordering::Relaxed),
            tally.failed_points.load(Ordering::Relaxed),
        );
        if accepted == 0 && failed >= 10 * batch {
            let first = tally
                .errors
                .lock()
                .ok()
                .and_then(|e| e.first().cloned())
                .unwrap_or_default();
            bail!("the server accepts no points; first error: {first}");
        }
    }
}

/// Sends one batch, retrying when told to wait (429/503) or when the connection drops.
async fn send_batch(client: &mut Client, body: Bytes, points: u64, tally: &Tally) -> Result<()> {
    for attempt in 1..=MAX_ATTEMPTS {
        let sent = Instant::now();
        let response = match client
            .send(Method::POST, PATH, Some("application/json"), body.clone())
            .await
        {
            Ok(response) => response,
            Err(err) => {
                tally.error(format!("transport: {err:#}"));
                tally.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                continue;
            }
        };
        let elapsed = sent.elapsed();
        match response.status {
            StatusCode::OK | StatusCode::MULTI_STATUS => {
                let (accepted, rejected) = parse_outcome(&response.body, points);
                if rejected > 0 {
                    tally.error(format!("{}: {}", response.status, response.snippet(300)));
                }
                tally.accepted.fetch_add(accepted, Ordering::Relaxed);
                tally.rejected.fetch_add(rejected, Ordering::Relaxed);
                if let Ok(mut latencies) = tally.latencies.lock() {
                    latencies.push(elapsed);
                }
                return Ok(());
            }
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                tally.retries.fetch_add(1, Ordering::Relaxed);
                let wait = response.retry_after.unwrap_or(1).min(30);
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            status => {
                tally.error(format!("{status}: {}", response.snippet(300)));
                tally.failed_points.fetch_add(points, Ordering::Relaxed);
                return Ok(());
            }
        }
    }
    tally.failed_points.fetch_add(points, Ordering::Relaxed);
    Ok(())
}

/// `{"accepted":N,"rejected":[…]}`; a body that does not say counts the batch as accepted.
fn parse_outcome(body: &[u8], points: u64) -> (u64, u64) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (points, 0);
    };
    let accepted = value.get("accepted").and_then(Value::as_u64).unwrap_or(points);
    let rejected = match value.get("rejected") {
        Some(Value::Array(items)) => items.len() as u64,
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        _ => points.saturating_sub(accepted),
    };
    (accepted, rejected)
}

async fn report_progress(tally: Arc<Tally>, total: u64, started: Instant) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    loop {
        tick.tick().await;
        let done = tally.accepted.load(Ordering::Relaxed) + tally.failed_points.load(Ordering::Relaxed);
        let elapsed = started.elapsed().as_secs_f64();
        let rate = done as f64 / elapsed.max(1e-9);
        let eta = total.saturating_sub(done) as f64 / rate.max(1e-9);
        let load = procfs::loadavg();
        eprintln!(
            "bench: ingested {done}/{total} points, {rate:.0} points/s, about {eta:.0} s left (load {:.2})",
            load[0]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_read_leniently() {
        assert_eq!(parse_outcome(br#"{"accepted":5,"rejected":[]}"#, 5), (5, 0));
        assert_eq!(
            parse_outcome(br#"{"accepted":3,"rejected":[{"index":1},{"index":4}]}"#, 5),
            (3, 2)
        );
        assert_eq!(parse_outcome(b"not json", 5), (5, 0));
        assert_eq!(parse_outcome(br#"{"accepted":4}"#, 5), (4, 1));
    }
}
