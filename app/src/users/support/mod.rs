//! Support access (issue 14): a platform administrator signs in as a member, after giving a
//! reason, to see what they see. The session is the member's, marked with who opened it and why;
//! every page shows a banner with one click to end it, every action in it is audited with both
//! identities (audit format 3), and its start and end are audited with the reason. A workspace
//! can refuse it (Security page); nobody can sign in as a platform administrator, as support
//! access only opens sessions of workspace members.
pub mod api;
pub mod views;
