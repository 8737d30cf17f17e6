//! Rate limits, kept in this replica's memory with `governor`'s keyed GCRA limiters: per client
//! IP on every request and on sign-in, per API key and per tenant on `/api/v1` (the tenant's
//! request rates: its plan's, or its own values), and per user on the expensive actions (exports, "send test", backtests).
//!
//! Several replicas: each one limits on its own, with the configured (global) rates divided by
//! `ATRIUM_REPLICAS`, so a client the load balancer spreads evenly gets about the global rate and
//! one pinned to a replica gets its share. No counter is shared, so a check costs no round trip
//! (see `docs/design-notes.md`, "Rate limits and IP blocks"). What must be seen by every replica, blocked
//! addresses, lives in PostgreSQL (`crate::ip_blocks`).
//!
//! The server builds one `RateLimits` at start-up, gives it to its edge and REST handlers, and
//! provides it to server functions through Leptos context (`check_expensive`).

use crate::auth::types::Principal;
use crate::error::AppError;
use crate::ids::{ApiKeyId, TenantId};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
use uuid::Uuid;

/// The configured limits (`ATRIUM_RATE_*`, `ATRIUM_REPLICAS`, `ATRIUM_IP_BLOCK_*` in
/// `.env.example`). Rates are global: each replica enforces `rate / replicas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// `ATRIUM_RATE_IP_PER_MINUTE`: requests per minute from one client address, any route but
    /// the probes and the API-key routes (which are limited per key and tenant).
    pub ip_per_minute: u32,
    /// `ATRIUM_RATE_IP_BURST`: how many of those may come at once (a page load fetches a few
    /// assets and server functions together).
    pub ip_burst: u32,
    /// `ATRIUM_RATE_SIGN_IN_PER_MINUTE`: sign-in attempts per minute from one address, whatever
    /// the account (per-account lockout alone lets anyone lock an account; this stops guessing
    /// across many).
    pub sign_in_per_minute: u32,
    /// `ATRIUM_RATE_SIGN_IN_BURST`.
    pub sign_in_burst: u32,
    /// `ATRIUM_RATE_EXPENSIVE_PER_HOUR`: each expensive action (an export, a channel test, a rule
    /// backtest) per user per hour.
    pub expensive_per_hour: u32,
    /// `ATRIUM_RATE_EXPENSIVE_BURST`.
    pub expensive_burst: u32,
    /// `ATRIUM_REPLICAS`: how many replicas share the configured rates.
    pub replicas: u32,
    /// `ATRIUM_IP_BLOCK_AFTER`: refusals (429) of one address within `block_window` that block it.
    pub block_after: u32,
    /// `ATRIUM_IP_BLOCK_WINDOW_SECS`.
    pub block_window: Duration,
    /// `ATRIUM_IP_BLOCK_MINUTES`: how long an automatic block lasts.
    pub block_for: Duration,
    /// `ATRIUM_IP_BLOCK_REFRESH_SECS`: how often a replica reloads the blocks (made by others) and
    /// forgets idle limiter state.
    pub block_refresh: Duration,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            ip_per_minute: 600,
            ip_burst: 120,
            sign_in_per_minute: 10,
            sign_in_burst: 5,
            expensive_per_hour: 30,
            expensive_burst: 5,
            replicas: 1,
            block_after: 100,
            block_window: Duration::from_secs(300),
            block_for: Duration::from_secs(3600),
            block_refresh: Duration::from_secs(10),
        }
    }
}

/// An action expensive enough to be limited per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expensive {
    AuditExport,
    DataExport,
    AnalyticsExport,
    ChannelTest,
    RuleBacktest,
}

type Keyed<K> = DefaultKeyedRateLimiter<K>;

