//! Erasing a member (issue 13, data rights): their account goes, and every copy of their email
//! and name left behind — audit rows, alert history, silences, invitations — becomes a pseudonym,
//! while the audit chain still verifies (format 2, `audit::personal`).
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod views;
