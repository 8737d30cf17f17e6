//! The tenant portal's shared types: which tenant's portal a request is for and the prefix its
//! links carry, and a tenant's branding with the checks that keep it safe and readable.

use crate::i18n::{t, t_args};
use crate::tenants::TenantSlug;
use serde::{Deserialize, Serialize};

/// The path prefix of a portal reached by path: `/t/{slug}`.
pub const PORTAL_PATH_PREFIX: &str = "/t/";

/// How a request named its tenant's portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteRoute {
    /// `/t/{slug}/…` on the console's host.
    Path,
    /// `{slug}.{ATRIUM_BASE_DOMAIN}`.
    Host,
    /// `X-Tenant: {slug}` from a trusted proxy.
    Header,
}

/// The tenant portal a request is for: its tenant's slug and the prefix every link of the app
/// carries there (`/t/{slug}` by path, nothing on the tenant's own host). A request with none is
/// for the platform console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSite {
    pub slug: TenantSlug,
    pub route: SiteRoute,
}

impl PortalSite {
    pub fn new(slug: TenantSlug, route: SiteRoute) -> Self {
        Self { slug, route }
    }

    /// What the router puts before every path: `/t/acme`, or empty on the tenant's own host.
    pub fn base(&self) -> String {
        match self.route {
            SiteRoute::Path => format!("{PORTAL_PATH_PREFIX}{}", self.slug.as_str()),
            SiteRoute::Host | SiteRoute::Header => String::new(),
        }
    }

    /// An app path (`/users`) as this site serves it (`/t/acme/users`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Splits a path of the portal-by-path form into the slug and the app path it names:
    /// `/t/acme/users` → (`acme`, `/users`), `/t/acme` → (`acme`, `/`). `None` for every other
    /// path and for a segment that is not a slug.
    pub fn split_path(path: &str) -> Option<(TenantSlug, &str)> {
        let rest = path.strip_prefix(PORTAL_PATH_PREFIX)?;
        let (segment, tail) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        // `parse` trims; a segment with spaces around it is not this slug's path.
        if segment.trim() != segment {
            return None;
        }
        let slug = TenantSlug::parse(segment).ok()?;
        Some((slug, tail))
    }
}

/// A tenant's primary colour, `#rrggbb`. Buttons and the portal's header are filled with it and
/// the text on it is black or white, whichever contrasts more; the colour must stand out from the
/// white page by at least [`BrandColor::MIN_PAGE_CONTRAST`], so a filled button is still seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandColor([u8; 3]);

impl BrandColor {
    /// WCAG 2.1 success criterion 1.4.11 (non-text contrast): 3:1 for the shapes of controls.
    pub const MIN_PAGE_CONTRAST: f64 = 3.0;

    /// `#rrggbb` or `#rgb`, either case, that stands out from the page. Anything else (names,
    /// `rgb()`, `url()`) is refused, so what reaches a `style` attribute is always six hex digits.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let color = Self::parse_hex(raw)?;
        let ratio = color.contrast(Self::WHITE);
        if ratio < Self::MIN_PAGE_CONTRAST {
            return Err(t_args(
                "branding-color-contrast",
                &[("ratio", &format!("{ratio:.2}")), ("min", "3")],
            ));
        }
        Ok(color)
    }

    /// The format alone: a stored colour is shown even if the contrast rule has changed since.
    pub fn parse_hex(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        let digits = value.strip_prefix('#').ok_or_else(|| t("branding-color-format"))?;
        let nibble = |c: u8| (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
        let bytes = digits.as_bytes();
        let rgb = match bytes.len() {
            6 => {
                let mut rgb = [0u8; 3];
                for (i, pair) in bytes.chunks(2).enumerate() {
                    let (hi, lo) = (nibble(pair[0]), nibble(pair[1]));
                    rgb[i] = hi
                        .zip(lo)
                        .map(|(h, l)| h * 16 + l)
                        .ok_or_else(|| t("branding-color-format"))?;
                }
                rgb
            }
            3 => {
                let mut rgb = [0u8; 3];
                for (i, c) in bytes.iter().enumerate() {
                    rgb[i] = nibble(*c).map(|n| n * 17).ok_or_else(|| t("branding-color-format"))?;
                }
                rgb
            }
            _ => return Err(t("branding-color-format")),
        };
        Ok(Self(rgb))
    }

    pub const WHITE: Self = Self([255, 255, 255]);
    pub const BLACK: Self = Self([0, 0, 0]);

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Relative luminance (WCAG 2.1).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// The contrast ratio of two colours, 1 to 21.
    pub fn contrast(self, other: Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a >= b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// Black or white, whichever is more readable on this colour (never under 4.5:1).
    pub fn text(self) -> Self {
        if self.contrast(Self::BLACK) >= self.contrast(Self::WHITE) {
            Self::BLACK
        } else {
            Self::WHITE
        }
    }
}

impl Serialize for BrandColor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for BrandColor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse_hex(&raw).map_err(serde::de::Error::custom)
    }
}

