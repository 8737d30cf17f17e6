//! The same-machine peer: plain PostgreSQL doing the bare data work, as in the shared
//! `run_pg_timeseries.sh`, on the schema `(series_id int, ts timestamptz, value float8)` with an
//! index on `(series_id, ts)`, in schema `peer` of the same database Atrium uses (same server,
//! same settings, same moment).
//!
//! Ingestion: the dataset's first rows (the very points Atrium got) loaded three ways: one COPY
//! over a single connection, multi-row INSERTs of 1000 rows in autocommit (both as the peer
//! script does), and COPY in Atrium's shape (one COPY per batch, from as many connections as
//! Atrium had clients). Queries: the panel cases as plain SQL over a raw table of the same points,
//! exact percentiles with `percentile_cont`, `date_bin` for buckets; timed by the client (sqlx,
//! simple query protocol like psql, rows fully received), like the HTTP requests.
//!
//! The SQL is built at run time with `sqlx::raw_sql`, not `query!`: the bench owns these tables,
//! and the literals (timestamps, ids) are generated here, never taken from input.

use crate::dataset::Dataset;
use crate::panels::{Case, Scope};
use crate::procfs;
use crate::stats::round3;
use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, Row};
use std::time::{Duration, Instant};

/// COPY payloads are sent in messages of about this size.
const COPY_CHUNK: usize = 1 << 20;

/// One way of loading rows, measured.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rows: u64,
    pub seconds: f64,
    /// PostgreSQL CPU seconds (private cluster only) and this client's.
    pub postgres_cpu_s: Option<f64>,
    pub client_cpu_s: f64,
}

impl Load {
    pub fn rows_per_s(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }

    pub fn cpu_us_per_row(&self) -> Option<f64> {
        Some(self.postgres_cpu_s? * 1e6 / self.rows.max(1) as f64)
    }

    fn to_json(self) -> Value {
        json!({
            "rows": self.rows,
            "seconds": round3(self.seconds),
            "rows_per_s": self.rows_per_s().round(),
            "postgres_cpu_s": self.postgres_cpu_s.map(round3),
            "client_cpu_s": round3(self.client_cpu_s),
            "postgres_cpu_us_per_row": self.cpu_us_per_row().map(round3),
        })
    }
}

/// The peer's ingestion figures.
#[derive(Debug, Clone, Copy)]
pub struct Ingestion {
    pub copy: Load,
    pub insert: Load,
    pub insert_rows_per_statement: usize,
    pub copy_batched: Load,
    pub batch: usize,
    pub clients: usize,
}

impl Ingestion {
    pub fn to_json(self) -> Value {
        json!({
            "copy_single_connection": self.copy.to_json(),
            "insert_multi_row": self.insert.to_json(),
            "insert_rows_per_statement": self.insert_rows_per_statement,
            "copy_batched_concurrent": self.copy_batched.to_json(),
            "copy_batch": self.batch,
            "copy_clients": self.clients,
        })
    }
}

/// How the peer ingestion is shaped.
pub struct IngestPlan<'a> {
    pub url: &'a str,
    pub dataset: &'a Dataset,
    pub rows: u64,
    pub insert_rows_per_statement: usize,
    pub batch: usize,
    pub clients: usize,
    pub postmaster_pid: Option<u32>,
}

