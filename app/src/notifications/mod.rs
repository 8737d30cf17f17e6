//! Notifications: a tenant's channels (webhook, Slack, Teams, email) and the durable, signed
//! delivery of messages to them through an outbox.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
