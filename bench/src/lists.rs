//! The lists benchmark (issue 12): list pages at size, under wrk, beside the peers. It seeds a
//! platform of many tenants with one large tenant ("load-big") and one middling one ("load-mid")
//! through `bench/sql/list_dataset.sql`, signs in a platform administrator and each tenant's
//! administrator by writing their sessions directly, and runs wrk with the peers' settings
//! (`-t2 -c32 -d10s --latency`, after a 2 s warm-up) on the users list of each tenant and the
//! platform's tenants list. With `--peers DIR` it runs the Django admin changelist and the bare
//! axum `/list` of `DIR` (`../shared/peers`) in the same run, at the same sizes, for ratios.

use crate::postgres::Database;
use crate::procfs;
use crate::server::{Launch, Server};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// What to seed and how to load it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub tenants: u32,
    pub big_users: u32,
    pub mid_users: u32,
    pub users: u32,
    pub connections: u32,
    pub duration: Duration,
    pub warmup: Duration,
    /// The peers' directory (`run_django_admin.sh`, `run_axum_ceiling.sh`), when they run too.
    pub peers: Option<PathBuf>,
}

impl Plan {
    /// The benchmark proper: 10,000 tenants, 100,000 and 10,000 users, the peers' wrk settings.
    pub fn full() -> Plan {
        Plan {
            tenants: 10_000,
            big_users: 100_000,
            mid_users: 10_000,
            users: 10,
            connections: 32,
            duration: Duration::from_secs(10),
            warmup: Duration::from_secs(2),
            peers: None,
        }
    }

    /// The test command's smoke run: every step once, at a size that takes seconds.
    pub fn smoke() -> Plan {
        Plan {
            tenants: 30,
            big_users: 400,
            mid_users: 150,
            users: 5,
            connections: 4,
            duration: Duration::from_secs(1),
            warmup: Duration::from_secs(1),
            peers: None,
        }
    }
}

/// One measured route: wrk's summary line as JSON, plus what was asked.
struct Measured {
    name: String,
    url: String,
    rows: u32,
    wrk: Value,
}

/// Runs the lists benchmark and writes `results.json` and `summary.md` into `out`.
pub async fn run(plan: &Plan, atrium: &Path, database_url: Option<&str>, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let wrk = which("wrk").context("wrk is needed (apt-get install wrk)")?;
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("wrk/report.lua");
    let load_start = procfs::loadavg();
    let database = Database::provision(database_url).await?;
    let server = Server::start(Launch {
        binary: atrium,
        database_url: &database.url,
        port: None,
        env: vec![
            ("ATRIUM_SEED_DEMO".into(), "false".into()),
            // wrk is one client address asking thousands of times a second.
            ("ATRIUM_RATE_IP_PER_MINUTE".into(), "100000000".into()),
            ("ATRIUM_RATE_IP_BURST".into(), "10000000".into()),
            ("RUST_LOG".into(), "warn".into()),
            // The periodic jobs wait a day: this measures list pages, and at 10,000 tenants one
            // alert evaluation pass takes about 20 s (longer than its 15 s interval), so it would
            // share the two cores with wrk for the whole run. That cost is real and measured
            // apart (bench/RESULTS.md); the tenants are seeded after the server's first passes.
            ("ATRIUM_ALERT_INTERVAL_SECS".into(), "86400".into()),
            ("ATRIUM_ANALYTICS_MAINTENANCE_INTERVAL_SECS".into(), "86400".into()),
        ],
        log: out.join("server.log"),
    })
    .await?;
    let mut admin = PgConnection::connect(&database.url).await.context("bench database")?;
    eprintln!(
        "bench: seeding {} tenants, {} + {} users in load-big and load-mid, {} in each other",
        plan.tenants, plan.big_users, plan.mid_users, plan.users
    );
    let seeded = std::time::Instant::now();
    seed(&mut admin, plan).await?;
    eprintln!("bench: seeded in {:.1} s", seeded.elapsed().as_secs_f64());
    let platform = platform_session(&mut admin).await?;
    let big = tenant_session(&mut admin, "load-big").await?;
    let mid = tenant_session(&mut admin, "load-mid").await?;
    admin.close().await?;

    let base = format!("http://{}", server.addr);
    let routes = [
        (
            format!("users, {} in the tenant", plan.big_users),
            // Members' pages are their workspace's portal (`/t/{slug}`); `/users` redirects there.
            "/t/load-big/users?per_page=100",
            &big,
            plan.big_users,
        ),
        (
            format!("users, {} in the tenant", plan.mid_users),
            "/t/load-mid/users?per_page=100",
            &mid,
            plan.mid_users,
        ),
        (
            format!("tenants, {} on the platform", plan.tenants),
            "/tenants?per_page=100",
            &platform,
            plan.tenants,
        ),
    ];
    let mut measured = Vec::new();
    for (name, path, cookie, rows) in routes {
        let url = format!("{base}{path}");
        check_page(&url, cookie).await?;
        let wrk = run_wrk(&wrk, &report, &url, Some(cookie), plan).await?;
        eprintln!("bench: atrium {name}: {}", line(&wrk));
        measured.push(Measured { name, url, rows, wrk });
    }
    server.stop().await?;
    drop(database);

    let mut peers = Vec::new();
    if let Some(dir) = &plan.peers {
        for rows in [plan.mid_users, plan.big_users] {
            for (name, script) in [
                ("Django admin changelist", "run_django_admin.sh"),
                ("bare axum /list", "run_axum_ceiling.sh"),
            ] {
                let wrk = run_peer(dir, script, rows, plan).await?;
                eprintln!("bench: {name}, {rows} rows: {}", line(&wrk));
                peers.push(Measured {
                    name: name.to_owned(),
                    url: script.to_owned(),
                    rows,
                    wrk,
                });
            }
        }
    }
    let results = json!({
        "plan": {
            "tenants": plan.tenants, "big_users": plan.big_users, "mid_users": plan.mid_users,
            "users": plan.users, "connections": plan.connections,
            "duration_s": plan.duration.as_secs_f64(), "warmup_s": plan.warmup.as_secs_f64(),
        },
        "load_average": { "start": load_start, "end": procfs::loadavg() },
        "cpus": procfs::cpus(),
        "atrium": measured.iter().map(to_json).collect::<Vec<_>>(),
        "peers": peers.iter().map(to_json).collect::<Vec<_>>(),
    });
    std::fs::write(out.join("results.json"), serde_json::to_vec_pretty(&results)?)?;
    let summary = markdown(&measured, &peers);
    std::fs::write(out.join("summary.md"), &summary)?;
    println!("{summary}");
    let failed: Vec<&str> = measured
        .iter()
        .filter(|m| m.wrk["requests"].as_u64().unwrap_or(0) == 0 || errors(&m.wrk) > 0)
        .map(|m| m.name.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("requests failed or none were made: {failed:?}");
    }
    Ok(())
}

