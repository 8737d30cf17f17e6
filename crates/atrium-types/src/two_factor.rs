//! Two-factor sign-in as the browser sees it: the state of one's own factor, an enrolment in
//! progress, and backup codes (issue 14).

use serde::{Deserialize, Serialize};

/// How many backup codes an enrolment issues.
pub const BACKUP_CODE_COUNT: usize = 10;

/// The signed-in account's second factor, for its own account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// When the factor was confirmed, formatted on the server; `None` when there is none.
    pub enabled_on: Option<String>,
    /// Unused backup codes left.
    pub backup_codes_left: u32,
    /// The workspace requires a second factor, so it cannot be turned off.
    pub required: bool,
}

/// A new secret waiting for its first code: what an authenticator app needs to hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32, in groups of four for typing by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code of `uri`, an SVG drawn on the server (rectangles only, no text).
    pub qr_svg: String,
}

/// Backup codes, shown once: only their hashes are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCodes {
    pub codes: Vec<String>,
    /// Where to go next when the codes were issued while signing in (the workspace required
    /// enrolment); `None` on the account page.
    pub continue_to: Option<String>,
}
