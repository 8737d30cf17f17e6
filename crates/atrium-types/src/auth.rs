//! Who is signed in, as the server knows it and as the UI sees it.

use crate::ids::{PlatformUserId, TenantId, UserId};
use crate::permissions::{Permission, Role};
use crate::portal::Branding;
use crate::tenants::TenantSlug;
use serde::{Deserialize, Serialize};

/// The authenticated principal behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// A platform administrator (Super Admin): every permission, on every tenant.
    Platform {
        platform_user_id: PlatformUserId,
        email: String,
        name: String,
    },
    /// A user of one tenant, limited to that tenant and to what the role grants.
    Tenant {
        tenant_id: TenantId,
        tenant_name: String,
        /// The tenant's URL name: its portal is `/t/{slug}`.
        tenant_slug: TenantSlug,
        /// How the tenant's portal looks (read with the session, so the layout costs no query).
        branding: Branding,
        /// When the workspace's requested erasure is due (read with the session too: every page
        /// of the portal shows it).
        erase_after: Option<chrono::DateTime<chrono::Utc>>,
        user_id: UserId,
        email: String,
        name: String,
        role: Role,
        /// A platform administrator acting as this user (support access), if this session is one.
        impersonator: Option<Impersonator>,
    },
}

/// Who opened a support-access session in a member's name, and why (issue 14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impersonator {
    pub platform_user_id: PlatformUserId,
    pub email: String,
    pub reason: String,
}

impl Principal {
    pub fn email(&self) -> &str {
        match self {
            Self::Platform { email, .. } | Self::Tenant { email, .. } => email,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Self::Platform { name, .. } | Self::Tenant { name, .. } => name,
        }
    }
    /// The tenant this principal is confined to, if any.
    pub fn tenant_id(&self) -> Option<TenantId> {
        match self {
            Self::Platform { .. } => None,
            Self::Tenant { tenant_id, .. } => Some(*tenant_id),
        }
    }
    /// The platform administrator acting as this principal, during support access.
    pub fn impersonator(&self) -> Option<&Impersonator> {
        match self {
            Self::Tenant { impersonator, .. } => impersonator.as_ref(),
            Self::Platform { .. } => None,
        }
    }

    /// The UI's view of this principal holding `effective`.
    pub fn to_current_user(&self, effective: &crate::permissions::effective::EffectivePermissions) -> CurrentUser {
        let (role_key, tenant_name, workspace) = match self {
            Self::Platform { .. } => ("role-super-admin", None, None),
            Self::Tenant {
                role,
                tenant_name,
                tenant_slug,
                branding,
                erase_after,
                impersonator,
                ..
            } => (
                role.label_key(),
                Some(tenant_name.clone()),
                Some(Workspace {
                    slug: tenant_slug.clone(),
                    branding: branding.clone(),
                    erase_on: erase_after.map(crate::i18n::format_time),
                    erase_delay_hours: crate::tenants::DEFAULT_ERASE_DELAY_HOURS,
                    support_by: impersonator.as_ref().map(|who| who.email.clone()),
                }),
            ),
        };
        CurrentUser {
            name: self.name().to_owned(),
            email: self.email().to_owned(),
            role_label: crate::i18n::t(role_key),
            tenant_name,
            is_platform: matches!(self, Self::Platform { .. }),
            permissions: effective.permissions(),
            features: effective.features.clone(),
            workspace,
        }
    }
}

/// A tenant user's workspace as the portal shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub slug: TenantSlug,
    pub branding: Branding,
    /// When its requested erasure is due, if one is, as shown (`format_time`): a label like
    /// `role_label`, so the main module, which every page loads, parses no dates.
    pub erase_on: Option<String>,
    /// How long a request to erase it would wait (the server's setting, filled in by
    /// `get_current_user`).
    pub erase_delay_hours: u32,
    /// The platform administrator signed in as this member (support access), for the banner
    /// every page shows meanwhile.
    pub support_by: Option<String>,
}

/// What the UI needs to know about the signed-in user (never trusted by the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub name: String,
    pub email: String,
    pub role_label: String,
    pub tenant_name: Option<String>,
    pub is_platform: bool,
    pub permissions: Vec<Permission>,
    /// The tenant's features that are on; empty for platform administrators.
    pub features: Vec<crate::plans::Feature>,
    /// The tenant user's workspace (its portal); `None` for platform administrators.
    pub workspace: Option<Workspace>,
}

impl CurrentUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
    pub fn has(&self, feature: crate::plans::Feature) -> bool {
        self.features.contains(&feature)
    }
}

/// Where a successful sign-in may send the browser: an absolute path of this site, parsed once
/// and never anything a browser could resolve to another host.
///
/// Browsers drop tabs and line breaks from URLs and treat `\` like `/`, so `/\t/evil.example` and
/// `/\evil.example` both become `//evil.example`, a link to another host. Rather than list the
/// dangerous forms, a `LocalPath` holds only visible ASCII (no spaces, no control characters, no
/// Unicode whitespace, no `\`), starts with one `/`, and its path part has no empty, `.` or `..`
/// segment (also not percent-encoded, as `%2e`, which URL parsers decode) and no encoded `/` or
/// `\`. Such a string is always a valid HTTP header value, so redirecting to it cannot fail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalPath(String);