fn to_json(m: &Measured) -> Value {
    json!({ "name": m.name, "url": m.url, "rows": m.rows, "wrk": m.wrk })
}

fn errors(wrk: &Value) -> u64 {
    ["err_connect", "err_read", "err_write", "err_timeout", "non_2xx_3xx"]
        .iter()
        .map(|key| wrk[key].as_u64().unwrap_or(0))
        .sum()
}

fn line(wrk: &Value) -> String {
    format!(
        "{:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
        wrk["rps"].as_f64().unwrap_or(0.0),
        wrk["p50_ms"].as_f64().unwrap_or(0.0),
        wrk["p99_ms"].as_f64().unwrap_or(0.0),
        errors(wrk)
    )
}

/// The table: each of Atrium's routes with its ratios to the peers measured at the nearest size.
fn markdown(atrium: &[Measured], peers: &[Measured]) -> String {
    let rps = |m: &Measured| m.wrk["rps"].as_f64().unwrap_or(0.0);
    let peer = |name: &str, rows: u32| {
        peers
            .iter()
            .filter(|p| p.name == name)
            .min_by_key(|p| p.rows.abs_diff(rows))
    };
    let mut out =
        String::from("| route | req/s | p50 ms | p99 ms | × Django | % of bare axum |\n|---|---|---|---|---|---|\n");
    for m in atrium {
        let ratio = |name: &str, scale: f64, suffix: &str| {
            peer(name, m.rows).map_or("—".to_owned(), |p| {
                format!(
                    "{:.2}{suffix} ({} rows)",
                    rps(m) / rps(p).max(f64::EPSILON) * scale,
                    p.rows
                )
            })
        };
        out.push_str(&format!(
            "| {} | {:.0} | {:.1} | {:.1} | {} | {} |\n",
            m.name,
            rps(m),
            m.wrk["p50_ms"].as_f64().unwrap_or(0.0),
            m.wrk["p99_ms"].as_f64().unwrap_or(0.0),
            ratio("Django admin changelist", 1.0, "×"),
            ratio("bare axum /list", 100.0, " %"),
        ));
    }
    for p in peers {
        out.push_str(&format!(
            "| {} ({} rows) | {:.0} | {:.1} | {:.1} | | |\n",
            p.name,
            p.rows,
            rps(p),
            p.wrk["p50_ms"].as_f64().unwrap_or(0.0),
            p.wrk["p99_ms"].as_f64().unwrap_or(0.0)
        ));
    }
    out
}

