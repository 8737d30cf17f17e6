//! The command palette's search answers: what a person can jump to by typing, found by the
//! server within their permissions (pages and actions the browser already knows).

use crate::ids::{AlertId, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// Most hits of each kind one search returns: the palette is for jumping, not browsing.
pub const HITS_PER_KIND: i64 = 5;

/// Longest search the server reads (characters); the rest is ignored.
pub const QUERY_MAX_CHARS: usize = 100;

/// Something found, with where it lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Hit {
    Tenant {
        tenant_id: TenantId,
        name: String,
        slug: String,
    },
    User {
        user_id: UserId,
        name: String,
        email: String,
    },
    Metric {
        name: String,
        unit: Option<String>,
    },
    /// An open alert (pending, firing or acknowledged), by its rule's name.
    Alert {
        alert_id: AlertId,
        rule_name: String,
        state: crate::alerts::AlertState,
        acknowledgeable: bool,
    },
}

impl Hit {
    /// The app path of its page (before the site's prefix).
    pub fn path(&self) -> String {
        match self {
            Hit::Tenant { tenant_id, .. } => format!("/tenants/{}", tenant_id.0),
            Hit::User { user_id, .. } => format!("/users/{}", user_id.0),
            Hit::Metric { name, .. } => format!("/analytics?metric={}", crate::paging::encode(name)),
            Hit::Alert { alert_id, .. } => format!("/alerts/{}", alert_id.0),
        }
    }

    /// What the palette shows: its name and a second detail.
    pub fn label(&self) -> (&str, String) {
        match self {
            Hit::Tenant { name, slug, .. } => (name, slug.clone()),
            Hit::User { name, email, .. } => (name, email.clone()),
            Hit::Metric { name, unit } => (name, unit.clone().unwrap_or_default()),
            Hit::Alert { rule_name, state, .. } => {
                (rule_name, crate::i18n::t(&format!("alert-state-{}", state.as_str())))
            }
        }
    }

    /// The message key of its kind's name.
    pub fn kind_key(&self) -> &'static str {
        match self {
            Hit::Tenant { .. } => "palette-kind-tenant",
            Hit::User { .. } => "palette-kind-user",
            Hit::Metric { .. } => "palette-kind-metric",
            Hit::Alert { .. } => "palette-kind-alert",
        }
    }
}

/// The search as the server reads it: trimmed, at most [`QUERY_MAX_CHARS`]; `None` when too
/// short to search (one character matches nearly everything).
pub fn parse_query(text: &str) -> Option<String> {
    let query: String = text.trim().chars().take(QUERY_MAX_CHARS).collect();
    (query.chars().count() >= 2).then_some(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_trimmed_bounded_and_at_least_two_characters() {
        assert_eq!(parse_query("  ac "), Some("ac".to_owned()));
        assert_eq!(parse_query("a"), None);
        assert_eq!(parse_query("   "), None);
        assert_eq!(parse_query(&"x".repeat(500)).map(|q| q.len()), Some(QUERY_MAX_CHARS));
        assert_eq!(parse_query("عل"), Some("عل".to_owned()));
    }

    #[test]
    fn hits_link_to_their_pages_with_the_name_encoded() {
        let metric = Hit::Metric {
            name: "http.latency p95&x".into(),
            unit: None,
        };
        assert_eq!(metric.path(), "/analytics?metric=http.latency%20p95%26x");
    }
}
