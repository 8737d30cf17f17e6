//! Who may do what: permissions, roles, custom permission sets, grants, delegations, and the one
//! place that combines them into a user's effective permissions.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod effective;
#[cfg(feature = "ssr")]
pub mod rank;
pub mod types;
pub mod views;
