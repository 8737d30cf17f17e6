//! The transaction scopes. Row-level security policies read `app.tenant_id` and `app.scope`,
//! which only these constructors set (transaction-locally), so data is reachable only through one
//! of them. Every scope but the tenant one is also a role the transaction switches to
//! (`atrium_scope_<scope>`, `SET LOCAL ROLE` through `set_config('role', …)`): a policy applies
//! only to its scope's role, so a tenant transaction's queries carry the tenant policy alone,
//! which an index can answer (migration `20261205000003_rls_scope_roles`).
//!
//! - `TenantTx`: one tenant's rows, read and write.
//! - `PlatformTx`: cross-tenant work for platform administrators; needs a `PlatformGuard`, which
//!   only the request context hands out after a platform permission check.
//! - `AuthTx`: sign-in bookkeeping before anyone is authenticated: reads tenants and users,
//!   writes sessions and sign-in audit rows.
//! - `ApiKeyTx`: finding the API key a machine request presents, before its tenant is known:
//!   read-only, sees API keys and tenants.
//! - `OutboxTx`: delivery workers claiming due deliveries of every tenant: reads and leases
//!   `deliveries` rows, sees nothing else.
#![expect(
    clippy::disallowed_methods,
    reason = "the one module that opens transactions on the pool (clippy.toml)"
)]

use crate::ids::TenantId;
use sqlx::{PgConnection, Postgres, Transaction};
use std::ops::{Deref, DerefMut};

use super::Db;

/// Proof that the current principal passed a platform permission check.
#[derive(Debug, Clone, Copy)]
pub struct PlatformGuard(());

impl PlatformGuard {
    /// Only `auth::context` (after checking a platform permission) and startup/seed code create one.
    pub(crate) fn new_checked() -> Self {
        Self(())
    }
    /// For the server's own startup work (seeding, migrations checks) and tests.
    pub fn for_system_task() -> Self {
        Self(())
    }
}

/// How snapshot transactions start: every statement sees the same committed state.
const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Opens a transaction with `begin` and applies a scope's `settings` (a `SELECT set_config(…)`
/// whose values are static text or a formatted id, never input) in the same round trip: one
/// simple query of two statements instead of two exchanges, for every transaction a request
/// opens. If the settings fail, the transaction is already aborted and its first query errs.
///
/// The BEGIN runs to its end in a task of its own, whatever becomes of the caller. sqlx counts a
/// transaction only once its BEGIN has answered: a caller dropped in between (a client that went
/// away mid-request) sent the connection back to the pool still inside a transaction sqlx did not
/// know of. The next transaction on it then ran inside that one, its own BEGIN ignored, under the
/// first one's role (a tenant transaction as the platform scope), and its COMMIT committed both
/// (`rls::a_transaction_abandoned_while_it_begins_leaves_nothing_behind`). Finished in its task,
/// the BEGIN yields a `Transaction`, and a `Transaction` nobody takes rolls back when dropped.
async fn begin_scoped(db: &Db, begin: &str, settings: &str) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let pool = db.pool().clone();
    let statement = format!("{begin}; {settings}");
    tokio::spawn(async move { pool.begin_with(statement).await })
        .await
        .map_err(|error| {
            sqlx::Error::Io(std::io::Error::other(format!(
                "a transaction's BEGIN task ended: {error}"
            )))
        })?
}

/// The tenant scope's settings for `tenant_id` (a UUID: hex digits and dashes only).
fn tenant_settings(tenant_id: TenantId) -> String {
    format!("SELECT set_config('app.tenant_id', '{}', true)", tenant_id.0)
}

/// A named scope's settings: its `app.scope` and its role.
fn scope_settings(scope: &'static str) -> String {
    format!("SELECT set_config('app.scope', '{scope}', true), set_config('role', 'atrium_scope_{scope}', true)")
}

