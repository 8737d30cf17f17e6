//! Getting a migrated database: `DATABASE_URL`, or a private cluster under the data directory;
//! migrated as its owner, then used as the app role `atrium_app`.

use crate::config::Config;
use anyhow::Context;
use atrium_app::db::{Db, MIGRATOR};
use sqlx::postgres::PgConnectOptions;
use std::path::Path;
use std::str::FromStr;

pub struct Database {
    pub db: Db,
    cluster: Option<pgcluster::Cluster>,
}

impl Database {
    pub fn is_private(&self) -> bool {
        self.cluster.is_some()
    }

    /// Stops the private cluster, if this process started it.
    pub async fn shutdown(self) {
        if let Some(mut cluster) = self.cluster {
            let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
        }
    }
}

/// Connects (starting the private cluster when no URL is configured) and applies migrations.
pub async fn prepare(config: &Config) -> anyhow::Result<Database> {
    open_sized(
        config.database_url.as_deref(),
        config.app_database_url.as_deref(),
        &config.data_dir,
        config.db_max_connections,
    )
    .await
}

/// `prepare` from its three settings: the owner's URL (`None`: the private cluster under
/// `data_dir`), and the app's own URL if the operator gives one. Migrations run as the owner on a
/// connection of their own; the app's pool logs in as `atrium_app`, derived from the owner's
/// login unless `app_url` names it.
pub async fn open(url: Option<&str>, app_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Database> {
    open_sized(url, app_url, data_dir, crate::config::default_pool_size()).await
}

/// `open` with a pool of `max_connections`.
pub async fn open_sized(
    url: Option<&str>,
    app_url: Option<&str>,
    data_dir: &Path,
    max_connections: u32,
) -> anyhow::Result<Database> {
    let (url, cluster) = match url {
        Some(url) => (url.to_owned(), None),
        None => {
            let dir = data_dir.join("postgres");
            tracing::info!(dir = %dir.display(), "DATABASE_URL is not set: starting a private PostgreSQL");
            let cluster = tokio::task::spawn_blocking(move || -> anyhow::Result<pgcluster::Cluster> {
                std::fs::create_dir_all(dir.parent().unwrap_or(&dir))?;
                let cluster = pgcluster::Cluster::start(&dir)?;
                cluster.ensure_database("atrium")?;
                Ok(cluster)
            })
            .await??;
            (cluster.url("atrium"), Some(cluster))
        }
    };
    let options = PgConnectOptions::from_str(&url).context("DATABASE_URL is not a valid PostgreSQL URL")?;
    migrate(options.clone()).await?;
    let db = match app_url {
        Some(app_url) => {
            let app =
                PgConnectOptions::from_str(app_url).context("ATRIUM_APP_DATABASE_URL is not a valid PostgreSQL URL")?;
            Db::connect_as(app, max_connections)
                .await
                .context("connecting to the database as ATRIUM_APP_DATABASE_URL's role")?
        }
        None => Db::connect(options, max_connections).await.context(
            "connecting to the database as the app role atrium_app (derived from DATABASE_URL; the \
             DATABASE_URL user must be allowed to ALTER ROLE atrium_app, or set ATRIUM_APP_DATABASE_URL)",
        )?,
    };
    Ok(Database { db, cluster })
}

/// Migrations run as the login role of `DATABASE_URL` (the owner), on a connection of their own,
/// followed by the re-sealing of audit chains older than format 2 (it updates audit rows, which
/// the app role may not); the app never holds the owner's login after this.
async fn migrate(options: PgConnectOptions) -> anyhow::Result<()> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(30))
        .connect_with(options)
        .await
        .context("connecting to the database to migrate it")?;
    MIGRATOR.run(&pool).await.context("applying migrations")?;
    atrium_app::audit::reseal::reseal_format_1_chains(&pool)
        .await
        .context("re-sealing format-1 audit chains")?;
    check_search(&pool).await;
    pool.close().await;
    Ok(())
}

/// Warns when searches cannot use the trigram indexes: only a superuser can mark ILIKE's
/// function leakproof (migration `search_leakproof`), and a dump and restore drops the mark.
async fn check_search(pool: &sqlx::PgPool) {
    let leakproof: Result<bool, sqlx::Error> = sqlx::query_scalar(
        "SELECT proleakproof FROM pg_proc WHERE oid = 'pg_catalog.texticlike(text, text)'::regprocedure",
    )
    .fetch_one(pool)
    .await;
    match leakproof {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            "searches read every row their tenant may see instead of using the trigram indexes: \
             as a superuser, run ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF \
             (see migrations/20261208000001_search_leakproof.up.sql)"
        ),
        Err(error) => tracing::warn!(%error, "cannot tell whether searches can use the trigram indexes"),
    }
}
