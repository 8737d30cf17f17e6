//! The PostgreSQL both Atrium and the plain-SQL peer run on: a private throwaway cluster (default)
//! or an existing server named by `BENCH_DATABASE_URL`. Either way the bench works in a database of
//! its own, `atrium_bench`, created fresh for the run.
//!
//! The private cluster gets the settings of the peers' `pg_local.sh` (1 GB shared buffers, 32 MB
//! work_mem, …) so that figures line up with the peers' reference run; `synchronous_commit` stays
//! on, as there. It lives in a temporary directory that is deleted when the run ends.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use sqlx::{Connection, PgConnection, Row};
use std::path::{Path, PathBuf};

/// The database the bench creates (and on an external server, drops first if it exists).
pub const DATABASE: &str = "atrium_bench";

/// The database recreated on `BENCH_DATABASE_URL`'s server: `BENCH_DATABASE_NAME` (letters,
/// digits, `_`) so that two runs can share a server, else [`DATABASE`].
fn external_database() -> String {
    std::env::var("BENCH_DATABASE_NAME")
        .ok()
        .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or_else(|| DATABASE.to_owned())
}

/// The peers' `pg_local.sh` settings.
const TUNING: &[(&str, &str)] = &[
    ("max_connections", "200"),
    ("shared_buffers", "1GB"),
    ("work_mem", "32MB"),
    ("maintenance_work_mem", "512MB"),
    ("effective_cache_size", "8GB"),
    ("max_wal_size", "4GB"),
    ("checkpoint_timeout", "15min"),
    ("jit", "off"),
];

/// Settings recorded with the results.
const REPORTED: &[&str] = &[
    "server_version",
    "shared_buffers",
    "work_mem",
    "max_wal_size",
    "synchronous_commit",
    "jit",
    "max_connections",
];

/// A provisioned database; dropping it stops the private cluster and deletes its files.
pub struct Database {
    /// Superuser URL of the bench database.
    pub url: String,
    cluster: Option<pgcluster::Cluster>,
    /// The private cluster's data directory.
    dir: Option<PathBuf>,
}

impl Database {
    /// A fresh `atrium_bench` database: on `external` (a superuser URL of any database on that
    /// server) or in a new private cluster.
    pub async fn provision(external: Option<&str>) -> Result<Database> {
        match external {
            Some(url) => {
                let mut admin = PgConnection::connect(url)
                    .await
                    .context("connecting to BENCH_DATABASE_URL")?;
                let superuser: bool = sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    .fetch_one(&mut admin)
                    .await?;
                if !superuser {
                    bail!("BENCH_DATABASE_URL must log in as a superuser (the bench creates roles, tenants and keys)");
                }
                recreate_database(&mut admin).await?;
                admin.close().await?;
                Ok(Database {
                    url: with_database(url, &external_database())?,
                    cluster: None,
                    dir: None,
                })
            }
            None => start_private().await,
        }
    }

    /// The postmaster's pid when the cluster is ours (for its CPU time), else `None`.
    pub fn postmaster_pid(&self) -> Option<u32> {
        let dir = self.cluster.as_ref()?.data_dir();
        let text = std::fs::read_to_string(dir.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    pub fn is_private(&self) -> bool {
        self.cluster.is_some()
    }

    /// Copies the private cluster's log to `to` (kept with the results).
    pub fn keep_log(&self, to: &Path) {
        if let Some(dir) = &self.dir {
            let mut log = dir.as_os_str().to_owned();
            log.push(".log");
            let _ = std::fs::copy(PathBuf::from(log), to);
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(mut cluster) = self.cluster.take() {
            cluster.stop();
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(&dir);
            for extension in ["password", "log"] {
                let mut sibling = dir.as_os_str().to_owned();
                sibling.push(".");
                sibling.push(extension);
                let _ = std::fs::remove_file(PathBuf::from(sibling));
            }
        }
    }
}

/// Starts a private cluster in a new temporary directory, applies the tuning (a restart makes
/// `shared_buffers` take effect), and creates the bench database. `pgcluster` is blocking code,
/// so it runs on the blocking pool.
async fn start_private() -> Result<Database> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let dir = std::env::temp_dir().join(format!("atrium-bench-pg-{stamp}-{}", std::process::id()));
    // From here on, dropping `database` removes the directory whatever fails next.
    let mut database = Database {
        url: String::new(),
        cluster: None,
        dir: Some(dir.clone()),
    };
    eprintln!("bench: starting a private PostgreSQL in {}", dir.display());
    let start_dir = dir.clone();
    let cluster = tokio::task::spawn_blocking(move || pgcluster::Cluster::start(&start_dir)).await??;
    let admin_url = cluster.url("postgres");
    database.cluster = Some(cluster);

    let mut admin = PgConnection::connect(&admin_url).await?;
    for (name, value) in TUNING {
        sqlx::raw_sql(&format!("ALTER SYSTEM SET {name} = '{value}'"))
            .execute(&mut admin)
            .await
            .with_context(|| format!("setting {name}"))?;
    }
    admin.close().await?;

    let previous = database.cluster.take();
    let cluster = tokio::task::spawn_blocking(move || {
        if let Some(mut cluster) = previous {
            cluster.stop();
        }
        let cluster = pgcluster::Cluster::start(&dir).context("restarting PostgreSQL with the bench settings")?;
        cluster.ensure_database(DATABASE)?;
        anyhow::Ok(cluster)
    })
    .await??;
    database.url = cluster.url(DATABASE);
    database.cluster = Some(cluster);
    Ok(database)
}

async fn recreate_database(admin: &mut PgConnection) -> Result<()> {
    let name = external_database();
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut *admin)
        .await
        .context("dropping the previous bench database")?;
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut *admin)
        .await
        .context("creating the bench database")?;
    Ok(())
}

/// `url` with its database (path) replaced by `database`.
fn with_database(url: &str, database: &str) -> Result<String> {
    let Some(scheme_end) = url.find("://") else {
        bail!("BENCH_DATABASE_URL is not a URL: expected postgres://user@host:port/database");
    };
    let after_scheme = scheme_end + 3;
    let rest = &url[after_scheme..];
    let (authority, query) = match rest.find(['/', '?']) {
        Some(at) => {
            let tail = &rest[at..];
            let query = tail.find('?').map_or("", |q| &tail[q..]);
            (&rest[..at], query)
        }
        None => (rest, ""),
    };
    Ok(format!("{}{authority}/{database}{query}", &url[..after_scheme]))
}

/// The server settings worth recording beside the figures.
pub async fn settings(conn: &mut PgConnection) -> Result<Value> {
    let mut out = Map::new();
    for name in REPORTED {
        let row = sqlx::query("SELECT current_setting($1)")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
        out.insert((*name).to_owned(), Value::String(row.try_get(0)?));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h:1?sslmode=disable", "x").unwrap(),
            "postgres://u:p@h:1/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgresql://h/db?application_name=a", "x").unwrap(),
            "postgresql://h/x?application_name=a"
        );
        assert!(with_database("nonsense", "x").is_err());
    }
}
