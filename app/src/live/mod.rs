//! Live updates: the events the server pushes to browsers over `/ws`, how a replica publishes them
//! to every replica (PostgreSQL NOTIFY), and the browser's connection to them.

pub mod client;
#[cfg(feature = "ssr")]
pub mod db;
pub use atrium_types::live as types;
