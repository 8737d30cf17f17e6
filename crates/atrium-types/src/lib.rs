//! Atrium's shared types: what both halves and the fuzz targets agree on, without Leptos, axum or
//! a database. The app re-exports every module at its old path (`atrium_app::alerts::types` is
//! `atrium_types::alerts`), so only this crate's own paths changed.

pub mod alerts;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod data_export;
pub mod i18n;
pub mod ids;
pub mod invitations;
pub mod ip_blocks;
pub mod labels;
pub mod live;
pub mod locale;
pub mod notifications;
pub mod paging;
pub mod palette;
pub mod permissions;
pub mod plans;
pub mod portal;
pub mod preferences;
pub mod sso;
pub mod tenants;
pub mod two_factor;
pub mod users;
pub mod validation;
