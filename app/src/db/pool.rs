//! The connection pool. Every connection switches to the `atrium_app` role on connect, so row-level
//! security applies whatever role the connection string logs in as (including a superuser).

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use std::time::Duration;

/// The embedded, reversible migrations in `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The application's pool. Queries cannot run on it directly: open a `TenantTx`, `PlatformTx` or
/// (inside `auth`) an `AuthTx`.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    /// Connects with `options`; each connection runs as `atrium_app` from its first statement.
    pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("SET ROLE atrium_app").await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// Whether the database answers (for `/ready`).
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar!("SELECT 1 AS \"one!\"")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }
}
