//! Audit DTOs shared by the browser and the server: entries, the filter as kept in the URL, and
//! the chain verification report.

use crate::i18n::t;
use crate::ids::TenantId;
use crate::paging::{DEFAULT_PAGE_SIZE, PAGE_SIZES, encode, parse_query_string};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Actions the "security events only" filter selects: refused sign-ins (by password or through
/// the workspace's OpenID provider), lockouts and refused permissions.
pub const SECURITY_ACTIONS: [&str; 4] = [
    "auth.login_failed",
    "auth.sso_refused",
    "auth.locked",
    "permission.denied",
];

/// Entity types the filter offers (anything else can still be typed into the URL).
pub const ENTITY_TYPES: [&str; 4] = ["tenant", "user", "platform_user", "permission"];

/// One audit row as listed, shown and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub audit_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub tenant_id: Option<TenantId>,
    pub tenant_name: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub chain_seq: Option<i64>,
    /// The platform administrator who acted in the actor's name (support access).
    pub impersonator_id: Option<uuid::Uuid>,
}

impl AuditEntry {
    pub fn is_security_event(&self) -> bool {
        SECURITY_ACTIONS.contains(&self.action.as_str())
    }
}

/// Which chain(s) a platform administrator looks at; tenant users always see only their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TenantFilter {
    #[default]
    All,
    /// The platform chain: events that belong to no tenant (platform sign-ins, deleted tenants).
    Platform,
    Tenant(TenantId),
}

impl TenantFilter {
    pub fn parse(value: &str) -> Self {
        match value.trim() {
            "platform" => Self::Platform,
            other => other.parse().map(Self::Tenant).unwrap_or_default(),
        }
    }
    pub fn as_param(self) -> String {
        match self {
            Self::All => String::new(),
            Self::Platform => "platform".to_owned(),
            Self::Tenant(id) => id.to_string(),
        }
    }
}

/// The audit filter and page, as read from the URL; anything invalid falls back to "no filter".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditQuery {
    pub tenant: TenantFilter,
    /// Part of the actor's email, or an actor id.
    pub actor: String,
    /// An action, or its prefix (`tenant.` finds every tenant action).
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// First day included (UTC).
    pub from: Option<NaiveDate>,
    /// Last day included (UTC).
    pub to: Option<NaiveDate>,
    pub security_only: bool,
    /// The page's number for people; the rows come from the cursor (see `paging::ListQuery`).
    pub page: u32,
    pub per_page: u32,
    /// Cursor of the entry the page follows (older entries), or precedes (newer ones).
    pub after: Option<String>,
    pub before: Option<String>,
}

/// Trimmed and cut to `max` characters; trimmed again after the cut, so that a value which
/// ends in whitespace at the cut reads back as itself (the URL round-trips).
fn clean(value: Option<String>, max: usize) -> String {
    let cut: String = value.unwrap_or_default().trim().chars().take(max).collect();
    cut.trim_end().to_owned()
}

impl AuditQuery {
    /// Builds the query from URL (or form) parameters by name.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let date = |name: &str| get(name).and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok());
        let per_page = get("per_page")
            .and_then(|v| v.parse().ok())
            .filter(|v| PAGE_SIZES.contains(v))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let (after, before) = crate::paging::cursor_params(&get);
        Self {
            tenant: get("tenant").map(|v| TenantFilter::parse(&v)).unwrap_or_default(),
            actor: clean(get("actor"), 254),
            action: clean(get("action"), 100),
            entity_type: clean(get("entity_type"), 60),
            entity_id: clean(get("entity_id"), 200),
            from: date("from"),
            to: date("to"),
            security_only: get("security").is_some_and(|v| matches!(v.as_str(), "1" | "true" | "on")),
            page: get("page")
                .and_then(|v| v.parse().ok())
                .filter(|v| *v >= 1)
                .unwrap_or(1)
                .min(1_000_000),
            per_page,
            after,
            before,
        }
    }

    /// Builds the query from a URL query string (with or without the leading `?`).
    pub fn from_query_string(query: &str) -> Self {
        let pairs = parse_query_string(query);
        Self::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    /// The filter as URL parameters (no page), for export links and pager links.
    pub fn filter_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        let tenant = self.tenant.as_param();
        if !tenant.is_empty() {
            params.push(("tenant", tenant));
        }
        for (name, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
        ] {
            if !value.is_empty() {
                params.push((name, value.clone()));
            }
        }
        if let Some(from) = self.from {
            params.push(("from", from.format("%Y-%m-%d").to_string()));
        }
        if let Some(to) = self.to {
            params.push(("to", to.format("%Y-%m-%d").to_string()));
        }
        if self.security_only {
            params.push(("security", "1".to_owned()));
        }
        params
    }

    /// The query string for this state (filters, page, page size), with a leading `?` unless empty.
    pub fn to_query_string(&self) -> String {
        let mut params = self.filter_params();
        if self.page > 1 {
            params.push(("page", self.page.to_string()));
        }
        if self.per_page != DEFAULT_PAGE_SIZE {
            params.push(("per_page", self.per_page.to_string()));
        }
        if let Some(after) = &self.after {
            params.push(("after", after.clone()));
        }
        if let Some(before) = &self.before {
            params.push(("before", before.clone()));
        }
        join(&params, "?")
    }

    /// The export URL of the filtered set in `format` (`csv` or `json`).
    pub fn export_href(&self, format: &str) -> String {
        let mut params = vec![("format", format.to_owned())];
        params.extend(self.filter_params());
        format!("/api/v1/audit/export{}", join(&params, "?"))
    }

    /// Start (inclusive) and end (exclusive) of the time range, in UTC.
    pub fn time_range(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let start = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        (
            self.from.and_then(start),
            self.to.and_then(|d| d.succ_opt()).and_then(start),
        )
    }

    /// The action filter as a LIKE prefix pattern (`\` escapes wildcards).
    pub fn action_pattern(&self) -> String {
        format!("{}%", escape_like(&self.action))
    }

    /// The actor filter as a LIKE substring pattern.
    pub fn actor_pattern(&self) -> String {
        format!("%{}%", escape_like(&self.actor))
    }
}

