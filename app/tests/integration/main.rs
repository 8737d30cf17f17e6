//! The app crate's integration tests (on a real PostgreSQL) as one binary.

mod alerts;
mod api_keys;
mod audit;
mod auth;
mod rls;
