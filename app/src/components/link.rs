//! Links within the app: leptos_router's `A` with the site's prefix (`/t/{slug}` in a portal
//! reached by path) put before absolute paths. Its own `A` resolves only relative paths against
//! the router's base (0.8.17, `use_resolved_path`), so `/users` would leave the portal.

use super::hooks::use_link_base;
use leptos::prelude::*;
use leptos_router::components::ToHref;
use std::sync::Arc;

/// `href` under this site: an absolute app path gets the site's prefix; relative paths, query
/// strings and other sites' addresses are left alone.
pub fn site_href(base: &str, href: &str) -> String {
    if base.is_empty() || !href.starts_with('/') || href.starts_with("//") {
        return href.to_owned();
    }
    // The site's root is the base itself, as the server redirects to it (no trailing slash).
    match href.strip_prefix('/') {
        Some(rest) if rest.is_empty() || rest.starts_with(['?', '#']) => format!("{base}{rest}"),
        _ => format!("{base}{href}"),
    }
}

/// A link within the app; see the module.
#[component]
pub fn A<H>(
    href: H,
    /// Marked current only when the location matches exactly (else also below it).
    #[prop(optional)]
    exact: bool,
    children: Children,
) -> impl IntoView
where
    H: ToHref + Send + Sync + 'static,
{
    let base = use_link_base();
    let href = Arc::new(href);
    let resolved = move || site_href(&base, &href.to_href()());
    view! { <leptos_router::components::A href=resolved exact>{children()}</leptos_router::components::A> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_app_paths_get_the_prefix() {
        assert_eq!(site_href("/t/acme", "/users/7"), "/t/acme/users/7");
        assert_eq!(site_href("/t/acme", "/"), "/t/acme");
        assert_eq!(site_href("/t/acme", "/?tab=x"), "/t/acme?tab=x");
        assert_eq!(site_href("", "/users"), "/users");
        assert_eq!(site_href("/t/acme", "?page=2"), "?page=2");
        assert_eq!(site_href("/t/acme", "//cdn.example/x"), "//cdn.example/x");
        assert_eq!(site_href("/t/acme", "https://example.com/"), "https://example.com/");
    }
}
