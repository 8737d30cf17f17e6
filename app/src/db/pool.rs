//! The connection pool. It logs in as the `atrium_app` role itself (no SUPERUSER, no BYPASSRLS),
//! so row-level security applies to every statement and no SQL can switch back to a privileged
//! role; see `login` for how that login is derived from the owner's.

use super::login;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use std::time::Duration;

/// How long a request waits for a connection before it is told the database is unavailable
/// (503). Short on purpose: with PostgreSQL gone, a request must fail in well under two seconds
/// rather than hang; with PostgreSQL busy, a request that waited this long for one of the pool's
/// connections is better refused than queued behind more.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1_500);

/// A connection idle for longer than this is pinged before a request gets it. One used more
/// recently was pinged when it came back to the pool (sqlx always tests a returned connection),
/// so under load the check costs nothing, while after an outage a connection that sat in the
/// pool is found dead before a request is handed it. sqlx's default pings on every acquire: one
/// more round trip per transaction, three per list page (issue 12, item 6).
pub const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

/// `/ready`'s whole budget, connection included: a probe answers within a second.
pub const PING_TIMEOUT: Duration = Duration::from_millis(800);

/// The embedded, reversible migrations in `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The application's pool. Queries cannot run on it directly: open a `TenantTx`, `PlatformTx` or
/// (inside `auth`) an `AuthTx`.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    /// Connects as `atrium_app`, given the owner's options (`DATABASE_URL`, the private cluster's,
    /// a test database's): the app logs in with the owner's options but user `atrium_app` and a
    /// password derived from the owner's. When that login is refused (the role may not log in
    /// yet, or its password is not the derived one) the owner grants it once and it is retried.
    pub async fn connect(owner: PgConnectOptions, max_connections: u32) -> Result<Self, sqlx::Error> {
        Self::connect_waiting(owner, max_connections, ACQUIRE_TIMEOUT).await
    }

    /// `connect` with another wait for a connection. Only for a test harness that runs a hundred
    /// apps at once on two cores, where a slow wait is load from the other tests, not an outage.
    pub async fn connect_waiting(
        owner: PgConnectOptions,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, sqlx::Error> {
        let app = login::app_options(&owner);
        match Self::connect_pool(app.clone(), max_connections, acquire_timeout).await {
            Err(error) if login::is_login_refused(&error) => {
                tracing::info!("letting the app role log in (ALTER ROLE atrium_app LOGIN)");
                login::ensure_login(&owner, login::derived_password(&owner).as_deref()).await?;
                Self::connect_pool(app, max_connections, acquire_timeout).await
            }
            result => result,
        }
    }

    /// Connects with exactly these options (`ATRIUM_APP_DATABASE_URL`). Refuses a login that is a
    /// superuser or bypasses row-level security: the app must never run with either.
    pub async fn connect_as(app: PgConnectOptions, max_connections: u32) -> Result<Self, sqlx::Error> {
        Self::connect_pool(app, max_connections, ACQUIRE_TIMEOUT).await
    }

    async fn connect_pool(
        app: PgConnectOptions,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_IDLE_AFTER {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(app)
            .await?;
        let login = sqlx::query!(
            r#"SELECT session_user::text AS "name!", r.rolsuper AS "rolsuper!", r.rolbypassrls AS "rolbypassrls!"
               FROM pg_roles r WHERE r.rolname = session_user"#
        )
        .fetch_one(&pool)
        .await?;
        if login.rolsuper || login.rolbypassrls {
            pool.close().await;
            return Err(sqlx::Error::Configuration(
                format!(
                    "the app's database login {:?} is a superuser or bypasses row-level security; \
                     it must be a role like atrium_app (NOSUPERUSER NOBYPASSRLS)",
                    login.name
                )
                .into(),
            ));
        }
        Ok(Self { pool })
    }

    /// Whether the database answers within [`PING_TIMEOUT`] (for `/ready`).
    pub async fn ping(&self) -> bool {
        let query = sqlx::query_scalar!("SELECT 1 AS \"one!\"").fetch_one(&self.pool);
        matches!(tokio::time::timeout(PING_TIMEOUT, query).await, Ok(Ok(_)))
    }

    /// A LISTEN connection of its own (not one of the pool's): it is held for as long as the
    /// listener lives, and sqlx reconnects it (re-listening) on the same options when it drops.
    /// It logs in as the pool does (the app role) and reads no tables, so it needs no scope.
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
