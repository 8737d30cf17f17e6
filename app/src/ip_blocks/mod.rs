//! Blocked client addresses: the edge refuses them before anything else runs. Blocks come from
//! repeated rate-limit refusals (automatic, for `ATRIUM_IP_BLOCK_MINUTES`) or from a platform
//! administrator (an address or a CIDR range); administrators list and lift them on
//! `/system/ip-blocks`. Stored in PostgreSQL so every replica enforces every block; each replica
//! keeps a copy in memory (`service::BlockList`) refreshed every few seconds.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
pub use atrium_types::ip_blocks as types;
pub mod views;
