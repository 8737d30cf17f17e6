//! Database access: the pool (logged in as the app role), the only ways to open a transaction,
//! and the migrator.

#[cfg(feature = "ssr")]
pub mod keyset;
#[cfg(feature = "ssr")]
mod login;
#[cfg(feature = "ssr")]
mod pool;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
mod tx;

#[cfg(feature = "ssr")]
pub use pool::{Db, MIGRATOR};
#[cfg(feature = "ssr")]
pub use tx::{
    ApiKeyTx, AuthTx, OutboxTx, PlatformGuard, PlatformTx, TenantTx, detached_connection, unscoped_connection,
};