async fn seed(conn: &mut PgConnection, plan: &Plan) -> Result<()> {
    for (name, value) in [
        ("atrium.dataset_tenants", plan.tenants),
        ("atrium.dataset_big_users", plan.big_users),
        ("atrium.dataset_mid_users", plan.mid_users),
        ("atrium.dataset_users", plan.users),
    ] {
        sqlx::query("SELECT set_config($1, $2, false)")
            .bind(name)
            .bind(value.to_string())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::raw_sql(include_str!("../sql/list_dataset.sql"))
        .execute(&mut *conn)
        .await
        .context("bench/sql/list_dataset.sql")?;
    // As a running system would be: statistics current, visibility map set.
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut *conn).await?;
    Ok(())
}

/// A session row for a new token; the cookie carries the token, the table its SHA-256.
async fn session(
    conn: &mut PgConnection,
    insert: &str,
    principal: uuid::Uuid,
    tenant: Option<uuid::Uuid>,
) -> Result<String> {
    let token = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let mut query = sqlx::query(insert).bind(hash).bind(principal);
    if let Some(tenant) = tenant {
        query = query.bind(tenant);
    }
    query.execute(conn).await?;
    Ok(format!("atrium_session={token}"))
}

async fn platform_session(conn: &mut PgConnection) -> Result<String> {
    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO platform_users (email, name, password_hash) VALUES ('bench-admin@atrium.bench', 'Bench Admin', '!')
         RETURNING platform_user_id",
    )
    .fetch_one(&mut *conn)
    .await?;
    session(
        conn,
        "INSERT INTO sessions (token_hash, platform_user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')",
        id,
        None,
    )
    .await
}

/// A session of the tenant's first administrator.
async fn tenant_session(conn: &mut PgConnection, slug: &str) -> Result<String> {
    let (tenant, user): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT u.tenant_id, u.user_id FROM users u JOIN tenants t USING (tenant_id)
         WHERE t.slug = $1 AND u.role = 'admin' AND u.status = 'active' ORDER BY u.email LIMIT 1",
    )
    .bind(slug)
    .fetch_one(&mut *conn)
    .await
    .with_context(|| format!("an administrator of {slug}"))?;
    session(
        conn,
        "INSERT INTO sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')",
        user,
        Some(tenant),
    )
    .await
}

/// The page answers 200 with a full table before it is measured.
async fn check_page(url: &str, cookie: &str) -> Result<()> {
    let output = Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}", "-H"])
        .arg(format!("Cookie: {cookie}"))
        .arg(url)
        .output()
        .await
        .context("curl")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", ""));
    if status != "200" {
        bail!("{url} answered {status}");
    }
    let rows = body.matches("<tr").count();
    if rows < 2 {
        bail!("{url} shows no rows");
    }
    Ok(())
}

async fn run_wrk(wrk: &Path, report: &Path, url: &str, cookie: Option<&str>, plan: &Plan) -> Result<Value> {
    // wrk takes whole seconds (`-d2s`).
    let secs = |d: Duration| format!("{}s", d.as_secs().max(1));
    let mut last = Value::Null;
    for duration in [plan.warmup, plan.duration] {
        let mut command = Command::new(wrk);
        command
            .args([
                "-t2",
                &format!("-c{}", plan.connections),
                &format!("-d{}", secs(duration)),
            ])
            .args(["--timeout", "10s", "--latency", "-s"])
            .arg(report)
            .arg(url)
            .env("BENCH_COOKIE", cookie.unwrap_or_default())
            .stdin(Stdio::null());
        let output = command.output().await.context("running wrk")?;
        if !output.status.success() {
            bail!(
                "wrk failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        last = last_json(&String::from_utf8_lossy(&output.stdout))?;
    }
    Ok(last)
}

/// The last line of `text` that is a JSON object (wrk and the peers' scripts print one).
fn last_json(text: &str) -> Result<Value> {
    text.lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line.trim()).ok().filter(Value::is_object))
        .context("no JSON summary line in wrk's output")
}

/// One peer script at `rows` rows, with the same wrk settings; its own PostgreSQL
/// (`pg_local.sh`) is started first.
async fn run_peer(dir: &Path, script: &str, rows: u32, plan: &Plan) -> Result<Value> {
    let status = Command::new("bash")
        .arg(dir.join("pg_local.sh"))
        .arg("start")
        .status()
        .await
        .context("pg_local.sh start")?;
    if !status.success() {
        bail!("pg_local.sh start failed");
    }
    let port = crate::server::free_port()?;
    let output = Command::new("bash")
        .arg(dir.join(script))
        .env("ROWS", rows.to_string())
        .env("ROUTES", "/list")
        .env("PORT", port.to_string())
        .env("CONC", plan.connections.to_string())
        .env("DUR", format!("{}s", plan.duration.as_secs().max(1)))
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("running {script}"))?;
    if !output.status.success() {
        bail!(
            "{script} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    last_json(&String::from_utf8_lossy(&output.stdout))
}

fn which(program: &str) -> Result<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .with_context(|| format!("{program} is not on PATH"))
}