struct Limiters {
    settings: LimitSettings,
    ip: Keyed<IpAddr>,
    sign_in: Keyed<IpAddr>,
    expensive: Keyed<(Uuid, Expensive)>,
    api_keys: RateTable<ApiKeyId>,
    tenants: RateTable<TenantId>,
    /// Counts refusals per address: when its quota runs out, the address is blocked.
    refusals: Keyed<IpAddr>,
}

/// This replica's rate limiters; cheap to clone (shared state).
#[derive(Clone)]
pub struct RateLimits(Arc<Limiters>);

/// `count` events per `period` shared by `replicas`, with bursts of `burst / replicas` (at least
/// one each).
fn quota(count: u32, period: Duration, burst: u32, replicas: u32) -> Quota {
    let replicas = replicas.max(1);
    let per_replica = (count / replicas).max(1);
    let burst = NonZeroU32::new((burst / replicas).max(1)).unwrap_or(NonZeroU32::MIN);
    // `period / per_replica` is zero only for absurd rates (over 10⁹ per second): allow a burst
    // per nanosecond then.
    Quota::with_period(period / per_replica)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(burst)
}

/// A tenant's `/api/v1` request rates per minute, from its plan or its own values (the plan's
/// `api_requests_per_key` and `api_requests_per_tenant` limits), read with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiRates {
    pub per_key: u32,
    pub per_tenant: u32,
}

impl ApiRates {
    /// From the stored limits; a missing one (a plan without the row) allows one request a
    /// minute, visibly too few, rather than none or unlimited.
    pub fn from_limits(per_key: Option<i64>, per_tenant: Option<i64>) -> Self {
        let rate = |value: Option<i64>| value.and_then(|v| u32::try_from(v).ok()).unwrap_or(1).max(1);
        Self {
            per_key: rate(per_key),
            per_tenant: rate(per_tenant),
        }
    }
}

/// Keyed limiters by rate: a keyed limiter has one quota, and each tenant may have its own rates,
/// so keys and tenants with the same rate share one limiter, made the first time it is needed.
struct RateTable<K: Hash + Eq + Clone> {
    replicas: u32,
    by_rate: RwLock<HashMap<u32, Arc<Keyed<K>>>>,
}

impl<K: Hash + Eq + Clone> RateTable<K> {
    fn new(replicas: u32) -> Self {
        Self {
            replicas,
            by_rate: RwLock::new(HashMap::new()),
        }
    }

    fn limiter(&self, per_minute: u32) -> Arc<Keyed<K>> {
        if let Some(found) = self
            .by_rate
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&per_minute)
        {
            return found.clone();
        }
        let mut table = self.by_rate.write().unwrap_or_else(PoisonError::into_inner);
        table
            .entry(per_minute)
            .or_insert_with(|| {
                let minute = Duration::from_secs(60);
                Arc::new(RateLimiter::keyed(quota(per_minute, minute, per_minute, self.replicas)))
            })
            .clone()
    }

    fn check(&self, per_minute: u32, key: &K) -> Result<(), AppError> {
        check(&self.limiter(per_minute), key)
    }

    /// Forgets recovered keys, and the limiters of rates nobody is using any more.
    fn forget_idle(&self) {
        let mut table = self.by_rate.write().unwrap_or_else(PoisonError::into_inner);
        for limiter in table.values() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        table.retain(|_, limiter| !limiter.is_empty());
    }

    fn len(&self) -> usize {
        let table = self.by_rate.read().unwrap_or_else(PoisonError::into_inner);
        table.values().map(|limiter| limiter.len()).sum()
    }
}

