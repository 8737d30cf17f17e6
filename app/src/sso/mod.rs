//! Single sign-on with OpenID Connect (issue 14): each workspace may name one provider its
//! members sign in with; people from its allowed email domains are matched by verified email or
//! created on their first sign-in.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod service;
pub use atrium_types::sso as types;
pub mod views;
