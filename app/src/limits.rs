//! Rate limits, kept in this replica's memory with `governor`'s keyed GCRA limiters: per client
//! IP on every request and on sign-in, per API key and per tenant on `/api/v1` (from the plan's
//! quotas), and per user on the expensive actions (exports, "send test", backtests).
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
use crate::tenants::types::Plan;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
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
    /// One limiter per plan (`Plan::ALL` order): a keyed limiter has one quota.
    api_keys: Vec<Keyed<ApiKeyId>>,
    tenants: Vec<Keyed<TenantId>>,
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

fn plan_index(plan: Plan) -> usize {
    Plan::ALL.iter().position(|p| *p == plan).unwrap_or(0)
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
        let per_key = |plan: Plan| {
            let n = plan.quotas().api_requests_per_minute_per_key;
            RateLimiter::keyed(quota(n, minute, n, r))
        };
        let per_tenant = |plan: Plan| {
            let n = plan.quotas().api_requests_per_minute_per_tenant;
            RateLimiter::keyed(quota(n, minute, n, r))
        };
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
            api_keys: Plan::ALL.into_iter().map(per_key).collect(),
            tenants: Plan::ALL.into_iter().map(per_tenant).collect(),
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

    /// One `/api/v1` request with `key` of `tenant` on `plan`: the key's own limit first, then
    /// the tenant's (a request the key's limit refuses does not use the tenant's budget).
    pub fn check_api(&self, key: ApiKeyId, tenant: TenantId, plan: Plan) -> Result<(), AppError> {
        let index = plan_index(plan);
        check(&self.0.api_keys[index], &key)?;
        check(&self.0.tenants[index], &tenant)
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
        for limiter in &limiters.api_keys {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in &limiters.tenants {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many keys (addresses, API keys, tenants, users) the limiters remember now.
    pub fn tracked(&self) -> usize {
        let limiters = &self.0;
        limiters.ip.len()
            + limiters.sign_in.len()
            + limiters.expensive.len()
            + limiters.refusals.len()
            + limiters.api_keys.iter().map(Keyed::len).sum::<usize>()
            + limiters.tenants.iter().map(Keyed::len).sum::<usize>()
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
    fn api_limits_follow_the_plan_key_first_then_tenant() {
        let limits = RateLimits::new(settings());
        let tenant = TenantId::new_random();
        let (a, b) = (ApiKeyId::new_random(), ApiKeyId::new_random());
        let free = Plan::Free.quotas();
        for _ in 0..free.api_requests_per_minute_per_key {
            assert_eq!(limits.check_api(a, tenant, Plan::Free), Ok(()));
        }
        assert!(limits.check_api(a, tenant, Plan::Free).is_err(), "the key's limit");
        let rest = free.api_requests_per_minute_per_tenant - free.api_requests_per_minute_per_key;
        for _ in 0..rest {
            assert_eq!(limits.check_api(b, tenant, Plan::Free), Ok(()));
        }
        assert!(limits.check_api(b, tenant, Plan::Free).is_err(), "the tenant's limit");
        // A bigger plan has its own, larger budget.
        assert_eq!(limits.check_api(a, TenantId::new_random(), Plan::Enterprise), Ok(()));
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