/// Whole seconds to wait, at least one (a `Retry-After: 0` invites an immediate retry).
fn retry_after(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

fn check<K: Hash + Eq + Clone>(limiter: &Keyed<K>, key: &K) -> Result<(), AppError> {
    limiter.check_key(key).map_err(|not_until| AppError::RateLimited {
        retry_after: retry_after(not_until.wait_time_from(DefaultClock::default().now())),
    })
}

impl RateLimits {
    pub fn new(settings: LimitSettings) -> Self {
        let r = settings.replicas;
        let minute = Duration::from_secs(60);
        Self(Arc::new(Limiters {
            settings,
            ip: RateLimiter::keyed(quota(settings.ip_per_minute, minute, settings.ip_burst, r)),
            sign_in: RateLimiter::keyed(quota(settings.sign_in_per_minute, minute, settings.sign_in_burst, r)),
            expensive: RateLimiter::keyed(quota(
                settings.expensive_per_hour,
                Duration::from_secs(3600),
                settings.expensive_burst,
                r,
            )),
            api_keys: RateTable::new(r),
            tenants: RateTable::new(r),
            // Refusals are counted where they happen, in each replica, so the threshold is not
            // divided: an address refused `block_after` times by one replica is abusive.
            refusals: RateLimiter::keyed(quota(
                settings.block_after,
                settings.block_window,
                settings.block_after,
                1,
            )),
        }))
    }

    pub fn settings(&self) -> &LimitSettings {
        &self.0.settings
    }

    /// One request from `ip` (any route but the probes and API-key routes).
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.0.ip, &ip)
    }

    /// One sign-in attempt from `ip`.
    pub fn check_sign_in(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.0.sign_in, &ip)
    }

    /// One `/api/v1` request with `key` of `tenant` at the tenant's `rates`: the key's own limit
    /// first, then the tenant's (a request the key's limit refuses does not use the tenant's
    /// budget).
    pub fn check_api(&self, key: ApiKeyId, tenant: TenantId, rates: ApiRates) -> Result<(), AppError> {
        self.0.api_keys.check(rates.per_key, &key)?;
        self.0.tenants.check(rates.per_tenant, &tenant)
    }

    /// One expensive `action` by `principal`.
    pub fn check_expensive(&self, principal: &Principal, action: Expensive) -> Result<(), AppError> {
        let user = match principal {
            Principal::Platform { platform_user_id, .. } => platform_user_id.0,
            Principal::Tenant { user_id, .. } => user_id.0,
        };
        check(&self.0.expensive, &(user, action))
    }

    /// Records one refusal of `ip`; `true` when this one crossed the abuse threshold (the caller
    /// blocks the address).
    pub fn record_refusal(&self, ip: IpAddr) -> bool {
        self.0.refusals.check_key(&ip).is_err()
    }

    /// Forgets addresses, keys and users whose limit has fully recovered, and gives the memory
    /// back: without it the keyed state grows with every address ever seen.
    pub fn forget_idle(&self) {
        let limiters = &self.0;
        limiters.ip.retain_recent();
        limiters.ip.shrink_to_fit();
        limiters.sign_in.retain_recent();
        limiters.sign_in.shrink_to_fit();
        limiters.expensive.retain_recent();
        limiters.expensive.shrink_to_fit();
        limiters.refusals.retain_recent();
        limiters.refusals.shrink_to_fit();
        limiters.api_keys.forget_idle();
        limiters.tenants.forget_idle();
    }

    /// How many keys (addresses, API keys, tenants, users) the limiters remember now.
    pub fn tracked(&self) -> usize {
        let limiters = &self.0;
        limiters.ip.len()
            + limiters.sign_in.len()
            + limiters.expensive.len()
            + limiters.refusals.len()
            + limiters.api_keys.len()
            + limiters.tenants.len()
    }
}