macro_rules! scoped_tx {
    ($name:ident) => {
        impl $name {
            /// Commits the transaction (and with it the audit rows written in it).
            pub async fn commit(self) -> Result<(), sqlx::Error> {
                self.tx.commit().await
            }
        }
        impl Deref for $name {
            type Target = PgConnection;
            fn deref(&self) -> &PgConnection {
                &self.tx
            }
        }
        impl DerefMut for $name {
            fn deref_mut(&mut self) -> &mut PgConnection {
                &mut self.tx
            }
        }
    };
}

/// A transaction that sees exactly one tenant's rows.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant_id: TenantId,
}
scoped_tx!(TenantTx);

impl TenantTx {
    pub async fn begin(db: &Db, tenant_id: TenantId) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, "BEGIN", &tenant_settings(tenant_id)).await?;
        Ok(Self { tx, tenant_id })
    }

    /// A read-only transaction on one consistent snapshot (REPEATABLE READ), for reads that span
    /// several statements and must not see commits made in between (audit chain verification).
    pub async fn begin_snapshot(db: &Db, tenant_id: TenantId) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, SNAPSHOT, &tenant_settings(tenant_id)).await?;
        Ok(Self { tx, tenant_id })
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }
}

/// A transaction in the platform scope: all tenants, per the platform policies.
pub struct PlatformTx {
    tx: Transaction<'static, Postgres>,
}
scoped_tx!(PlatformTx);

impl PlatformTx {
    pub async fn begin(db: &Db, _guard: PlatformGuard) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, "BEGIN", &scope_settings("platform")).await?;
        Ok(Self { tx })
    }

    /// `TenantTx::begin_snapshot` for the platform scope.
    pub async fn begin_snapshot(db: &Db, _guard: PlatformGuard) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, SNAPSHOT, &scope_settings("platform")).await?;
        Ok(Self { tx })
    }
}

/// A transaction in the authentication scope: reads tenants and users to sign someone in.
pub struct AuthTx {
    tx: Transaction<'static, Postgres>,
}
scoped_tx!(AuthTx);

impl AuthTx {
    pub(crate) async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, "BEGIN", &scope_settings("auth")).await?;
        Ok(Self { tx })
    }
}

/// A read-only transaction in the API key scope: looks a presented key up by its hash (and reads
/// its tenant's status, plan and signing policy). Everything after that runs in the key's
/// `TenantTx`.
pub struct ApiKeyTx {
    tx: Transaction<'static, Postgres>,
}
scoped_tx!(ApiKeyTx);

impl ApiKeyTx {
    pub(crate) async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, "BEGIN READ ONLY", &scope_settings("api_key")).await?;
        Ok(Self { tx })
    }
}

/// A transaction in the outbox scope: a delivery worker finds due deliveries of every tenant and
/// leases them (`FOR UPDATE SKIP LOCKED`). It sees no other table; what a delivery needs next
/// (its channel, the attempt log) is read and written in the delivery's own `TenantTx`.
pub struct OutboxTx {
    tx: Transaction<'static, Postgres>,
}
scoped_tx!(OutboxTx);

impl OutboxTx {
    pub(crate) async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        let tx = begin_scoped(db, "BEGIN", &scope_settings("outbox")).await?;
        Ok(Self { tx })
    }
}

/// A connection taken out of the pool for good, for session-level advisory locks: they end when
/// this connection closes (also when the task holding it dies), never leaking back into the pool.
/// It sees no tenant data, like `unscoped_connection`.
pub async fn detached_connection(db: &Db) -> Result<PgConnection, sqlx::Error> {
    Ok(db.pool().acquire().await?.detach())
}

/// A plain connection with no scope at all: sees no tenant data. Exists so tests can prove that.
#[cfg(feature = "ssr")]
pub async fn unscoped_connection(db: &Db) -> Result<sqlx::pool::PoolConnection<Postgres>, sqlx::Error> {
    db.pool().acquire().await
}