fn escape_like(value: &str) -> String {
    value.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn join(params: &[(&str, String)], lead: &str) -> String {
    if params.is_empty() {
        return String::new();
    }
    let body = params
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{lead}{body}")
}

/// Why a chain does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakReason {
    /// A row's content no longer matches its stored hash (changed in place).
    RowAltered,
    /// A row does not point at the row before it (a row replaced or re-hashed).
    LinkBroken,
    /// A position in the chain has no row (deleted).
    RowMissing,
    /// The chain ends before its recorded head (newest rows deleted).
    TailMissing,
    /// A row's personal values (email, address, agent, names) no longer match their sealed
    /// digest, and the row was not erased.
    PersonalAltered,
}

impl BreakReason {
    pub fn label(self) -> String {
        t(match self {
            Self::RowAltered => "audit-break-altered",
            Self::LinkBroken => "audit-break-link",
            Self::RowMissing => "audit-break-missing",
            Self::TailMissing => "audit-break-tail",
            Self::PersonalAltered => "audit-break-personal",
        })
    }
}

/// The first broken link of one chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// `None` is the platform chain.
    pub tenant_id: Option<TenantId>,
    pub tenant_name: Option<String>,
    pub chain_seq: i64,
    pub audit_id: Option<i64>,
    pub reason: BreakReason,
}

/// The outcome of verifying every chain the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ChainReport {
    pub chains: u64,
    pub rows: u64,
    /// Rows written before the chain existed (they carry no hash and cannot be verified).
    pub unchained: u64,
    /// Verified rows whose personal data was erased (pseudonyms, no longer vouched for).
    #[serde(default)]
    pub erased: u64,
    /// At most one per chain: where it first breaks.
    pub broken: Vec<BrokenLink>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn query(pairs: &[(&str, &str)]) -> AuditQuery {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        AuditQuery::from_params(|name| map.get(name).cloned())
    }

    #[test]
    fn a_filter_cut_at_whitespace_reads_back_as_itself() {
        // Found by the form_values fuzz target: 99 characters, then whitespace at the cut.
        let long = format!("u{}\u{b}\nrest", "x".repeat(98));
        let first = query(&[("action", &long)]);
        assert_eq!(first.action.len(), 99);
        let again = AuditQuery::from_query_string(&first.to_query_string());
        assert_eq!(again, first);
    }

    #[test]
    fn url_state_round_trips() {
        let q = query(&[
            ("actor", "ann@"),
            ("action", "tenant."),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("security", "1"),
            ("tenant", "platform"),
            ("page", "3"),
            ("per_page", "50"),
            ("after", "1234"),
        ]);
        assert_eq!(
            q.to_query_string(),
            "?tenant=platform&actor=ann%40&action=tenant.&from=2026-11-01&to=2026-11-30&security=1&page=3&per_page=50&after=1234"
        );
        assert_eq!(AuditQuery::from_query_string(&q.to_query_string()), q);
        assert!(
            q.export_href("csv")
                .starts_with("/api/v1/audit/export?format=csv&tenant=platform&")
        );
    }

    #[test]
    fn query_strings_parse_back() {
        let q = query(&[
            ("actor", "a b&c=d%"),
            ("action", "tenant."),
            ("security", "1"),
            ("page", "2"),
        ]);
        assert_eq!(AuditQuery::from_query_string(&q.to_query_string()), q);
        assert_eq!(
            parse_query_string("?a=1+2&b=%zz&c"),
            [
                ("a".into(), "1 2".into()),
                ("b".into(), "%zz".into()),
                ("c".into(), String::new())
            ]
        );
    }

    #[test]
    fn invalid_values_mean_no_filter() {
        let q = query(&[
            ("from", "yesterday"),
            ("tenant", "nope"),
            ("page", "0"),
            ("per_page", "7"),
        ]);
        assert_eq!(
            q,
            AuditQuery {
                page: 1,
                per_page: DEFAULT_PAGE_SIZE,
                ..AuditQuery::default()
            }
        );
        assert_eq!(q.to_query_string(), "");
    }

    #[test]
    fn the_last_day_is_included() {
        let q = query(&[("from", "2026-11-01"), ("to", "2026-11-01")]);
        let (start, end) = q.time_range();
        assert_eq!(start.map(|t| t.to_rfc3339()), Some("2026-11-01T00:00:00+00:00".into()));
        assert_eq!(end.map(|t| t.to_rfc3339()), Some("2026-11-02T00:00:00+00:00".into()));
    }

    #[test]
    fn patterns_escape_wildcards() {
        let q = query(&[("action", "a_b%"), ("actor", "x\\")]);
        assert_eq!(q.action_pattern(), "a\\_b\\%%");
        assert_eq!(q.actor_pattern(), "%x\\\\%");
    }
}
