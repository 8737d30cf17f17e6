//! API keys: machine access for one tenant (metrics ingestion, REST reads). Keys are random,
//! shown once, stored as a SHA-256 hash, scoped, rotatable with a grace period, and come with a
//! signing secret for optional HMAC-SHA256 request signatures (`auth.rs`).
pub mod api;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub use atrium_types::api_keys::secret;
#[cfg(feature = "ssr")]
pub mod service;
pub use atrium_types::api_keys as types;
pub mod views;
