//! Getting a migrated database: `DATABASE_URL`, or a private cluster under the data directory.

use crate::config::Config;
use anyhow::Context;
use atrium_app::db::{Db, MIGRATOR};
use sqlx::postgres::PgConnectOptions;
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
    let (url, cluster) = match &config.database_url {
        Some(url) => (url.clone(), None),
        None => {
            let dir = config.data_dir.join("postgres");
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
    let db = Db::connect(options, 16).await.context("connecting to the database")?;
    Ok(Database { db, cluster })
}

/// Migrations run as the login role (the owner), not as `atrium_app`.
async fn migrate(options: PgConnectOptions) -> anyhow::Result<()> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(30))
        .connect_with(options)
        .await
        .context("connecting to the database to migrate it")?;
    MIGRATOR.run(&pool).await.context("applying migrations")?;
    pool.close().await;
    Ok(())
}
