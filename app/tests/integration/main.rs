//! The app crate's integration tests as one binary: on a real PostgreSQL, and the layer rules
//! of `app/src` read from its source.

mod alerts;
mod api_keys;
mod audit;
mod auth;
mod layers;
mod rls;
