//! Plans as the platform controls them: the limits and feature flags each plan grants, a
//! tenant's overrides of either, and a tenant's usage measured against its limits.
//!
//! A plan's numbers live in the database (`plan_limits`, `plan_features`) so platform
//! administrators edit them without a release; how long raw points and rollups are kept stays
//! with the plan itself ([`crate::tenants::Plan::quotas`]) because it decides which storage class
//! a point is written to.

use crate::i18n::{t, t_args};
use crate::tenants::Plan;
use serde::{Deserialize, Serialize};

/// Something a plan counts and caps. The stored name (`as_str`) is the PostgreSQL enum
/// `plan_limit` and the REST error's `limit` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "plan_limit", rename_all = "snake_case")
)]
pub enum Limit {
    /// Members of the workspace (every status: a disabled member can be enabled again).
    Users,
    /// Active (not revoked, not expired) API keys.
    ApiKeys,
    /// Distinct metric names.
    Metrics,
    /// Distinct labelled series across all metrics.
    Series,
    /// Points accepted per UTC day.
    PointsPerDay,
    /// Alert rules, enabled or not.
    AlertRules,
    /// Notification channels, enabled or not.
    Channels,
    /// The longest audit retention the workspace may choose, in days.
    AuditRetentionDays,
    /// Requests per minute one API key may make to `/api/v1`.
    ApiRequestsPerKey,
    /// Requests per minute all of a tenant's keys together may make to `/api/v1`.
    ApiRequestsPerTenant,
}

impl Limit {
    /// Display order: what a workspace creates, then what it sends, then what it may configure.
    pub const ALL: [Limit; 10] = [
        Self::Users,
        Self::ApiKeys,
        Self::Metrics,
        Self::Series,
        Self::PointsPerDay,
        Self::AlertRules,
        Self::Channels,
        Self::AuditRetentionDays,
        Self::ApiRequestsPerKey,
        Self::ApiRequestsPerTenant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::ApiKeys => "api_keys",
            Self::Metrics => "metrics",
            Self::Series => "series",
            Self::PointsPerDay => "points_per_day",
            Self::AlertRules => "alert_rules",
            Self::Channels => "channels",
            Self::AuditRetentionDays => "audit_retention_days",
            Self::ApiRequestsPerKey => "api_requests_per_key",
            Self::ApiRequestsPerTenant => "api_requests_per_tenant",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|limit| limit.as_str() == value)
    }

    pub fn label(self) -> String {
        t(&format!("limit-{}", self.as_str()))
    }

    /// Limits on how much exists or is sent, which a workspace uses up; the others are ceilings
    /// on a setting or a rate and have no usage bar.
    pub fn is_counted(self) -> bool {
        !matches!(
            self,
            Self::AuditRetentionDays | Self::ApiRequestsPerKey | Self::ApiRequestsPerTenant
        )
    }

    /// The smallest value a plan or an override may set. The audit trail is kept at least 30
    /// days whatever the plan (see `tenants::AUDIT_RETENTION_DAYS`); a rate of zero would lock a
    /// tenant out of its own API, which suspending the tenant already does, visibly.
    pub fn minimum(self) -> u64 {
        match self {
            Self::AuditRetentionDays => 30,
            Self::ApiRequestsPerKey | Self::ApiRequestsPerTenant => 1,
            _ => 0,
        }
    }

    /// The largest value accepted: well past any real plan, small enough for every counter and
    /// rate limiter the value reaches.
    pub fn maximum(self) -> u64 {
        match self {
            Self::AuditRetentionDays => 3650,
            Self::PointsPerDay => 1_000_000_000_000,
            _ => u64::from(u32::MAX),
        }
    }

    /// Parses what an administrator typed for this limit.
    pub fn parse_value(self, text: &str) -> Result<u64, String> {
        let digits: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
        let range = || {
            t_args(
                "valid-limit-range",
                &[
                    ("min", &self.minimum().to_string()),
                    ("max", &self.maximum().to_string()),
                ],
            )
        };
        let value: u64 = digits.parse().map_err(|_| range())?;
        if (self.minimum()..=self.maximum()).contains(&value) {
            Ok(value)
        } else {
            Err(range())
        }
    }
}

