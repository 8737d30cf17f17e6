//! API key DTOs and choices shared by the browser and the server. Secrets appear only in
//! `IssuedApiKey`, which exists once, as the answer to creating or rotating a key.

#[cfg(feature = "server")]
pub mod secret;
#[cfg(feature = "server")]
pub mod signature;

use crate::i18n::t;
use crate::ids::{ApiKeyId, TenantId};
use crate::paging::Page;
use crate::tenants::Plan;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a key may do. Stored as text (`metrics:write`) in `api_keys.scopes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApiKeyScope {
    /// Send metric points (the ingestion endpoint).
    #[serde(rename = "metrics:write")]
    MetricsWrite,
    /// Read metrics and series through the REST API.
    #[serde(rename = "metrics:read")]
    MetricsRead,
}

impl ApiKeyScope {
    pub const ALL: [ApiKeyScope; 2] = [Self::MetricsWrite, Self::MetricsRead];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MetricsWrite => "metrics:write",
            Self::MetricsRead => "metrics:read",
        }
    }

    /// The scope spelled `value`, or the field message for an unknown one.
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == value.trim())
            .ok_or_else(|| t("keys-scope-unknown"))
    }

    /// What the scope allows, in words.
    pub fn label(self) -> String {
        t(match self {
            Self::MetricsWrite => "keys-scope-metrics-write",
            Self::MetricsRead => "keys-scope-metrics-read",
        })
    }
}

impl std::fmt::Display for ApiKeyScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a key still authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiKeyStatus {
    Active,
    Expired,
    Revoked,
}

impl ApiKeyStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Expired, Self::Revoked];

    /// A status as spelled by [`Self::as_str`]; anything else is none (the list shows all).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Revocation wins over expiry: a revoked key reads as revoked whatever its expiry says.
    pub fn at(revoked_at: Option<DateTime<Utc>>, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        if revoked_at.is_some() {
            Self::Revoked
        } else if expires_at.is_some_and(|expires| expires <= now) {
            Self::Expired
        } else {
            Self::Active
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
    pub fn label(self) -> String {
        t(&format!("keys-status-{}", self.as_str()))
    }
}

/// A key as listed: everything but its secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub api_key_id: ApiKeyId,
    pub name: String,
    /// The public part of the key (`atr_<prefix>_…`), for recognising it.
    pub prefix: String,
    pub scopes: Vec<ApiKeyScope>,
    pub created_at: DateTime<Utc>,
    /// The user who created the key, while that user exists.
    pub created_by_name: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After a rotation with a grace period: until when the previous key still works.
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub status: ApiKeyStatus,
}

impl ApiKeySummary {
    /// How the key is shown in lists: its public start and an ellipsis.
    pub fn masked(&self) -> String {
        format!("atr_{}_…", self.prefix)
    }
}

/// A new (or rotated) key with its signing secret: returned once and never stored in clear.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedApiKey {
    pub summary: ApiKeySummary,
    /// `atr_<prefix>_<secret>`: the bearer token.
    pub key: String,
    /// `ats_<secret>`: the HMAC-SHA256 key for signed requests.
    pub signing_secret: String,
}

impl std::fmt::Debug for IssuedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedApiKey")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// The API keys page: a tenant's keys, its quota and its signing policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyList {
    pub tenant_id: TenantId,
    pub plan: Plan,
    /// Keys that count against the quota (neither revoked nor expired).
    pub active_count: u32,
    /// The tenant's limit of active keys (its plan's, or its own).
    pub max_keys: u32,
    pub require_signed_ingest: bool,
    /// Whether this principal may issue keys here (tenant users with `api_keys:create`; platform
    /// administrators view and revoke, they do not issue a tenant's credentials).
    pub can_issue: bool,
    /// The list's status filter, when one was chosen.
    pub status: Option<ApiKeyStatus>,
    /// One page of the keys, newest first.
    pub keys: Page<ApiKeySummary>,
}

/// When a new key expires, as offered by the form: never, or after some days (at most two years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExpiry {
    Never,
    Days(u16),
}

impl KeyExpiry {
    /// The longest lifetime a key may be given.
    pub const MAX_DAYS: u16 = 730;
    /// The choices the form offers (the server accepts any 1..=730).
    pub const OFFERED: [KeyExpiry; 4] = [Self::Never, Self::Days(30), Self::Days(90), Self::Days(365)];

    /// `never` (or empty) or a number of days from 1 to 730.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "" | "never" => Ok(Self::Never),
            days => days
                .parse::<u16>()
                .ok()
                .filter(|d| (1..=Self::MAX_DAYS).contains(d))
                .map(Self::Days)
                .ok_or_else(|| t("keys-expiry-invalid")),
        }
    }
    pub fn as_value(self) -> String {
        match self {
            Self::Never => "never".to_owned(),
            Self::Days(days) => days.to_string(),
        }
    }
    pub fn label(self) -> String {
        match self {
            Self::Never => t("keys-expiry-never"),
            Self::Days(days) => crate::i18n::t_args("keys-expiry-days", &[("days", &days.to_string())]),
        }
    }
    pub fn expires_at(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Never => None,
            Self::Days(days) => Some(now + Duration::days(i64::from(days))),
        }
    }
    pub fn options() -> Vec<(String, String)> {
        Self::OFFERED.into_iter().map(|e| (e.as_value(), e.label())).collect()
    }
}

/// How long the previous key keeps working after a rotation.
pub type RotationGrace = crate::validation::OverlapPeriod;

/// Parses the names of the checked scopes: at least one, each known, no repeats.
pub fn parse_scopes(values: &[String]) -> Result<Vec<ApiKeyScope>, String> {
    let mut scopes = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        let scope = ApiKeyScope::parse(value)?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(t("keys-scope-required"));
    }
    scopes.sort();
    Ok(scopes)
}

/// The longest key name.
pub const KEY_NAME_MAX: usize = 80;

/// A key's name: trimmed, 1–80 characters, no control characters. Names need not be unique.
pub fn parse_key_name(raw: &str) -> Result<String, String> {
    let value: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
    if value.is_empty() {
        return Err(t("valid-required"));
    }
    if value.chars().count() > KEY_NAME_MAX {
        return Err(crate::i18n::t_args(
            "valid-too-long",
            &[("max", &KEY_NAME_MAX.to_string())],
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_their_names_and_serialize_as_them() {
        for scope in ApiKeyScope::ALL {
            assert_eq!(ApiKeyScope::parse(scope.as_str()), Ok(scope));
            assert_eq!(
                serde_json::to_value(scope).ok(),
                Some(serde_json::Value::String(scope.as_str().into()))
            );
        }
        assert!(ApiKeyScope::parse("metrics:delete").is_err());
        assert_eq!(
            parse_scopes(&["metrics:read".into(), "metrics:write".into(), "metrics:read".into()]),
            Ok(vec![ApiKeyScope::MetricsWrite, ApiKeyScope::MetricsRead])
        );
        assert!(parse_scopes(&[]).is_err());
        assert!(parse_scopes(&["".into()]).is_err());
        assert!(parse_scopes(&["admin".into()]).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_key_name("  ingest  "), Ok("ingest".into()));
        assert!(parse_key_name(" ").is_err());
        assert!(parse_key_name(&"k".repeat(81)).is_err());
        assert!(parse_key_name(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn expiry_is_never_or_up_to_two_years() {
        assert_eq!(KeyExpiry::parse("never"), Ok(KeyExpiry::Never));
        assert_eq!(KeyExpiry::parse(""), Ok(KeyExpiry::Never));
        assert_eq!(KeyExpiry::parse("90"), Ok(KeyExpiry::Days(90)));
        assert_eq!(KeyExpiry::parse("730"), Ok(KeyExpiry::Days(730)));
        for bad in ["0", "731", "-1", "soon", "1.5"] {
            assert!(KeyExpiry::parse(bad).is_err(), "{bad}");
        }
        let now = Utc::now();
        assert_eq!(KeyExpiry::Never.expires_at(now), None);
        assert_eq!(KeyExpiry::Days(30).expires_at(now), Some(now + Duration::days(30)));
    }

    #[test]
    fn grace_choices_parse() {
        for grace in RotationGrace::ALL {
            assert_eq!(RotationGrace::parse(grace.as_str()), Ok(grace));
        }
        assert_eq!(RotationGrace::None.duration(), None);
        assert_eq!(RotationGrace::SevenDays.duration(), Some(Duration::days(7)));
        assert!(RotationGrace::parse("forever").is_err());
    }

    #[test]
    fn status_prefers_revoked_then_expired() {
        let now = Utc::now();
        let past = Some(now - Duration::seconds(1));
        let future = Some(now + Duration::days(1));
        assert_eq!(ApiKeyStatus::at(None, None, now), ApiKeyStatus::Active);
        assert_eq!(ApiKeyStatus::at(None, future, now), ApiKeyStatus::Active);
        assert_eq!(ApiKeyStatus::at(None, past, now), ApiKeyStatus::Expired);
        assert_eq!(ApiKeyStatus::at(past, past, now), ApiKeyStatus::Revoked);
    }
}