/// A logo's address: `https://` only (a page served over https must not load images over http,
/// and `javascript:`/`data:` have no business in an `src`), at most 2,048 characters of visible
/// ASCII, a host, and no user name or password in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoUrl(String);

impl LogoUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.len() > Self::MAX_LEN {
            return Err(t_args("branding-logo-long", &[("max", &Self::MAX_LEN.to_string())]));
        }
        let rest = value
            .get(..8)
            .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
            .map(|_| &value[8..])
            .ok_or_else(|| t("branding-logo-https"))?;
        // Visible ASCII without quotes, angle brackets or a backslash: nothing a parser could
        // read as the end of the attribute or as another host.
        let visible = value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`'));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.split(':').next().unwrap_or_default();
        if !visible || host.is_empty() || authority.contains('@') {
            return Err(t("branding-logo-https"));
        }
        Ok(Self(value.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name a tenant's portal shows: 1–80 characters without control characters.
pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(t("valid-required"));
    }
    if value.chars().count() > 80 || value.chars().any(char::is_control) {
        return Err(t_args("branding-name-long", &[("max", "80")]));
    }
    Ok(value.to_owned())
}

/// How a tenant's portal looks. Without a colour the portal keeps Atrium's own; without a logo it
/// shows the name alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub display_name: String,
    pub logo_url: Option<LogoUrl>,
    pub color: Option<BrandColor>,
}

impl Branding {
    /// From the stored columns: the display name or else the tenant's name; a stored value that
    /// no longer parses is left out rather than shown.
    pub fn from_stored(tenant_name: &str, name: Option<&str>, logo_url: Option<&str>, color: Option<&str>) -> Self {
        Self {
            display_name: name.unwrap_or(tenant_name).to_owned(),
            logo_url: logo_url.and_then(|url| LogoUrl::parse(url).ok()),
            color: color.and_then(|hex| BrandColor::parse_hex(hex).ok()),
        }
    }

    /// The CSS custom properties the portal's layout carries (`style` attribute): the colour and
    /// the text colour on it. Only parsed colours reach it, so it is always two hex values.
    pub fn style(&self) -> Option<String> {
        self.color
            .map(|color| format!("--brand: {}; --brand-text: {};", color.hex(), color.text().hex()))
    }
}

/// The branding form as saved: what the tenant chose, `None` for "as Atrium/the tenant's name".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandingSettings {
    /// Empty: the tenant's name.
    pub display_name: Option<String>,
    pub logo_url: Option<LogoUrl>,
    pub color: Option<BrandColor>,
    /// The tenant's own name, shown when no display name is set.
    pub tenant_name: String,
}

/// A workspace's own session policy. Each limit can only shorten the platform's: the session
/// lookup applies the smaller one. `None`: the platform's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SessionPolicy {
    /// Minutes a session may sit unused.
    pub idle_minutes: Option<u16>,
    /// Hours a session may last from sign-in.
    pub max_hours: Option<u16>,
}

/// The security page's form: the workspace's policy and the platform's limits it works within.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub policy: SessionPolicy,
    /// Every member must sign in with a second factor.
    pub require_two_factor: bool,
    /// Platform support may sign in as members (support access).
    pub allow_support_access: bool,
    /// The workspace's plan (or its feature switch) includes support access at all.
    pub support_access_in_plan: bool,
    pub platform_idle_minutes: u16,
    pub platform_max_hours: u16,
}

/// The shortest idle timeout a workspace may set: less signs people out while they read.
pub const MIN_IDLE_MINUTES: u16 = 5;

/// A whole number in `min..=max` from a form field; empty means "the platform's".
fn parse_limit(raw: &str, min: u16, max: u16, unit: &str) -> Result<Option<u16>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let max = max.max(min);
    let message = || {
        t_args(
            "security-range",
            &[("min", &min.to_string()), ("max", &max.to_string()), ("unit", &t(unit))],
        )
    };
    match raw.parse::<u16>() {
        Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
        _ => Err(message()),
    }
}

impl SessionPolicy {
    /// The idle timeout field: `MIN_IDLE_MINUTES` up to the platform's.
    pub fn parse_idle_minutes(raw: &str, platform_idle_minutes: u16) -> Result<Option<u16>, String> {
        parse_limit(raw, MIN_IDLE_MINUTES, platform_idle_minutes, "security-unit-minutes")
    }
    /// The session length field: one hour up to the platform's.
    pub fn parse_max_hours(raw: &str, platform_max_hours: u16) -> Result<Option<u16>, String> {
        parse_limit(raw, 1, platform_max_hours, "security-unit-hours")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_limits_only_shorten_the_platforms() {
        assert_eq!(SessionPolicy::parse_idle_minutes("", 60), Ok(None));
        assert_eq!(SessionPolicy::parse_idle_minutes(" 15 ", 60), Ok(Some(15)));
        assert_eq!(SessionPolicy::parse_idle_minutes("60", 60), Ok(Some(60)));
        assert!(SessionPolicy::parse_idle_minutes("61", 60).is_err());
        assert!(SessionPolicy::parse_idle_minutes("4", 60).is_err());
        assert!(SessionPolicy::parse_idle_minutes("-5", 60).is_err());
        assert!(SessionPolicy::parse_idle_minutes("ten", 60).is_err());
        assert_eq!(SessionPolicy::parse_max_hours("1", 12), Ok(Some(1)));
        assert!(SessionPolicy::parse_max_hours("0", 12).is_err());
        assert!(SessionPolicy::parse_max_hours("13", 12).is_err());
    }

    #[test]
    fn portal_paths_split_into_slug_and_app_path() {
        let (slug, rest) = PortalSite::split_path("/t/acme/users/42").expect("portal path");
        assert_eq!((slug.as_str(), rest), ("acme", "/users/42"));
        let (slug, rest) = PortalSite::split_path("/t/acme").expect("portal root");
        assert_eq!((slug.as_str(), rest), ("acme", "/"));
        assert_eq!(PortalSite::split_path("/t/acme/").map(|(_, r)| r), Some("/"));
        for other in [
            "/",
            "/tenants",
            "/t/",
            "/t/-bad/users",
            "/t/A/users",
            "/t/%20acme",
            "/tx/acme",
        ] {
            assert!(PortalSite::split_path(other).is_none(), "{other}");
        }
    }

    #[test]
    fn sites_prefix_links_by_path_only() {
        let slug = TenantSlug::parse("acme").expect("slug");
        assert_eq!(
            PortalSite::new(slug.clone(), SiteRoute::Path).href("/users"),
            "/t/acme/users"
        );
        assert_eq!(PortalSite::new(slug.clone(), SiteRoute::Host).href("/users"), "/users");
        assert_eq!(PortalSite::new(slug, SiteRoute::Header).base(), "");
    }

    #[test]
    fn colours_parse_as_hex_and_must_stand_out_from_the_page() {
        assert_eq!(
            BrandColor::parse("#1D4ED8").map(BrandColor::hex),
            Ok("#1d4ed8".to_owned())
        );
        assert_eq!(
            BrandColor::parse(" #123 ").map(BrandColor::hex),
            Ok("#112233".to_owned())
        );
        for bad in [
            "1d4ed8",
            "#12345",
            "#gggggg",
            "red",
            "url(x)",
            "#1d4ed8; color: red",
            "",
        ] {
            assert!(BrandColor::parse(bad).is_err(), "{bad}");
        }
        // Yellow on white: 1.07:1, invisible as a button.
        let refused = BrandColor::parse("#ffff00").expect_err("too light");
        assert!(refused.contains("1.07"), "{refused}");
        assert!(BrandColor::parse("#767676").is_ok(), "4.54:1 passes");
    }

    #[test]
    fn text_on_the_colour_is_always_readable() {
        for hex in [
            "#000000", "#1d4ed8", "#767676", "#b91c1c", "#15803d", "#7c3aed", "#0e7490",
        ] {
            let color = BrandColor::parse(hex).expect(hex);
            assert!(
                color.contrast(color.text()) >= 4.5,
                "{hex}: {}",
                color.contrast(color.text())
            );
        }
        assert_eq!(
            BrandColor::parse("#1d4ed8").map(BrandColor::text),
            Ok(BrandColor::WHITE)
        );
        let style = Branding {
            display_name: "Acme".into(),
            logo_url: None,
            color: BrandColor::parse("#1d4ed8").ok(),
        }
        .style();
        assert_eq!(style.as_deref(), Some("--brand: #1d4ed8; --brand-text: #ffffff;"));
    }

    #[test]
    fn logos_are_https_addresses_without_credentials() {
        assert!(LogoUrl::parse("https://cdn.acme.test/logo.svg").is_ok());
        assert!(LogoUrl::parse("HTTPS://cdn.acme.test:8443/a/logo.png?v=2").is_ok());
        for bad in [
            "http://cdn.acme.test/logo.svg",
            "javascript:alert(1)",
            "data:image/svg+xml,<svg/>",
            "//cdn.acme.test/logo.svg",
            "https://",
            "https:///logo.svg",
            "https://user:pw@cdn.acme.test/logo.svg",
            "https://cdn.acme.test/logo.svg\" onerror=\"x",
            "https://cdn.acme.test/a b.svg",
            "https://cdn.acme.test/\\logo.svg",
        ] {
            assert!(LogoUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://cdn.acme.test/{}", "a".repeat(2048));
        assert!(LogoUrl::parse(&long).is_err());
    }

    #[test]
    fn display_names_are_short_and_printable() {
        assert_eq!(parse_display_name("  Acme Portal "), Ok("Acme Portal".to_owned()));
        assert!(parse_display_name("").is_err());
        assert!(parse_display_name(&"x".repeat(81)).is_err());
        assert!(parse_display_name("a\u{7}b").is_err());
    }
}

/// What a workspace's sign-in page shows before anyone is signed in: its branding, and the
/// name of its OpenID provider when members may sign in through one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInSite {
    pub branding: Branding,
    pub sso_provider: Option<String>,
}
