//! One's own account as the browser sees it (issue 14): the second factor (its state, an
//! enrolment in progress, backup codes) and the sessions signed in with it.

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

/// One live session of the signed-in account, for "Your sessions".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: crate::ids::SessionId,
    /// Browser and system, read from the user agent ("Firefox on Linux").
    pub device: String,
    pub ip: Option<String>,
    /// When it signed in and when it was last used, formatted on the server.
    pub started: String,
    pub last_seen: String,
    /// The session this request came with.
    pub current: bool,
}
