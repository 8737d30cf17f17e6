//! Every `parse` of a value a form, a query string or a header carries. None may panic; the
//! newtypes must be stable (what they accept re-parses to itself), and a sign-in redirect target
//! must be a same-site path that is always a valid `Location` header.
#![no_main]

use atrium_types::alerts::silence::parse_matchers;
use atrium_types::alerts::{parse_duration, parse_label_set};
use atrium_types::analytics::{MetricName, PanelQuery, TimeRange};
use atrium_types::api_keys::{ApiKeyScope, KeyExpiry, parse_key_name, parse_scopes};
use atrium_types::audit::AuditQuery;
use atrium_types::notifications::parse_channel_name;
use atrium_types::permissions::{Inherits, Permission, Role};
use atrium_types::tenants::{Plan, TenantSlug, TenantStatus};
use atrium_types::users::{UserStatus, parse_role};
use atrium_types::validation::{DisplayName, Email, NewPassword, OverlapPeriod};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\u{0}');
    let a = parts.next().unwrap_or_default();
    let b = parts.next().unwrap_or_default();
    let c = parts.next().unwrap_or_default();

    if let Ok(email) = Email::parse(a) {
        assert_eq!(Email::parse(email.as_str()).map(|e| e.as_str().to_owned()), Ok(email.as_str().to_owned()));
    }
    if let Ok(name) = DisplayName::parse(a) {
        assert_eq!(DisplayName::parse(name.as_str()).map(|n| n.as_str().to_owned()), Ok(name.as_str().to_owned()));
    }
    if let Ok(slug) = TenantSlug::parse(a) {
        assert_eq!(TenantSlug::parse(slug.as_str()).map(|s| s.as_str().to_owned()), Ok(slug.as_str().to_owned()));
    }
    if let Ok(metric) = MetricName::parse(a) {
        assert_eq!(MetricName::parse(metric.as_str()).map(|m| m.as_str().to_owned()), Ok(metric.as_str().to_owned()));
    }
    if let Ok(network) = atrium_types::ip_blocks::BlockedNetwork::parse(a) {
        assert_eq!(
            atrium_types::ip_blocks::BlockedNetwork::parse(&network.to_string()),
            Ok(network),
            "a blocked network does not re-parse to itself"
        );
    }
    let _ = atrium_types::ip_blocks::BlockDuration::parse(a);
    let _ = NewPassword::parse(a);
    let _ = OverlapPeriod::parse(a);
    let _ = TimeRange::parse(a, b, c);
    let _ = PanelQuery::parse_labels(a);
    let _ = (Plan::parse(a), TenantStatus::parse(a), UserStatus::parse(a), parse_role(a));
    let _ = (Permission::parse(a), Role::parse(a), Inherits::parse(a));
    let _ = (ApiKeyScope::parse(a), KeyExpiry::parse(a), parse_key_name(a), parse_channel_name(a));
    let _ = parse_scopes(&[a.to_owned(), b.to_owned()]);
    let _ = (parse_duration(a), parse_label_set(a), parse_matchers(a));
    let query = AuditQuery::from_query_string(a);
    let again = AuditQuery::from_query_string(&query.to_query_string());
    assert_eq!(query.to_query_string(), again.to_query_string(), "audit filters do not round-trip");

    let local = atrium_types::auth::LocalPath::or_root(Some(a));
    let next = local.as_str();
    if let Ok(parsed) = atrium_types::auth::LocalPath::parse(a) {
        assert_eq!(atrium_types::auth::LocalPath::parse(parsed.as_str()).ok(), Some(parsed.clone()));
    }
    if let Some(from_query) = atrium_types::auth::LocalPath::from_query(a) {
        assert!(from_query.as_str().starts_with('/'));
    }
    assert!(next.starts_with('/') && !next.starts_with("//"), "redirect target {next:?} leaves the site");
    assert!(http::HeaderValue::from_str(next).is_ok(), "redirect target {next:?} is not a header value");
    assert!(
        !next.chars().any(|ch| ch.is_control() || ch.is_whitespace() || ch == '\\'),
        "redirect target {next:?} holds a character browsers strip or rewrite"
    );
});