/// Measures the three ways of loading the same rows into an indexed table.
pub async fn ingest(plan: IngestPlan<'_>) -> Result<Ingestion> {
    let rows = plan.rows.min(plan.dataset.points);
    let mut conn = PgConnection::connect(plan.url).await?;
    sqlx::raw_sql(
        "CREATE SCHEMA IF NOT EXISTS peer;
         DROP TABLE IF EXISTS peer.ingest_points;
         CREATE TABLE peer.ingest_points (series_id int NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL);
         CREATE INDEX ON peer.ingest_points (series_id, ts);",
    )
    .execute(&mut conn)
    .await
    .context("creating peer.ingest_points")?;

    // (a) One COPY of every row over one connection; the data is prepared before the clock runs,
    // as the peer script writes its CSV file first.
    let mut csv = String::with_capacity(rows as usize * 48);
    plan.dataset.write_csv(0, rows, &mut csv);
    let copy = measure(&mut conn, rows, plan.postmaster_pid, async |conn| {
        copy_in(conn, csv.as_bytes()).await
    })
    .await?;
    drop(csv);
    eprintln!("bench: peer COPY: {:.0} rows/s", copy.rows_per_s());

    // (b) Multi-row INSERTs, autocommit: one statement, one transaction.
    let step = plan.insert_rows_per_statement.max(1) as u64;
    let statements: Vec<String> = (0..rows)
        .step_by(step as usize)
        .map(|from| {
            plan.dataset
                .insert_statement("peer.ingest_points", from, (from + step).min(rows))
        })
        .collect();
    let insert = measure(&mut conn, rows, plan.postmaster_pid, async |conn| {
        for statement in &statements {
            sqlx::raw_sql(statement).execute(&mut *conn).await?;
        }
        Ok(())
    })
    .await?;
    drop(statements);
    eprintln!("bench: peer INSERT ×{step}: {:.0} rows/s", insert.rows_per_s());

    // (c) Atrium's shape: a COPY (one transaction) per batch, `clients` connections at once.
    let batch = plan.batch.max(1) as u64;
    let chunks: Vec<String> = (0..rows)
        .step_by(batch as usize)
        .map(|from| {
            let mut chunk = String::with_capacity(batch as usize * 48);
            plan.dataset.write_csv(from, (from + batch).min(rows), &mut chunk);
            chunk
        })
        .collect();
    let mut connections = Vec::with_capacity(plan.clients);
    for _ in 0..plan.clients.max(1) {
        connections.push(PgConnection::connect(plan.url).await?);
    }
    let chunks = std::sync::Arc::new(chunks);
    let copy_batched = measure(&mut conn, rows, plan.postmaster_pid, async |_| {
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut workers = tokio::task::JoinSet::new();
        for mut connection in connections.drain(..) {
            let (chunks, next) = (std::sync::Arc::clone(&chunks), std::sync::Arc::clone(&next));
            workers.spawn(async move {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(chunk) = chunks.get(index) else {
                        return connection.close().await.map_err(anyhow::Error::from);
                    };
                    copy_in(&mut connection, chunk.as_bytes()).await?;
                }
            });
        }
        while let Some(joined) = workers.join_next().await {
            joined??;
        }
        Ok(())
    })
    .await?;
    eprintln!(
        "bench: peer COPY ×{batch} from {} connections: {:.0} rows/s",
        plan.clients,
        copy_batched.rows_per_s()
    );

    sqlx::raw_sql("DROP TABLE peer.ingest_points")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(Ingestion {
        copy,
        insert,
        insert_rows_per_statement: step as usize,
        copy_batched,
        batch: batch as usize,
        clients: plan.clients,
    })
}

/// Empties the table and checkpoints (so one load does not pay for the previous one's dirty
/// pages), runs `load`, checks the row count and returns the timing.
async fn measure(
    conn: &mut PgConnection,
    rows: u64,
    postmaster_pid: Option<u32>,
    load: impl AsyncFnOnce(&mut PgConnection) -> Result<()>,
) -> Result<Load> {
    sqlx::raw_sql("TRUNCATE peer.ingest_points").execute(&mut *conn).await?;
    sqlx::raw_sql("CHECKPOINT").execute(&mut *conn).await?;
    let pg_before = postmaster_pid.and_then(procfs::tree_cpu_seconds);
    let client_before = procfs::own_cpu_seconds();
    let started = Instant::now();
    load(&mut *conn).await?;
    let seconds = started.elapsed().as_secs_f64();
    let postgres_cpu_s = match (pg_before, postmaster_pid.and_then(procfs::tree_cpu_seconds)) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };
    let client_cpu_s = procfs::own_cpu_seconds() - client_before;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM peer.ingest_points")
        .fetch_one(&mut *conn)
        .await?;
    ensure!(count as u64 == rows, "the peer loaded {count} rows, not {rows}");
    Ok(Load {
        rows,
        seconds,
        postgres_cpu_s,
        client_cpu_s,
    })
}

