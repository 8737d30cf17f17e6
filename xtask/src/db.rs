//! The PostgreSQL server the tests use, and the few `psql` operations xtask needs on it.

use crate::Ctx;
use crate::process::{output, port_open, redact, run};
use crate::tools;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The system server that `cargo xtask test` tries before starting a private one.
const SYSTEM_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A server we may create databases on, and the private cluster behind it (if we started one;
/// dropping it stops that cluster).
pub struct Admin {
    pub url: String,
    pub psql: PathBuf,
    _cluster: Option<pgcluster::Cluster>,
}

/// Picks the test server: `$DATABASE_URL` if set; else the system server on 127.0.0.1:5432 if
/// it lets `postgres` in without a password; else a private cluster in `target/test-pg`.
pub fn admin(ctx: &mut Ctx) -> Result<Admin> {
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|url| !url.is_empty()) {
        let psql = tools::ensure_psql(ctx)?;
        query(&psql, &url, "select 1").context("DATABASE_URL is set but does not answer")?;
        println!("using DATABASE_URL ({})", redact(&url));
        return Ok(Admin {
            url,
            psql,
            _cluster: None,
        });
    }
    if port_open(5432) {
        let psql = tools::ensure_psql(ctx)?;
        match query(&psql, SYSTEM_SERVER, "select 1") {
            Ok(_) => {
                println!("using the server on 127.0.0.1:5432 ({SYSTEM_SERVER})");
                return Ok(Admin {
                    url: SYSTEM_SERVER.to_owned(),
                    psql,
                    _cluster: None,
                });
            }
            Err(err) => println!(
                "127.0.0.1:5432 answers but not to {SYSTEM_SERVER} without a password \
                 ({}); starting a private cluster instead",
                first_line(&format!("{err:#}"))
            ),
        }
    }
    tools::ensure_pg_server(
        ctx,
        "nothing answers on 127.0.0.1:5432 and DATABASE_URL is unset, so the tests need the \
         PostgreSQL server binaries to start a private cluster",
    )?;
    let psql = tools::ensure_psql(ctx)?;
    let cluster = pgcluster::Cluster::start(&ctx.path("target/test-pg"))?;
    let url = cluster.url("postgres");
    println!(
        "using a private cluster in target/test-pg on port {}{}",
        cluster.port(),
        if cluster.owned() { "" } else { " (already running)" }
    );
    Ok(Admin {
        url,
        psql,
        _cluster: Some(cluster),
    })
}

/// A private cluster for the Rust tests, whose `template1` already holds every migration.
///
/// `sqlx::test` gives each test a database made by a plain `CREATE DATABASE` (a copy of
/// `template1`) and then runs the migrations in it: about 1.5 s of PostgreSQL work per test,
/// 220 times, most of the `cargo test` phase. Here the copy already holds them, applied by the
/// server's own migrator (the same files, so the same versions and checksums), and sqlx finds
/// nothing left to apply. Every test still gets a database of its own, migrated exactly as
/// before; only the work moves from each test to once per run. The cluster is throwaway, so it
/// skips flushing to disk, and it runs no autovacuum. Dropping this stops the cluster.
pub struct MigratedTemplate {
    pub url: String,
    _cluster: pgcluster::Cluster,
}

