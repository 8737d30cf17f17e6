//! Notifications: a tenant's channels (webhook, Slack, Teams, email) and the durable, signed
//! delivery of messages to them through an outbox.
//!
//! Other domains enqueue with `service::enqueue` inside their own transaction; workers
//! (`outbox::Outbox`, run by the server on every replica) deliver with retries, Standard Webhooks
//! signatures (`signing`), per-kind payloads (`render`) and server-side request forgery checks
//! (`outbound`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod outbound;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod signing;
pub use atrium_types::notifications as types;
pub mod views;
