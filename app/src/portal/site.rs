//! Which site the app renders: the platform console, or a tenant's portal. The server learns it
//! from the request (the edge's `portal_site` layer puts a [`PortalSite`] in its extensions) and
//! writes it into the page's head; the browser reads it back from there before the router
//! starts, so both build the same router with the same base.

use super::types::{PortalSite, SiteRoute};
use crate::auth::types::{LocalPath, Principal};
use crate::tenants::types::TenantSlug;
use leptos::prelude::*;

/// The `<meta>` naming the portal a page belongs to (absent on the console).
pub const SITE_META: &str = "atrium-portal";

/// The site of this render, provided once by the app.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentSite(pub Option<PortalSite>);

/// The portal this page is for (`None`: the platform console).
pub fn use_site() -> Option<PortalSite> {
    use_context::<CurrentSite>().and_then(|site| site.0)
}

/// The meta's content: `path:acme`, `host:acme` or `header:acme`.
pub fn meta_content(site: &PortalSite) -> String {
    let route = match site.route {
        SiteRoute::Path => "path",
        SiteRoute::Host => "host",
        SiteRoute::Header => "header",
    };
    format!("{route}:{}", site.slug.as_str())
}

/// The inverse of [`meta_content`]; `None` for anything else.
pub fn parse_meta(content: &str) -> Option<PortalSite> {
    let (route, slug) = content.split_once(':')?;
    let route = match route {
        "path" => SiteRoute::Path,
        "host" => SiteRoute::Host,
        "header" => SiteRoute::Header,
        _ => return None,
    };
    Some(PortalSite::new(TenantSlug::parse(slug).ok()?, route))
}

/// The site of the request being rendered (server) or of the page being hydrated (browser).
pub fn detect() -> Option<PortalSite> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<PortalSite>().cloned())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let document = web_sys::window()?.document()?;
        let meta = document.query_selector(&format!("meta[name=\"{SITE_META}\"]")).ok()??;
        parse_meta(&meta.get_attribute("content")?)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

/// Where a tenant member lands after signing in on `site` (the request's, `None` on the
/// console's host): their portal, with `next` inside it. Platform administrators stay on the
/// console (a portal `next` is not theirs).
pub fn landing(principal: &Principal, site: Option<&PortalSite>, next: LocalPath) -> LocalPath {
    match (principal, site) {
        // The tenant's own host or proxy: the sign-in was confined to its workspace.
        (_, Some(site)) if site.route != SiteRoute::Path => next,
        (Principal::Tenant { tenant_slug, .. }, _) => member_landing(tenant_slug, None, next),
        (Principal::Platform { .. }, _) if PortalSite::split_path(next.as_str()).is_some() => LocalPath::root(),
        (Principal::Platform { .. }, _) => next,
    }
}

/// Where a member of `slug`'s workspace lands after signing in on `site`: `next` on the
/// workspace's own host or proxy, else in its portal by path.
pub fn member_landing(slug: &TenantSlug, site: Option<&PortalSite>, next: LocalPath) -> LocalPath {
    if site.is_some_and(|site| site.route != SiteRoute::Path) {
        return next;
    }
    let own = PortalSite::new(slug.clone(), SiteRoute::Path);
    let target = match PortalSite::split_path(next.as_str()) {
        Some((other, _)) if other == *slug => return next,
        Some(_) => own.base(),
        None if next == LocalPath::root() => own.base(),
        None => own.href(next.as_str()),
    };
    LocalPath::or_root(Some(&target))
}

/// Server functions redirect to app paths (`/users/7`); in a portal reached by path that is
/// `/t/{slug}/users/7`. The browser's redirect hook (set before the router's, which then stays
/// unset) puts app paths under the site's base and navigates in place; a path of another site
/// (the console's sign-in sending a member to their portal) is a full page load, since the
/// router serves one site.
#[cfg(feature = "hydrate")]
pub mod redirect {
    use super::PortalSite;
    use leptos::prelude::*;
    use leptos_router::NavigateOptions;
    use std::cell::RefCell;

    /// The router's navigation, lent by [`NavigationBridge`].
    type Navigate = Box<dyn Fn(&str)>;

    thread_local! {
        static NAVIGATE: RefCell<Option<Navigate>> = const { RefCell::new(None) };
    }

