//! Sign-in and session settings, read from the environment by the server at start-up
//! (`ATRIUM_SESSION_IDLE_MINUTES`, `ATRIUM_PASSWORD_HASH_*`) and fixed for the process.

use super::password::{self, HashingLimits};
use std::sync::OnceLock;

/// How long a session may go unused before it is refused like an expired one: a working day
/// (issue 14), within the 12-hour absolute limit; a workspace may shorten it.
pub const DEFAULT_SESSION_IDLE_MINUTES: u32 = 480;

/// A session's use is written back at most this often, so a busy session costs one UPDATE a
/// minute rather than one per request.
pub const SESSION_SEEN_GRANULARITY_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSettings {
    /// Minutes without a request after which a session ends (at least 1).
    pub session_idle_minutes: u32,
    /// How much password hashing runs and waits at once.
    pub hashing: HashingLimits,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: DEFAULT_SESSION_IDLE_MINUTES,
            hashing: HashingLimits::default(),
        }
    }
}

static SESSION_IDLE_MINUTES: OnceLock<u32> = OnceLock::new();

/// Applies the settings for this process (start-up, before serving). Settings already in use
/// (a hash computed, a session looked up) stay; returns whether all of these took effect.
pub fn configure(settings: AuthSettings) -> bool {
    let idle = settings.session_idle_minutes.max(1);
    let idle_set = *SESSION_IDLE_MINUTES.get_or_init(|| idle) == idle;
    password::configure(settings.hashing) && idle_set
}

/// The platform's idle timeout in minutes (a workspace may only set a shorter one).
pub fn session_idle_minutes() -> u32 {
    *SESSION_IDLE_MINUTES.get_or_init(|| DEFAULT_SESSION_IDLE_MINUTES)
}

/// The idle timeout in force, in seconds (for the session queries).
pub fn session_idle_secs() -> f64 {
    f64::from(*SESSION_IDLE_MINUTES.get_or_init(|| DEFAULT_SESSION_IDLE_MINUTES)) * 60.0
}