/// A `next` value that is not a local path; callers fall back to `LocalPath::root()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLocal;

impl LocalPath {
    /// Longer targets are refused rather than carried through a URL and a form.
    pub const MAX_LEN: usize = 2048;

    /// The home page.
    pub fn root() -> Self {
        Self("/".to_owned())
    }

    pub fn parse(value: &str) -> Result<Self, NotLocal> {
        let visible = value.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
        if !visible || value.len() > Self::MAX_LEN || !value.starts_with('/') {
            return Err(NotLocal);
        }
        let path = value.split(['?', '#']).next().unwrap_or_default();
        let lower = path.to_ascii_lowercase();
        // Percent-encoded slashes, backslashes and control characters have no place in a path
        // this app serves, and some proxies and routers decode them.
        let encoded_separator = ["%2f", "%5c", "%7f"].iter().any(|e| lower.contains(e))
            || lower
                .match_indices('%')
                .any(|(at, _)| matches!(lower.as_bytes().get(at + 1), Some(b'0' | b'1')));
        let dot_segment = lower
            .split('/')
            .skip(1)
            .any(|segment| matches!(segment.replace("%2e", ".").as_str(), "." | ".."));
        let login = path == "/login" || path.starts_with("/login/");
        if path.contains("//") || encoded_separator || dot_segment || login {
            return Err(NotLocal);
        }
        Ok(Self(value.to_owned()))
    }

    /// `next` from the sign-in form: the path when it is local, else the home page.
    pub fn or_root(value: Option<&str>) -> Self {
        value.and_then(|v| Self::parse(v).ok()).unwrap_or_else(Self::root)
    }

    /// The `next` parameter of a raw URL query string (`a=1&next=%2Fusers`), percent-decoded
    /// exactly once, when it is a local path.
    pub fn from_query(query: &str) -> Option<Self> {
        crate::paging::parse_query_string(query)
            .into_iter()
            .find(|(name, _)| name == "next")
            .and_then(|(_, value)| Self::parse(&value).ok())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LocalPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::LocalPath;

    /// What attackers put in `next`, after the one decoding the browser's form post applies.
    const HOSTILE: &[&str] = &[
        "",
        "tenants",
        "//evil.example",
        "///evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\r\nSet-Cookie: a=b",
        "\t/evil.example",
        " /evil.example",
        "/ /evil.example",
        "/\u{1}",
        "/\u{0}",
        "/tenants\u{7f}",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%5cevil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%09/evil.example",
        "/%0d%0a/evil.example",
        "/%00",
        "/%7F",
        "/..//evil.example",
        "/./evil.example",
        "/a/../..//evil.example",
        "/%2e%2e//evil.example",
        "/.%2E/evil.example",
        "/\u{a0}/evil.example",
        "/\u{2000}/evil.example",
        "/\u{2028}/evil.example",
        "/\u{3000}/evil.example",
        "/\u{feff}/evil.example",
        "/tenants/ü",
        "https://evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/login",
        "/login?next=/users",
        "/login/",
        "/login#x",
    ];

    #[test]
    fn hostile_targets_are_refused() {
        for value in HOSTILE {
            assert_eq!(LocalPath::parse(value), Err(super::NotLocal), "{value:?}");
            assert_eq!(LocalPath::or_root(Some(value)).as_str(), "/", "{value:?}");
        }
        assert_eq!(LocalPath::or_root(None), LocalPath::root());
        let long = format!("/{}", "a".repeat(LocalPath::MAX_LEN));
        assert!(LocalPath::parse(&long).is_err());
    }

    #[test]
    fn paths_of_this_site_are_kept_as_they_are() {
        for value in [
            "/",
            "/tenants?q=a%20b&sort=name",
            "/users/42",
            "/audit?actor=a%2Fb&next=//x#top",
            "/tenants/",
            "/tenants?q=%09%0D%0A",
            "/logins",
            "/a.b/c..d",
            "/@evil.example",
        ] {
            assert_eq!(LocalPath::parse(value).map(|p| p.to_string()), Ok(value.to_owned()));
        }
    }

    #[test]
    fn next_is_read_from_a_query_with_one_decoding() {
        // `%2509` decodes to the three characters `%09`, not to a tab, and `%2F%2F` stays refused.
        let once = LocalPath::from_query("next=%2F%2509%2Fevil.example");
        assert_eq!(
            once.as_ref().map(LocalPath::as_str),
            None,
            "an encoded control in the path"
        );
        assert_eq!(
            LocalPath::from_query("a=1&next=%2Ftenants%3Fq%3D%2509").map(|p| p.to_string()),
            Some("/tenants?q=%09".to_owned())
        );
        for query in [
            "next=%2F%09%2Fevil.example",
            "next=%2F%2Fevil.example",
            "next=%2F%5Cevil.example",
            "next=%2F%0D%0A",
            "next=%01",
            "next=https%3A%2F%2Fevil.example",
            "other=%2Fusers",
        ] {
            assert_eq!(LocalPath::from_query(query), None, "{query}");
        }
    }

    #[test]
    fn every_local_path_is_a_header_value() {
        for value in ["/", "/tenants?q=a%20b", "/~!$&'()*+,;=:@-._"] {
            let path = LocalPath::parse(value).expect(value);
            assert!(http::HeaderValue::from_str(path.as_str()).is_ok(), "{value}");
        }
    }
}