/// Something a plan switches on or off. The stored name is the PostgreSQL enum `plan_feature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "plan_feature", rename_all = "snake_case")
)]
pub enum Feature {
    /// Anomaly bands and forecasts on charts, and anomaly alert rules.
    AnomalyDetection,
    /// Permission sets beyond the four built-in roles.
    PermissionSets,
    /// Members lending their permissions to others for a while.
    Delegations,
    /// Alert rules that escalate to further channels when nobody acknowledges.
    Escalation,
    /// Platform administrators signing in as members (support access), if the workspace allows.
    SupportAccess,
}

impl Feature {
    pub const ALL: [Feature; 5] = [
        Self::AnomalyDetection,
        Self::PermissionSets,
        Self::Delegations,
        Self::Escalation,
        Self::SupportAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnomalyDetection => "anomaly_detection",
            Self::PermissionSets => "permission_sets",
            Self::Delegations => "delegations",
            Self::Escalation => "escalation",
            Self::SupportAccess => "support_access",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|feature| feature.as_str() == value)
    }

    pub fn label(self) -> String {
        t(&format!("feature-{}", self.as_str()))
    }
}

/// One plan as the platform defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDefinition {
    pub plan: Plan,
    /// Every limit, in [`Limit::ALL`] order.
    pub limits: Vec<(Limit, u64)>,
    pub features: Vec<Feature>,
    /// Tenants on this plan.
    pub tenant_count: i64,
}

/// A limit as one tenant has it: the plan's value, and the tenant's own if the platform set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitGrant {
    pub limit: Limit,
    pub plan_value: u64,
    pub override_value: Option<u64>,
}

impl LimitGrant {
    pub fn value(&self) -> u64 {
        self.override_value.unwrap_or(self.plan_value)
    }
}

/// A feature as one tenant has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureGrant {
    pub feature: Feature,
    pub plan_enabled: bool,
    pub override_enabled: Option<bool>,
}

impl FeatureGrant {
    pub fn enabled(&self) -> bool {
        self.override_enabled.unwrap_or(self.plan_enabled)
    }
}

/// What one tenant may have and do: its plan with the platform's overrides applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    pub plan: Plan,
    /// Every limit, in [`Limit::ALL`] order.
    pub limits: Vec<LimitGrant>,
    /// Every feature, in [`Feature::ALL`] order.
    pub features: Vec<FeatureGrant>,
}

impl Entitlements {
    pub fn limit(&self, limit: Limit) -> u64 {
        self.limits
            .iter()
            .find(|grant| grant.limit == limit)
            .map_or(0, LimitGrant::value)
    }

    pub fn has(&self, feature: Feature) -> bool {
        self.features
            .iter()
            .any(|grant| grant.feature == feature && grant.enabled())
    }
}

/// How close a counted limit is to being used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsageLevel {
    Normal,
    /// At 80 % or more: the workspace's administrators are warned.
    Warning,
    /// Used up: creating more is refused until something is removed or the limit is raised.
    Full,
}

/// Where the warning starts, in percent of the limit.
pub const WARNING_PERCENT: u64 = 80;

impl UsageLevel {
    pub fn of(used: u64, allowed: u64) -> Self {
        if used >= allowed {
            Self::Full
        } else if used.saturating_mul(100) >= allowed.saturating_mul(WARNING_PERCENT) {
            Self::Warning
        } else {
            Self::Normal
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Warning => "warning",
            Self::Full => "full",
        }
    }
}

/// One counted limit with what the tenant uses of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub limit: Limit,
    pub used: u64,
    pub allowed: u64,
    pub overridden: bool,
}

impl UsageLine {
    pub fn level(&self) -> UsageLevel {
        UsageLevel::of(self.used, self.allowed)
    }

    /// The bar's width, 0–100.
    pub fn percent(&self) -> u64 {
        if self.allowed == 0 {
            return 100;
        }
        (self.used.saturating_mul(100) / self.allowed).min(100)
    }
}

/// A tenant's usage page: its plan, each counted limit with its usage, and the features on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub plan: Plan,
    pub lines: Vec<UsageLine>,
    pub features: Vec<FeatureGrant>,
    /// The rates and ceilings that are not used up (rates per minute, audit retention).
    pub ceilings: Vec<LimitGrant>,
}

/// A tenant's plan as its page shows it to platform administrators: what it is entitled to, and
/// what it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPlan {
    pub entitlements: Entitlements,
    pub usage: UsageReport,
}