    /// Installs the hook; call before the router is built.
    pub fn install(base: String) {
        let _ = leptos::server_fn::redirect::set_redirect_hook(move |loc: &str| follow(&base, loc));
    }

    /// Lends the hook the router's navigation; render inside the router.
    #[component]
    pub fn NavigationBridge() -> impl IntoView {
        let navigate = leptos_router::hooks::use_navigate();
        NAVIGATE.with(|cell| {
            *cell.borrow_mut() = Some(Box::new(move |href: &str| {
                navigate(
                    href,
                    NavigateOptions {
                        resolve: false,
                        ..NavigateOptions::default()
                    },
                )
            }))
        });
    }

    fn follow(base: &str, loc: &str) {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let Ok(origin) = location.origin() else { return };
        let Ok(url) = web_sys::Url::new_with_base(loc, &origin) else {
            return;
        };
        if url.origin() != origin {
            let _ = location.set_href(&url.href());
            return;
        }
        let path = url.pathname();
        let rest = format!("{}{}", url.search(), url.hash());
        let in_site = |path: &str| {
            if base.is_empty() {
                PortalSite::split_path(path).is_none()
            } else {
                path == base || path.starts_with(&format!("{base}/"))
            }
        };
        let target = if in_site(&path) {
            Some(format!("{path}{rest}"))
        } else if !base.is_empty() && PortalSite::split_path(&path).is_none() {
            // An app path written without the site's prefix.
            Some(format!("{base}{path}{rest}"))
        } else {
            None
        };
        match target {
            Some(target) => {
                // A tick later, as the router's own hook does, so the action's value is set first.
                request_animation_frame(move || {
                    NAVIGATE.with(|cell| match cell.borrow().as_ref() {
                        Some(navigate) => navigate(&target),
                        None => {
                            let _ = web_sys::window().map(|w| w.location().set_href(&target));
                        }
                    });
                });
            }
            None => {
                let _ = location.set_href(&url.href());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(slug: &str) -> Principal {
        Principal::Tenant {
            tenant_id: crate::ids::TenantId(uuid::Uuid::nil()),
            tenant_name: "Acme".into(),
            tenant_slug: TenantSlug::parse(slug).expect("slug"),
            branding: crate::portal::types::Branding {
                display_name: "Acme".into(),
                logo_url: None,
                color: None,
            },
            erase_after: None,
            user_id: crate::ids::UserId(uuid::Uuid::nil()),
            email: "a@acme.test".into(),
            name: "A".into(),
            impersonator: None,
            role: crate::permissions::types::Role::Admin,
        }
    }

    fn path(raw: &str) -> LocalPath {
        LocalPath::or_root(Some(raw))
    }

    #[test]
    fn members_land_in_their_portal_and_administrators_on_the_console() {
        let acme = member("acme");
        assert_eq!(landing(&acme, None, path("/")).as_str(), "/t/acme");
        assert_eq!(
            landing(&acme, None, path("/users?page=2")).as_str(),
            "/t/acme/users?page=2"
        );
        assert_eq!(landing(&acme, None, path("/t/acme/audit")).as_str(), "/t/acme/audit");
        assert_eq!(landing(&acme, None, path("/t/globex/audit")).as_str(), "/t/acme");
        let host = PortalSite::new(TenantSlug::parse("acme").expect("slug"), SiteRoute::Host);
        assert_eq!(landing(&acme, Some(&host), path("/users")).as_str(), "/users");
        let admin = Principal::Platform {
            platform_user_id: crate::ids::PlatformUserId(uuid::Uuid::nil()),
            email: "admin@atrium.local".into(),
            name: "Admin".into(),
        };
        assert_eq!(landing(&admin, None, path("/tenants")).as_str(), "/tenants");
        assert_eq!(landing(&admin, None, path("/t/acme/users")).as_str(), "/");
    }

    #[test]
    fn the_meta_names_the_route_and_the_slug() {
        for route in [SiteRoute::Path, SiteRoute::Host, SiteRoute::Header] {
            let site = PortalSite::new(TenantSlug::parse("acme").expect("slug"), route);
            assert_eq!(parse_meta(&meta_content(&site)), Some(site));
        }
        for bad in ["", "acme", "path:", "path:-x", "other:acme"] {
            assert_eq!(parse_meta(bad), None, "{bad}");
        }
    }
}
