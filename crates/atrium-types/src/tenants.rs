//! Tenant DTOs and input newtypes shared by the browser and the server.

use crate::i18n::t;
use crate::ids::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many days a tenant may keep its audit trail. At least 30, so whoever holds
/// `settings:update` cannot make the trail of their own recent actions vanish at the next prune
/// (the table's `tenants_audit_retention_days_check` holds the same bounds); at most ten years.
pub const AUDIT_RETENTION_DAYS: std::ops::RangeInclusive<i32> = 30..=3650;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "tenant_plan", rename_all = "lowercase")
)]
pub enum Plan {
    Free,
    Starter,
    Professional,
    Enterprise,
}

impl Plan {
    pub const ALL: [Plan; 4] = [Self::Free, Self::Starter, Self::Professional, Self::Enterprise];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Starter => "starter",
            Self::Professional => "professional",
            Self::Enterprise => "enterprise",
        }
    }
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|plan| plan.as_str() == value)
            .ok_or_else(|| t("valid-plan"))
    }
    pub fn label(self) -> String {
        t(&format!("plan-{}", self.as_str()))
    }
    pub fn options() -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|plan| (plan.as_str().to_owned(), plan.label()))
            .collect()
    }
}

/// How long a plan keeps metric data. The rest of what a plan allows (limits and features) is
/// data the platform edits (`crate::plans`); retention stays here because it decides which
/// storage class (set of daily partitions) a point is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRetention {
    /// Raw points are kept this many days (whole daily partitions are dropped after).
    pub raw_days: u16,
    /// Minute and hour rollups are kept this many days.
    pub rollup_days: u16,
}

impl Plan {
    pub fn retention(self) -> PlanRetention {
        let (raw_days, rollup_days) = match self {
            Self::Free => (7, 90),
            Self::Starter => (30, 180),
            Self::Professional => (30, 400),
            Self::Enterprise => (90, 800),
        };
        PlanRetention { raw_days, rollup_days }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "tenant_status", rename_all = "lowercase")
)]
pub enum TenantStatus {
    Active,
    Suspended,
}

impl TenantStatus {
    pub const ALL: [TenantStatus; 2] = [Self::Active, Self::Suspended];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| t("valid-status"))
    }
    pub fn label(self) -> String {
        t(&format!("tenant-status-{}", self.as_str()))
    }
    pub fn options() -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|status| (status.as_str().to_owned(), status.label()))
            .collect()
    }
}

/// A tenant's URL name: 2–63 characters of `a-z`, `0-9` and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(t("valid-required"));
        }
        let bytes = value.as_bytes();
        let allowed = bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        let edges = bytes.first().is_some_and(|b| *b != b'-') && bytes.last().is_some_and(|b| *b != b'-');
        if (2..=63).contains(&bytes.len()) && allowed && edges {
            Ok(Self(value.to_owned()))
        } else {
            Err(t("valid-slug"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant as listed and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub tenant_id: TenantId,
    pub slug: String,
    pub name: String,
    pub plan: Plan,
    pub status: TenantStatus,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the workspace's requested erasure may run (`None`: none pending).
    pub erase_after: Option<DateTime<Utc>>,
}

/// The tenant detail page: the tenant plus counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantDetail {
    pub tenant: Tenant,
    pub active_user_count: i64,
    pub erasure: Option<PendingErasure>,
}

/// A workspace's erasure, asked for and not carried out yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingErasure {
    pub requested_at: DateTime<Utc>,
    /// When the purge may run; until then it can be cancelled.
    pub erase_after: DateTime<Utc>,
    /// Who asked, while they are still a member.
    pub requested_by: Option<String>,
}

impl PendingErasure {
    /// Whether it can still be cancelled at `now` (after `erase_after` the purge may be running).
    pub fn cancellable_at(&self, now: DateTime<Utc>) -> bool {
        now < self.erase_after
    }
}

/// How long a requested erasure waits by default (`ATRIUM_TENANT_ERASE_DELAY_HOURS`): a week
/// for a platform administrator to notice a request made by mistake or by someone who should
/// not have, and for the workspace to take its export.
pub const DEFAULT_ERASE_DELAY_HOURS: u32 = 168;

/// The longest delay accepted: a year.
pub const MAX_ERASE_DELAY_HOURS: u32 = 8760;

/// Columns the tenant list can be sorted by (anything else sorts by creation time).
pub const TENANT_SORTS: [&str; 5] = ["name", "slug", "plan", "status", "created"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_only_url_safe_names() {
        for good in ["acme", "acme-corp", "a1", "x".repeat(63).as_str()] {
            assert!(TenantSlug::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "-acme",
            "acme-",
            "Acme",
            "ac me",
            "acmé",
            "a_b",
            "x".repeat(64).as_str(),
        ] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plans_and_statuses_parse_their_names() {
        for plan in Plan::ALL {
            assert_eq!(Plan::parse(plan.as_str()), Ok(plan));
        }
        assert!(Plan::parse("platinum").is_err());
        assert_eq!(TenantStatus::parse("suspended"), Ok(TenantStatus::Suspended));
        assert!(TenantStatus::parse("deleted").is_err());
    }
}