/// The message for a refusal at a limit: what, how many, which plan, and what to do.
pub fn limit_reached_message(limit: Limit, allowed: u64, plan: Plan) -> String {
    t_args(
        "limit-reached",
        &[
            ("limit", &limit.label()),
            ("max", &allowed.to_string()),
            ("plan", &plan.label()),
        ],
    )
}

/// The message for a refusal of a feature the plan does not include.
pub fn feature_off_message(feature: Feature, plan: Plan) -> String {
    t_args("feature-off", &[("feature", &feature.label()), ("plan", &plan.label())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for limit in Limit::ALL {
            assert_eq!(Limit::parse(limit.as_str()), Some(limit));
            assert!(!limit.label().starts_with("limit-"), "{} has a label", limit.as_str());
        }
        for feature in Feature::ALL {
            assert_eq!(Feature::parse(feature.as_str()), Some(feature));
            assert!(
                !feature.label().starts_with("feature-"),
                "{} has a label",
                feature.as_str()
            );
        }
        assert_eq!(Limit::parse("nope"), None);
    }

    #[test]
    fn values_parse_within_their_bounds() {
        assert_eq!(Limit::Users.parse_value(" 1,000 "), Ok(1000));
        assert_eq!(Limit::Users.parse_value("0"), Ok(0));
        assert!(Limit::Users.parse_value("-1").is_err());
        assert!(Limit::Users.parse_value("4294967296").is_err());
        assert!(Limit::Users.parse_value("ten").is_err());
        assert!(Limit::AuditRetentionDays.parse_value("29").is_err());
        assert_eq!(Limit::AuditRetentionDays.parse_value("30"), Ok(30));
        assert!(Limit::ApiRequestsPerKey.parse_value("0").is_err());
        assert_eq!(Limit::PointsPerDay.parse_value("5000000000"), Ok(5_000_000_000));
    }

    #[test]
    fn usage_levels_warn_at_eighty_percent_and_block_at_the_limit() {
        assert_eq!(UsageLevel::of(7, 10), UsageLevel::Normal);
        assert_eq!(UsageLevel::of(8, 10), UsageLevel::Warning);
        assert_eq!(UsageLevel::of(9, 10), UsageLevel::Warning);
        assert_eq!(UsageLevel::of(10, 10), UsageLevel::Full);
        assert_eq!(UsageLevel::of(12, 10), UsageLevel::Full);
        assert_eq!(UsageLevel::of(0, 0), UsageLevel::Full);
        let line = UsageLine {
            limit: Limit::Users,
            used: 12,
            allowed: 10,
            overridden: false,
        };
        assert_eq!(line.percent(), 100);
    }

    #[test]
    fn an_override_wins_over_the_plan() {
        let grant = LimitGrant {
            limit: Limit::Users,
            plan_value: 5,
            override_value: Some(50),
        };
        assert_eq!(grant.value(), 50);
        let feature = FeatureGrant {
            feature: Feature::Delegations,
            plan_enabled: true,
            override_enabled: Some(false),
        };
        assert!(!feature.enabled());
    }
}

/// Members count as active when they signed in within this many days.
pub const ACTIVE_DAYS: i64 = 30;

/// What a workspace holds and how much it is used (T6), or the same summed over the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub members: i64,
    /// Signed in within [`ACTIVE_DAYS`].
    pub active_members: i64,
    pub api_keys: i64,
    pub metrics: i64,
    pub points_today: i64,
    /// Today and the 29 days before.
    pub points_30_days: i64,
    /// Open alerts per state (firing, pending, acknowledged, no data, error).
    pub open_alerts: Vec<(crate::alerts::AlertState, i64)>,
    /// Bytes on disk: for a workspace an estimate (the points it keeps times the average size
    /// of a stored point), for the platform the database's size.
    pub storage_bytes: i64,
}

/// The platform's statistics: its workspaces and their totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformStatistics {
    pub tenants: i64,
    pub active_tenants: i64,
    pub totals: Statistics,
}

/// A byte count for people: `512 B`, `12.3 MB`, `4.1 GB`.
pub fn format_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", bytes.max(0))
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod statistics_tests {
    use super::format_bytes;

    #[test]
    fn bytes_read_in_decimal_units() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(12_345_678), "12.3 MB");
        assert_eq!(format_bytes(4_100_000_000), "4.1 GB");
        assert_eq!(format_bytes(-5), "0 B");
    }
}