/// Starts (or reuses) the cluster in `target/test-pg-migrated` and puts this checkout's
/// migrations into a new `template1`, with `atrium migrate` (the server binary at `atrium`).
/// `None` when the PostgreSQL server programs are not installed: the tests then run on the
/// chosen server as they are, migrating each database themselves.
pub fn migrated_template(ctx: &mut Ctx, atrium: &Path) -> Result<Option<MigratedTemplate>> {
    if pgcluster::Cluster::bin_dir().is_err() {
        println!("no PostgreSQL server programs here: each test database migrates itself");
        return Ok(None);
    }
    let psql = tools::ensure_psql(ctx)?;
    let cluster = pgcluster::Cluster::start(&ctx.path("target/test-pg-migrated"))?;
    let admin = cluster.url("postgres");
    // Nothing here needs to survive a crash of the machine. And no autovacuum, as on the system
    // server these machines run: a test that reads plans ANALYZEs what it seeds, and a vacuum
    // started at some random moment in a test's database (setting its visibility map) would only
    // make the plans it reads less repeatable.
    for setting in ["fsync", "synchronous_commit", "full_page_writes", "autovacuum"] {
        query(&psql, &admin, &format!("ALTER SYSTEM SET {setting} = off"))?;
    }
    query(&psql, &admin, "SELECT pg_reload_conf()")?;
    // Databases an interrupted run left, then a template with this checkout's migrations and
    // nothing else (an earlier run's may hold other ones).
    let leftovers = query(
        &psql,
        &admin,
        "SELECT datname FROM pg_database WHERE datname LIKE '\\_sqlx\\_test%' OR datname = 'template1'",
    )?;
    for name in leftovers.lines().map(str::trim).filter(|name| !name.is_empty()) {
        if name == "template1" {
            query(&psql, &admin, "ALTER DATABASE template1 IS_TEMPLATE false")?;
        }
        query(
            &psql,
            &admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(name)),
        )?;
    }
    query(
        &psql,
        &admin,
        "CREATE DATABASE template1 TEMPLATE template0 IS_TEMPLATE true",
    )?;
    run(Command::new(atrium)
        .arg("migrate")
        .env("DATABASE_URL", cluster.url("template1"))
        .env("RUST_LOG", "warn"))
    .context("migrating the test template")?;
    println!(
        "tests copy a migrated template1 on the private cluster in target/test-pg-migrated (port {})",
        cluster.port()
    );
    Ok(Some(MigratedTemplate {
        url: admin,
        _cluster: cluster,
    }))
}

impl Admin {
    /// Drops (if present) and creates `name`; returns its URL.
    pub fn recreate_database(&self, name: &str) -> Result<String> {
        self.drop_database(name)?;
        query(&self.psql, &self.url, &format!("CREATE DATABASE {}", ident(name)))?;
        Ok(with_database(&self.url, name))
    }

    /// `WITH (FORCE)` ends sessions a killed server or test left behind.
    pub fn drop_database(&self, name: &str) -> Result<()> {
        query(
            &self.psql,
            &self.url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(name)),
        )?;
        Ok(())
    }

    /// Runs an SQL file in one transaction, stopping at the first error.
    pub fn run_file(&self, url: &str, file: &Path, single_transaction: bool) -> Result<()> {
        let mut cmd = psql_command(&self.psql, url);
        if single_transaction {
            cmd.arg("--single-transaction");
        }
        cmd.arg("-f").arg(file);
        run(&mut cmd)
    }
}

/// Runs one statement and returns psql's unaligned, tuples-only output.
pub fn query(psql: &Path, url: &str, sql: &str) -> Result<String> {
    let mut cmd = psql_command(psql, url);
    cmd.args(["-tA", "-c", sql]);
    output(&mut cmd)
}

fn psql_command(psql: &Path, url: &str) -> Command {
    let mut cmd = Command::new(psql);
    // -X: ignore ~/.psqlrc; -w: never prompt (CI has no terminal); stop at the first error.
    cmd.args(["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1"])
        .arg(format!("--dbname={url}"))
        .env("PGCONNECT_TIMEOUT", "10");
    cmd
}

/// The same server URL with another database in its path (query parameters kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, params) = match url.split_once('?') {
        Some((base, params)) => (base, Some(params)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(params) = params {
        out.push('?');
        out.push_str(params);
    }
    out
}

/// A quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_path() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "atrium_e2e"),
            "postgres://u:p@h:5432/atrium_e2e?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(
            with_database("postgresql://u:p%2F@h:1/db", "y"),
            "postgresql://u:p%2F@h:1/y"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }
}