async fn copy_in(conn: &mut PgConnection, csv: &[u8]) -> Result<()> {
    let mut copy = conn
        .copy_in_raw("COPY peer.ingest_points (series_id, ts, value) FROM STDIN WITH (FORMAT csv)")
        .await?;
    for chunk in csv.chunks(COPY_CHUNK) {
        copy.send(chunk).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Builds `peer.metric_points` from exactly the points Atrium ingested (the same generator,
/// streamed through one COPY in time order, as the peer script's INSERT … SELECT lays them out),
/// plus `peer.series` with the labels, then VACUUM ANALYZE as the peer script does. Identical
/// values let the panels compare Atrium's sketch percentiles with exact ones. Returns the seconds
/// it took.
pub async fn build_query_table(url: &str, dataset: &Dataset) -> Result<f64> {
    /// Rows per COPY message batch: bounded memory whatever the dataset's size.
    const ROWS_PER_SEND: u64 = 100_000;
    let started = Instant::now();
    let mut conn = PgConnection::connect(url).await?;
    let series = dataset.series;
    sqlx::raw_sql(&format!(
        "CREATE SCHEMA IF NOT EXISTS peer;
         DROP TABLE IF EXISTS peer.metric_points;
         DROP TABLE IF EXISTS peer.series;
         CREATE TABLE peer.metric_points (series_id int NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL);
         CREATE TABLE peer.series (series_id int PRIMARY KEY, host text NOT NULL, region text NOT NULL);
         INSERT INTO peer.series
           SELECT s, 'h-' || lpad(s::text, 3, '0'), CASE WHEN s % 2 = 0 THEN 'eu' ELSE 'us' END
           FROM generate_series(0, {series} - 1) s;"
    ))
    .execute(&mut conn)
    .await
    .context("creating peer.metric_points")?;
    let mut copy = conn
        .copy_in_raw("COPY peer.metric_points (series_id, ts, value) FROM STDIN WITH (FORMAT csv)")
        .await?;
    let mut chunk = String::with_capacity(ROWS_PER_SEND as usize * 48);
    for from in (0..dataset.points).step_by(ROWS_PER_SEND as usize) {
        chunk.clear();
        dataset.write_csv(from, from + ROWS_PER_SEND, &mut chunk);
        copy.send(chunk.as_bytes()).await?;
    }
    copy.finish().await.context("loading peer.metric_points")?;
    // The index is built after the load, as the peer script does.
    sqlx::raw_sql("CREATE INDEX metric_points_series_ts ON peer.metric_points (series_id, ts)")
        .execute(&mut conn)
        .await?;
    // Separate statements: several in one simple query run as one transaction, which VACUUM refuses.
    for table in ["peer.metric_points", "peer.series"] {
        sqlx::raw_sql(&format!("VACUUM ANALYZE {table}"))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(started.elapsed().as_secs_f64())
}

/// The `WHERE` clause of a case's window and scope.
fn window_filter(case: &Case) -> String {
    let scope = match case.scope {
        Scope::Series(s) => format!("series_id = {s} AND "),
        Scope::Fleet => String::new(),
        Scope::Region(region) => {
            format!("series_id IN (SELECT series_id FROM peer.series WHERE region = '{region}') AND ")
        }
    };
    format!(
        "{scope}ts >= '{}' AND ts < '{}'",
        crate::dataset::rfc3339(case.from_ms),
        crate::dataset::rfc3339(case.to_ms),
    )
}

/// The plain-SQL answer to a panel case: per bucket count, sum, min, max and exact p50/p95/p99
/// (`percentile_cont`, the natural SQL). This is the query that is timed.
pub fn query_sql(case: &Case) -> String {
    format!(
        "SELECT date_bin('{}', ts, timestamptz '2000-01-01 00:00:00+00') AS bucket, count(*) AS n, \
         sum(value), min(value), max(value), \
         percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY value) AS q \
         FROM peer.metric_points WHERE {} GROUP BY bucket ORDER BY bucket",
        case.bucket.interval(),
        window_filter(case),
    )
}

/// The exact quantiles by DDSketch's own definition (the value at 0-based rank ⌊q·(n−1)⌋, in
/// float8 arithmetic like the sketch's), per bucket: the reference for Atrium's ±1% guarantee.
/// `percentile_cont` interpolates, which differs by far more than 1% on a bucket of six points.
/// Run once per case, untimed.
pub fn exact_quantiles_sql(case: &Case) -> String {
    let at = |q: &str| format!("v[floor({q}::float8 * (n - 1))::bigint + 1]");
    format!(
        "SELECT bucket, n, ARRAY[{}, {}, {}] AS q FROM ( \
           SELECT date_bin('{}', ts, timestamptz '2000-01-01 00:00:00+00') AS bucket, count(*) AS n, \
                  array_agg(value ORDER BY value) AS v \
           FROM peer.metric_points WHERE {} GROUP BY bucket) AS b \
         ORDER BY bucket",
        at("0.5"),
        at("0.95"),
        at("0.99"),
        case.bucket.interval(),
        window_filter(case),
    )
}

/// One bucket of a panel as either side computed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketStats {
    /// Bucket start, epoch milliseconds.
    pub t_ms: i64,
    pub count: u64,
    /// p50, p95, p99.
    pub quantiles: [f64; 3],
}

/// Runs the case's query once: the time until every row arrived, and the buckets.
pub async fn query(conn: &mut PgConnection, sql: &str) -> Result<(Duration, Vec<BucketStats>)> {
    let started = Instant::now();
    let rows = sqlx::raw_sql(sql).fetch_all(&mut *conn).await?;
    let elapsed = started.elapsed();
    let mut buckets = Vec::with_capacity(rows.len());
    for row in &rows {
        let t: chrono::DateTime<chrono::Utc> = row.try_get("bucket")?;
        let quantiles: Vec<f64> = row.try_get("q")?;
        buckets.push(BucketStats {
            t_ms: t.timestamp_millis(),
            count: row.try_get::<i64, _>("n")? as u64,
            quantiles: [0, 1, 2].map(|i| quantiles.get(i).copied().unwrap_or(f64::NAN)),
        });
    }
    Ok((elapsed, buckets))
}
