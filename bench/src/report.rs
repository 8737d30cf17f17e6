//! The results of one run: `results.json` (everything, machine-readable) and `summary.md` (the
//! tables a person reads), both in the run's results directory.

use crate::dataset::{self, Dataset};
use crate::ingest;
use crate::options::Options;
use crate::panels::Outcome;
use crate::peer;
use crate::stats::round3;
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;

/// Everything a run measured.
pub struct Run<'a> {
    pub options: &'a Options,
    pub started_at: String,
    pub commit: String,
    pub dataset: &'a Dataset,
    /// Load averages at the run's milestones.
    pub load: Vec<(&'static str, [f64; 3])>,
    pub postgres: Value,
    pub ingestion: Option<ingest::Report>,
    pub stored_points: Option<i64>,
    pub peer_ingestion: Option<peer::Ingestion>,
    pub peer_table_build_s: Option<f64>,
    pub vacuum_s: Option<f64>,
    pub sizes: Value,
    pub panels: Vec<Outcome>,
    pub server_peak_rss_kib: Option<u64>,
    pub server_rss_kib_end: Option<u64>,
    /// WARN/ERROR counts of the server log.
    pub server_log: Value,
}

impl Run<'_> {
    /// Atrium's points/s over the peer's single-connection COPY rows/s.
    fn ratio_to_copy(&self) -> Option<f64> {
        Some(self.ingestion.as_ref()?.points_per_s() / self.peer_ingestion?.copy.rows_per_s())
    }

    fn ratio_to_batched_copy(&self) -> Option<f64> {
        Some(self.ingestion.as_ref()?.points_per_s() / self.peer_ingestion?.copy_batched.rows_per_s())
    }

    fn ratio_to_insert(&self) -> Option<f64> {
        Some(self.ingestion.as_ref()?.points_per_s() / self.peer_ingestion?.insert.rows_per_s())
    }

    pub fn to_json(&self) -> Value {
        let o = self.options;
        let ratio = |r: Option<f64>| r.map(significant);
        json!({
            "started_at": self.started_at,
            "commit": self.commit,
            "machine": { "cpus": crate::procfs::cpus(), "load": self.load.iter().map(|(at, l)| json!({"at": at, "loadavg": l})).collect::<Vec<_>>() },
            "options": {
                "mode": format!("{:?}", o.mode).to_lowercase(),
                "quick": o.quick, "points": self.dataset.points, "series": o.series, "batch": o.batch,
                "clients": o.clients, "runs": o.runs, "peer": o.peer, "peer_rows": o.peer_rows,
                "insert_rows": o.insert_rows,
            },
            "dataset": {
                "metric": dataset::METRIC,
                "points": self.dataset.points,
                "series": self.dataset.series,
                "points_per_series": self.dataset.per_series(),
                "interval_s": dataset::INTERVAL_MS / 1000,
                "first": dataset::rfc3339(self.dataset.start_ms),
                "last": dataset::rfc3339(self.dataset.last_ms()),
            },
            "postgres": self.postgres,
            "ingestion": self.ingestion.as_ref().map(|r| r.to_json(o.batch, o.clients)),
            "stored_points": self.stored_points,
            "peer_ingestion": self.peer_ingestion.map(|p| p.to_json()),
            "ratios": {
                "ingest_atrium_over_peer_copy": ratio(self.ratio_to_copy()),
                "ingest_atrium_over_peer_batched_copy": ratio(self.ratio_to_batched_copy()),
                "ingest_atrium_over_peer_insert": ratio(self.ratio_to_insert()),
                "panels_atrium_over_peer_p50": self.panels.iter().map(|p| json!({"id": p.case.id, "ratio": p.ratio().map(significant)})).collect::<Vec<_>>(),
            },
            "peer_table_build_s": self.peer_table_build_s.map(round3),
            "vacuum_analyze_s": self.vacuum_s.map(round3),
            "sizes_bytes": self.sizes,
            "panels": self.panels.iter().map(Outcome::to_json).collect::<Vec<_>>(),
            "server": {
                "peak_rss_kib": self.server_peak_rss_kib,
                "rss_kib_at_end": self.server_rss_kib_end,
                "log": self.server_log,
            },
        })
    }

    pub fn to_markdown(&self) -> String {
        let o = self.options;
        let mut md = String::new();
        let _ = writeln!(md, "# Atrium bench, {}\n", self.started_at);
        let load = self
            .load
            .iter()
            .map(|(at, l)| format!("{at} {:.2}", l[0]))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            md,
            "Commit {}, {} CPUs. Load average (1 min): {load}.  ",
            self.commit,
            crate::procfs::cpus()
        );
        let _ = writeln!(md, "PostgreSQL: {}.\n", describe_postgres(&self.postgres));
        let _ = writeln!(
            md,
            "Dataset: `{}`, {} points = {} series × {} points, {} s apart, {} … {}.\n",
            dataset::METRIC,
            thousands(self.dataset.points as f64),
            self.dataset.series,
            thousands(self.dataset.per_series() as f64),
            dataset::INTERVAL_MS / 1000,
            dataset::rfc3339(self.dataset.start_ms),
            dataset::rfc3339(self.dataset.last_ms()),
        );

        if self.ingestion.is_some() || self.peer_ingestion.is_some() {
            self.ingestion_markdown(&mut md);
        }
        if !self.panels.is_empty() {
            let _ = writeln!(
                md,
                "## Panels over {} points (median and p95 of {} runs, ms; ratio = Atrium median ÷ peer median)\n",
                thousands(self.dataset.points as f64),
                o.runs
            );
            let _ = writeln!(
                md,
                "| case | Atrium p50 | Atrium p95 | peer p50 | peer p95 | ratio | points (Atrium / peer) | buckets | p50/p95/p99 max error vs exact |"
            );
            let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
            for p in &self.panels {
                let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}"));
                let counts = match (p.atrium_points, p.peer_points) {
                    (Some(a), Some(b)) if a == b => format!("{} = {}", thousands(a as f64), thousands(b as f64)),
                    (Some(a), Some(b)) => format!("**{} ≠ {}**", thousands(a as f64), thousands(b as f64)),
                    (a, b) => format!(
                        "{} / {}",
                        a.map_or("-".into(), |v| thousands(v as f64)),
                        b.map_or("-".into(), |v| thousands(v as f64))
                    ),
                };
                let accuracy = p.accuracy.map_or("-".into(), |a| {
                    let [p50, p95, p99] = a.max_relative_error.map(|e| format!("{:.1}%", e * 100.0));
                    let differing = match a.buckets_differing {
                        0 => String::new(),
                        n => format!(" ({n} buckets differ)"),
                    };
                    format!("{p50} / {p95} / {p99}{differing}")
                });
                let _ = writeln!(
                    md,
                    "| ({}) {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    p.case.id,
                    p.case.title,
                    ms(p.atrium.map(|s| s.p50)),
                    ms(p.atrium.map(|s| s.p95)),
                    ms(p.peer.map(|s| s.p50)),
                    ms(p.peer.map(|s| s.p95)),
                    p.ratio().map_or("-".into(), ratio_text),
                    counts,
                    p.atrium_buckets.map_or("-".into(), |b| b.to_string()),
                    accuracy,
                );
            }
            let _ = writeln!(md);
            for p in self.panels.iter().filter(|p| p.error.is_some()) {
                let _ = writeln!(
                    md,
                    "- ({}) error: `{}`",
                    p.case.id,
                    p.error.as_deref().unwrap_or_default().replace('`', "'")
                );
            }
        }
        let _ = writeln!(
            md,
            "Sizes (bytes): {}",
            serde_json::to_string(&self.sizes).unwrap_or_default()
        );
        if let (Some(peak), Some(now)) = (self.server_peak_rss_kib, self.server_rss_kib_end) {
            let _ = writeln!(md, "\nServer RSS: peak {}, at the end {}.", mib(peak), mib(now));
        }
        let count = |key: &str| self.server_log.get(key).and_then(Value::as_u64).unwrap_or(0);
        if count("warn") + count("error") > 0 {
            let _ = writeln!(
                md,
                "\nServer log: {} WARN and {} ERROR lines. Most frequent:\n",
                count("warn"),
                count("error")
            );
            for top in self
                .server_log
                .get("top")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let _ = writeln!(
                    md,
                    "- {} × `{}`",
                    top.get("count").and_then(Value::as_u64).unwrap_or(0),
                    top.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .replace('`', "'")
                );
            }
        }
        md
    }

    fn ingestion_markdown(&self, md: &mut String) {
        let o = self.options;
        let _ = writeln!(
            md,
            "## Ingestion ({} per request, {} clients; peer rows are the same points)\n",
            o.batch, o.clients
        );
        let _ = writeln!(
            md,
            "| what | points or rows | per second | request p50 | request p99 | CPU µs/point | server peak RSS |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        if let Some(ingestion) = &self.ingestion {
            let latency = ingestion.batch_latency;
            let _ = writeln!(
                md,
                "| Atrium `POST /api/v1/metrics` (JSON over HTTP) | {} | {} | {} | {} | {} (server + PG) | {} |",
                thousands(ingestion.accepted as f64),
                thousands(ingestion.points_per_s()),
                latency.map_or("-".into(), |l| format!("{:.1} ms", l.p50)),
                latency.map_or("-".into(), |l| format!("{:.1} ms", l.p99)),
                ingestion.cpu_us_per_point().map_or("-".into(), |v| format!("{v:.1}")),
                ingestion.server_peak_rss_kib.map_or("-".into(), mib),
            );
        }
        if let Some(peer) = &self.peer_ingestion {
            for (what, load) in [
                ("peer COPY, 1 connection".to_owned(), peer.copy),
                (
                    format!("peer INSERT ×{} rows, autocommit", peer.insert_rows_per_statement),
                    peer.insert,
                ),
                (
                    format!(
                        "peer COPY ×{} rows per transaction, {} connections",
                        peer.batch, peer.clients
                    ),
                    peer.copy_batched,
                ),
            ] {
                let _ = writeln!(
                    md,
                    "| {what} | {} | {} | | | {} (PG) | |",
                    thousands(load.rows as f64),
                    thousands(load.rows_per_s()),
                    load.cpu_us_per_row().map_or("-".into(), |v| format!("{v:.1}")),
                );
            }
        }
        let _ = writeln!(md);
        if let Some(ingestion) = &self.ingestion {
            let _ = writeln!(
                md,
                "Atrium: accepted {}, rejected {}, failed {}, retries {}; {} points stored. Wall {:.1} s; CPU: server {}, PostgreSQL {}, bench client {:.1} s.\n",
                thousands(ingestion.accepted as f64),
                ingestion.rejected,
                ingestion.failed,
                ingestion.retries,
                self.stored_points.map_or("?".into(), |n| thousands(n as f64)),
                ingestion.seconds,
                ingestion.server_cpu_s.map_or("-".into(), |s| format!("{s:.1} s")),
                ingestion.postgres_cpu_s.map_or("-".into(), |s| format!("{s:.1} s")),
                ingestion.client_cpu_s,
            );
            if !ingestion.errors.is_empty() {
                let _ = writeln!(md, "First errors:\n");
                for error in &ingestion.errors {
                    let _ = writeln!(md, "- `{}`", error.replace('`', "'"));
                }
                let _ = writeln!(md);
            }
        }
        if let (Some(copy), Some(batched), Some(insert)) = (
            self.ratio_to_copy(),
            self.ratio_to_batched_copy(),
            self.ratio_to_insert(),
        ) {
            let _ = writeln!(
                md,
                "**Ratio** Atrium points/s ÷ peer rows/s: **{copy:.3}** of single-connection COPY, {batched:.3} of batched concurrent COPY, {insert:.3} of multi-row INSERT.\n"
            );
        }
    }

    /// Writes `results.json` and `summary.md` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(&self.to_json())?;
        std::fs::write(dir.join("results.json"), json + "\n").with_context(|| format!("writing {}", dir.display()))?;
        std::fs::write(dir.join("summary.md"), self.to_markdown())?;
        Ok(())
    }
}

fn describe_postgres(settings: &Value) -> String {
    let get = |key: &str| settings.get(key).and_then(Value::as_str).unwrap_or("?");
    format!(
        "{} ({}), shared_buffers {}, work_mem {}, synchronous_commit {}",
        get("server_version"),
        get("cluster"),
        get("shared_buffers"),
        get("work_mem"),
        get("synchronous_commit")
    )
}

/// Four significant digits: ratios span 1/1000 to 10 here, so fixed decimals would print 0.00.
pub fn significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(3 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// A ratio as read in the tables: `4.06`, or `0.0031 (1/323)` when far below 1.
fn ratio_text(ratio: f64) -> String {
    if ratio >= 0.1 {
        format!("{ratio:.2}")
    } else {
        format!("{} (1/{:.0})", significant(ratio), 1.0 / ratio)
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// `1234567.8` → `1,234,568`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_ratios_keep_their_digits() {
        assert_eq!(significant(0.003_149_8), 0.00315);
        assert_eq!(significant(4.0567), 4.057);
        assert_eq!(ratio_text(4.0567), "4.06");
        assert_eq!(ratio_text(0.003_149_8), "0.00315 (1/317)");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(-45_000.0), "-45,000");
    }
}
