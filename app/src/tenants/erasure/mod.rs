//! Erasing a whole workspace (issue 13, data rights): its administrators ask for it with the slug
//! typed again; it can be cancelled for `ATRIUM_TENANT_ERASE_DELAY_HOURS`; then the leader-led
//! `tenant_erasure` job purges every row of it and records `tenant.erase` on the platform chain.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod purge;
pub mod views;

#[cfg(feature = "ssr")]
static DELAY_HOURS: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// Sets how long a requested erasure waits, for this process (start-up, before serving);
/// returns whether it took effect (a delay already in use stays).
#[cfg(feature = "ssr")]
pub fn configure_delay(hours: u32) -> bool {
    let hours = hours.clamp(1, atrium_types::tenants::MAX_ERASE_DELAY_HOURS);
    *DELAY_HOURS.get_or_init(|| hours) == hours
}

/// How long a requested erasure waits, in hours.
#[cfg(feature = "ssr")]
pub fn delay_hours() -> u32 {
    *DELAY_HOURS.get_or_init(|| atrium_types::tenants::DEFAULT_ERASE_DELAY_HOURS)
}
