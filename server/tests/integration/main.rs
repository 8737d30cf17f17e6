//! The server's integration tests as one binary: one link instead of one per file, and one
//! process whose `sqlx::test` databases and spawned apps share the test threads.

mod alerts_http;
mod api_keys_http;
mod attack;
mod audit_http;
mod auth_http;
mod common;
mod data_rights;
mod database;
mod demo;
mod edge;
mod invitations;
mod language;
mod leader;
mod limits;
mod live;
mod metrics;
mod notifications;
mod outage;
mod palette;
mod permissions;
mod plans;
mod portal;
mod router;
mod sso;
mod support_access;
mod tenant_erasure;
mod theme;
mod two_factor;
mod your_sessions;
