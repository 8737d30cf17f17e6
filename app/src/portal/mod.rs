//! The tenant portal (issue 13): where a tenant's own administrators run their workspace, at
//! `/t/{slug}`, on the tenant's own host, or behind a trusted proxy naming it. The portal is the
//! app with the router's base set to the site ([`site`]), the tenant's branding on its layout,
//! and its own overview, branding and security pages.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod security;
pub mod site;
pub use atrium_types::portal as types;
pub mod views;