/// For server functions: one expensive `action` by the signed-in principal, with the limiter the
/// server provides in context. Without one the action is refused (fail closed).
pub fn check_expensive(principal: &Principal, action: Expensive) -> Result<(), AppError> {
    let Some(limits) = leptos::prelude::use_context::<RateLimits>() else {
        tracing::error!("no rate limiter in context");
        return Err(AppError::Internal);
    };
    let result = limits.check_expensive(principal, action);
    if result.is_err() {
        tracing::info!(?action, principal = principal.email(), "expensive action rate-limited");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LimitSettings {
        LimitSettings {
            sign_in_per_minute: 6,
            sign_in_burst: 3,
            ..LimitSettings::default()
        }
    }

    #[test]
    fn a_burst_passes_then_the_address_waits() {
        let limits = RateLimits::new(settings());
        let ip: IpAddr = "192.0.2.7".parse().expect("ip");
        for _ in 0..3 {
            assert_eq!(limits.check_sign_in(ip), Ok(()));
        }
        match limits.check_sign_in(ip) {
            // One attempt per 10 s comes back.
            Err(AppError::RateLimited { retry_after }) => assert!((1..=10).contains(&retry_after), "{retry_after}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Another address has its own budget.
        assert_eq!(limits.check_sign_in("192.0.2.8".parse().expect("ip")), Ok(()));
    }

    #[test]
    fn replicas_divide_rates_and_bursts() {
        let limits = RateLimits::new(LimitSettings {
            replicas: 3,
            ..settings()
        });
        let ip: IpAddr = "2001:db8::1".parse().expect("ip");
        // A burst of 3 over 3 replicas is one here.
        assert_eq!(limits.check_sign_in(ip), Ok(()));
        assert!(limits.check_sign_in(ip).is_err());
    }

    #[test]
    fn api_limits_follow_the_rates_key_first_then_tenant() {
        let limits = RateLimits::new(settings());
        let tenant = TenantId::new_random();
        let (a, b) = (ApiKeyId::new_random(), ApiKeyId::new_random());
        let rates = ApiRates {
            per_key: 60,
            per_tenant: 100,
        };
        for _ in 0..rates.per_key {
            assert_eq!(limits.check_api(a, tenant, rates), Ok(()));
        }
        assert!(limits.check_api(a, tenant, rates).is_err(), "the key's limit");
        for _ in 0..rates.per_tenant - rates.per_key {
            assert_eq!(limits.check_api(b, tenant, rates), Ok(()));
        }
        assert!(limits.check_api(b, tenant, rates).is_err(), "the tenant's limit");
        // Another tenant with larger rates has its own, larger budget.
        let larger = ApiRates {
            per_key: 6000,
            per_tenant: 15000,
        };
        assert_eq!(limits.check_api(a, TenantId::new_random(), larger), Ok(()));
        // Keys a and b, the first tenant, and key a and the second tenant at the larger rates.
        assert_eq!(limits.tracked(), 5);
        limits.forget_idle();
        assert!(limits.tracked() <= 5);
    }

    #[test]
    fn missing_rates_allow_one_request_a_minute() {
        assert_eq!(
            ApiRates::from_limits(None, Some(-5)),
            ApiRates {
                per_key: 1,
                per_tenant: 1
            }
        );
        assert_eq!(ApiRates::from_limits(Some(60), Some(100)).per_tenant, 100);
    }

    #[test]
    fn refusals_cross_the_threshold_once_counted() {
        let limits = RateLimits::new(LimitSettings {
            block_after: 3,
            ..settings()
        });
        let ip: IpAddr = "198.51.100.1".parse().expect("ip");
        assert!(!limits.record_refusal(ip));
        assert!(!limits.record_refusal(ip));
        assert!(!limits.record_refusal(ip));
        assert!(limits.record_refusal(ip));
    }

    #[test]
    fn idle_state_is_forgotten() {
        let limits = RateLimits::new(settings());
        limits.check_ip("192.0.2.1".parse().expect("ip")).expect("first");
        assert_eq!(limits.tracked(), 1);
        // One request is far below the burst, so its cell is back to full immediately after.
        std::thread::sleep(Duration::from_millis(200));
        limits.forget_idle();
        assert_eq!(limits.tracked(), 0);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(Duration::ZERO), 1);
        assert_eq!(retry_after(Duration::from_millis(1)), 1);
        assert_eq!(retry_after(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after(Duration::from_secs(30)), 30);
    }
}
