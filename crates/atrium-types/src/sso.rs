//! Single sign-on with OpenID Connect as the browser sees it (issue 14): a workspace's provider
//! settings on its Security page, and why a sign-in through the provider was refused.

use crate::permissions::Role;
use serde::{Deserialize, Serialize};

/// The longest provider name shown on the sign-in button.
pub const DISPLAY_NAME_MAX: usize = 60;
/// How many email domains one provider may admit.
pub const DOMAINS_MAX: usize = 50;

/// A workspace's provider as its administrators see it: everything but the client secret, which
/// never leaves the server once saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoProvider {
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub allowed_domains: Vec<String>,
    pub default_role: Role,
    pub enabled: bool,
}

/// The Security page's single sign-on section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSettings {
    /// The provider, once one is saved.
    pub provider: Option<SsoProvider>,
    /// What to register at the provider as the redirect (callback) URI.
    pub redirect_uri: String,
    /// Whether the server has a key to seal client secrets with (`ATRIUM_ENCRYPTION_KEY`).
    pub can_store_secrets: bool,
    /// The roles people created on their first sign-in may get: those below the caller's own.
    pub assignable_roles: Vec<Role>,
}

/// Why a sign-in through the provider ended without a session. The code travels in the sign-in
/// page's address (`?sso_error=`), so it is a closed set of stable words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SsoRefusal {
    /// The workspace has no enabled provider (or no such active workspace).
    NotConfigured,
    /// The browser came back without the sign-in it started here: a wrong or missing `state`.
    State,
    /// The sign-in took longer than ten minutes, or was already used.
    Expired,
    /// The provider could not be reached, refused the sign-in, or answered something unusable.
    Provider,
    /// The ID token failed its checks (signature, issuer, audience, expiry, nonce).
    Token,
    /// The provider did not vouch for the email address.
    EmailUnverified,
    /// The email address is outside the domains the workspace admits.
    Domain,
    /// The member's account is disabled.
    Disabled,
    /// The workspace is at its plan's member limit, so nobody new can be created.
    Limit,
}

impl SsoRefusal {
    pub const ALL: [SsoRefusal; 9] = [
        Self::NotConfigured,
        Self::State,
        Self::Expired,
        Self::Provider,
        Self::Token,
        Self::EmailUnverified,
        Self::Domain,
        Self::Disabled,
        Self::Limit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::State => "state",
            Self::Expired => "expired",
            Self::Provider => "provider",
            Self::Token => "token",
            Self::EmailUnverified => "email_unverified",
            Self::Domain => "domain",
            Self::Disabled => "disabled",
            Self::Limit => "limit",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|refusal| refusal.as_str() == value)
    }

    /// The catalogue key of the message the sign-in page shows.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NotConfigured => "sso-refused-not-configured",
            Self::State => "sso-refused-state",
            Self::Expired => "sso-refused-expired",
            Self::Provider => "sso-refused-provider",
            Self::Token => "sso-refused-token",
            Self::EmailUnverified => "sso-refused-email-unverified",
            Self::Domain => "sso-refused-domain",
            Self::Disabled => "sso-refused-disabled",
            Self::Limit => "sso-refused-limit",
        }
    }
}

/// An email domain as a provider's allowed list holds it: lowercase labels of letters, digits
/// and hyphens, at least two of them, no wildcard (a subdomain is a domain of its own to list).
pub fn parse_domain(raw: &str) -> Result<String, &'static str> {
    let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err("sso-domain-invalid");
    }
    Ok(domain)
}

/// The allowed domains typed as one text (commas, spaces or new lines between them), each
/// parsed, duplicates dropped, order kept. `Err` holds the catalogue key of the problem.
pub fn parse_domains(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut domains: Vec<String> = Vec::new();
    for part in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let domain = parse_domain(part)?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    match domains.len() {
        0 => Err("sso-domains-required"),
        n if n > DOMAINS_MAX => Err("sso-domains-too-many"),
        _ => Ok(domains),
    }
}

/// The domain of an email address, lowercase, for the allowed-domains check.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_round_trip() {
        for refusal in SsoRefusal::ALL {
            assert_eq!(SsoRefusal::parse(refusal.as_str()), Some(refusal));
        }
        assert_eq!(SsoRefusal::parse("<script>"), None);
    }

    #[test]
    fn domains_are_exact_lowercase_names() {
        assert_eq!(
            parse_domains("Example.COM, @corp.example.org\nexample.com"),
            Ok(vec!["example.com".to_owned(), "corp.example.org".to_owned()])
        );
        assert_eq!(parse_domains("  "), Err("sso-domains-required"));
        for bad in [
            "*.example.com",
            "localhost",
            "exa mple.com",
            "-a.com",
            "a..com",
            "é.com",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..=DOMAINS_MAX).map(|i| format!("d{i}.com")).collect();
        assert_eq!(parse_domains(&many.join(" ")), Err("sso-domains-too-many"));
        assert_eq!(email_domain("Ann@Example.com").as_deref(), Some("example.com"));
        assert_eq!(email_domain("nobody"), None);
    }
}
