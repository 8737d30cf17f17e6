//! `atrium-bench`: Atrium's benchmark runner (a benchmark, not a test). It starts a throwaway
//! PostgreSQL and the release `atrium` server on 127.0.0.1, creates a tenant and an API key,
//! ingests a synthetic fleet over HTTP, times the analytics panels over it, and measures plain
//! PostgreSQL doing the same data work on the same machine in the same run, so that the figures
//! come with ratios that survive a noisy shared box. See `bench/README.md`.
//!
//! Every process it starts is stopped when it ends, also on an error, Ctrl-C or SIGTERM.

mod dataset;
mod http;
mod ingest;
mod lists;
mod options;
mod panels;
mod peer;
mod postgres;
mod procfs;
mod report;
mod server;
mod stats;
mod tenant;

use anyhow::{Context, Result};
use dataset::Dataset;
use options::{Mode, Options};
use postgres::Database;
use serde_json::Value;
use server::{Launch, Server};
use sqlx::{Connection, PgConnection};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{}", options::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("atrium-bench: {err:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("atrium-bench: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    // Whichever way this ends, the futures holding the server and the database are dropped
    // inside `block_on`, which stops them.
    let result = runtime.block_on(async {
        tokio::select! {
            result = bench(&options) => result,
            signal = interrupted() => Err(anyhow::anyhow!("interrupted by {signal}; stopping everything")),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("atrium-bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn interrupted() -> &'static str {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "Ctrl-C",
        () = terminate => "SIGTERM",
    }
}

async fn bench(options: &Options) -> Result<()> {
    if options.mode == Mode::Lists {
        return lists::run(
            &options.lists,
            &options.atrium,
            options.database_url.as_deref(),
            &options.out,
        )
        .await;
    }
    std::fs::create_dir_all(&options.out).with_context(|| format!("creating {}", options.out.display()))?;
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut load = vec![("start", procfs::loadavg())];
    eprintln!(
        "bench: results go to {} (load average {:.2})",
        options.out.display(),
        load[0].1[0]
    );

    let database = Database::provision(options.database_url.as_deref()).await?;
    let mut admin = PgConnection::connect(&database.url)
        .await
        .context("connecting to the bench database")?;
    let mut postgres_settings = postgres::settings(&mut admin).await?;
    if let Value::Object(map) = &mut postgres_settings {
        let cluster = if database.is_private() {
            "private throwaway cluster"
        } else {
            "BENCH_DATABASE_URL"
        };
        map.insert("cluster".into(), cluster.into());
    }

    let now_ms = chrono::Utc::now().timestamp_millis();
    let dataset = Dataset::anchored(options.points, options.series, now_ms);
    let atrium = match options.mode {
        Mode::All | Mode::Ingest => Some(start_atrium(options, &database, &dataset, now_ms, &mut admin).await?),
        Mode::Peer | Mode::Lists => None,
    };

    let mut ingestion = None;
    let mut stored_points = None;
    if let Some((server, tenant)) = &atrium {
        load.push(("before ingestion", procfs::loadavg()));
        eprintln!(
            "bench: ingesting {} points ({} series) in batches of {} from {} clients",
            dataset.points, dataset.series, options.batch, options.clients
        );
        let report = ingest::run(ingest::Plan {
            dataset: &dataset,
            addr: server.addr,
            key: &tenant.key,
            batch: options.batch,
            clients: options.clients,
            server_pid: server.pid,
            postmaster_pid: database.postmaster_pid(),
        })
        .await
        .map_err(|err| err.context(format!("ingestion failed; server log tail:\n{}", server.log_tail(20))))?;
        load.push(("after ingestion", procfs::loadavg()));
        eprintln!(
            "bench: atrium ingested {:.0} points/s ({} accepted, {} rejected, {} failed)",
            report.points_per_s(),
            report.accepted,
            report.rejected,
            report.failed
        );
        ingestion = Some(report);
        stored_points =
            sqlx::query_scalar::<_, i64>("SELECT coalesce(sum(cardinality(ts)), 0)::int8 FROM point_chunks")
                .fetch_one(&mut admin)
                .await
                .ok();
    }

    let peer_ingestion = if options.peer {
        Some(
            peer::ingest(peer::IngestPlan {
                url: &database.url,
                dataset: &dataset,
                rows: options.peer_rows,
                insert_rows_per_statement: options.insert_rows,
                batch: options.batch,
                clients: options.clients,
                postmaster_pid: database.postmaster_pid(),
            })
            .await
            .context("peer ingestion")?,
        )
    } else {
        None
    };

    let (mut panels, mut peer_table_build_s, mut vacuum_s) = (Vec::new(), None, None);
    if options.mode != Mode::Ingest {
        if options.peer {
            eprintln!("bench: building the peer's raw table of {} points", dataset.points);
            peer_table_build_s = Some(peer::build_query_table(&database.url, &dataset).await?);
        }
        // The peer script vacuums and analyzes its table before querying; Atrium's tables get
        // the same, so neither side is timed on stale statistics or an unset visibility map.
        let started = Instant::now();
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut admin).await?;
        vacuum_s = Some(started.elapsed().as_secs_f64());
        load.push(("before panels", procfs::loadavg()));
        let mut client = match &atrium {
            Some((server, tenant)) => Some(http::Client::new(server.addr, Some(&tenant.key))?),
            None => None,
        };
        let mut peer_conn = match options.peer {
            true => Some(PgConnection::connect(&database.url).await?),
            false => None,
        };
        panels = panels::run(
            panels::cases(&dataset),
            client.as_mut(),
            peer_conn.as_mut(),
            options.runs,
        )
        .await;
        if let Some(conn) = peer_conn {
            conn.close().await?;
        }
        load.push(("after panels", procfs::loadavg()));
    }

    let sizes = sizes(&mut admin).await;
    let server = atrium.map(|(server, _)| server);
    let mut run = report::Run {
        options,
        started_at,
        commit: commit(),
        dataset: &dataset,
        load,
        postgres: postgres_settings,
        ingestion,
        stored_points,
        peer_ingestion,
        peer_table_build_s,
        vacuum_s,
        sizes,
        panels,
        server_peak_rss_kib: server.as_ref().and_then(Server::peak_rss_kib),
        server_rss_kib_end: server.as_ref().and_then(Server::rss_kib),
        server_log: Value::Null,
    };
    admin.close().await?;
    if let Some(server) = server {
        server.stop().await?;
        run.server_log = server::log_summary(&options.out.join("server.log"));
    }
    run.write(&options.out)?;
    database.keep_log(&options.out.join("postgres.log"));
    drop(database);
    println!("{}", run.to_markdown());
    eprintln!("bench: wrote {}", options.out.display());
    Ok(())
}

/// Starts the server on the bench database (which migrates it), then creates the tenant and key.
async fn start_atrium(
    options: &Options,
    database: &Database,
    dataset: &Dataset,
    now_ms: i64,
    admin: &mut PgConnection,
) -> Result<(Server, tenant::BenchTenant)> {
    // Points older than the server's age limit are refused; the dataset reaches back further
    // than the default week once it holds more than ~60k points per series.
    let mut env = vec![(
        "ATRIUM_INGEST_MAX_AGE_HOURS".to_owned(),
        (dataset.age_hours(now_ms) + 24).to_string(),
    )];
    if let Some(site_root) = &options.site_root {
        env.push(("ATRIUM_SITE_ROOT".to_owned(), site_root.display().to_string()));
    }
    eprintln!("bench: starting {}", options.atrium.display());
    let server = Server::start(Launch {
        binary: &options.atrium,
        database_url: &database.url,
        port: options.port,
        env,
        log: options.out.join("server.log"),
    })
    .await?;
    let tenant = tenant::create(admin).await?;
    eprintln!(
        "bench: atrium (pid {}) on {}; tenant {} ({}) with an API key",
        server.pid,
        server.addr,
        tenant::SLUG,
        tenant.tenant_id
    );
    Ok((server, tenant))
}

/// On-disk sizes (tables with their indexes and partitions), where the tables exist.
async fn sizes(conn: &mut PgConnection) -> Value {
    let mut out = serde_json::Map::new();
    for (name, table) in [
        ("points", "point_chunks"),
        ("rollups", "rollups"),
        ("series", "series"),
        ("peer_metric_points", "peer.metric_points"),
    ] {
        let size: Option<i64> = sqlx::query_scalar(
            "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(r)), pg_total_relation_size(r))::bigint
             FROM to_regclass($1) AS r",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await
        .ok()
        .flatten();
        out.insert(name.to_owned(), size.into());
    }
    let database: Option<i64> = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&mut *conn)
        .await
        .ok();
    out.insert("database".to_owned(), database.into());
    Value::Object(out)
}

/// The checked-out commit of the repository the bench was built from, `-dirty` if modified.
fn commit() -> String {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            if dirty { format!("{hash}-dirty") } else { hash }
        }
        None => "unknown".to_owned(),
    }
}
