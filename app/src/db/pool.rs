//! The connection pool. Every connection switches to the `atrium_app` role on connect, so row-level
//! security applies whatever role the connection string logs in as (including a superuser).

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
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

    /// A LISTEN connection of its own (not one of the pool's): it is held for as long as the
    /// listener lives, and sqlx reconnects it (re-listening) on the same options when it drops.
    /// It reads no tables, so it needs no scope.
    pub async fn listener(&self) -> Result<PgListener, sqlx::Error> {
        let options = (*self.pool.connect_options()).clone();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        PgListener::connect_with(&pool).await
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }
}
