//! Which tenant portal a request is for: the tenant's own host (`{slug}.{ATRIUM_BASE_DOMAIN}`), an
//! `X-Tenant` header set by a trusted proxy, or a path `/t/{slug}/…`. The answer rides in the
//! request's extensions as a [`PortalSite`] for the page guard, the sign-in and the renderer.
//!
//! A client can write any header it likes, so `X-Tenant` is believed only from the TCP peers
//! listed in `ATRIUM_TENANT_HEADER_PROXIES`; from anyone else the request is refused (400) rather
//! than served as if the header were not there, so a misconfigured proxy is noticed at once.

use atrium_app::portal::types::{PortalSite, SiteRoute};
use atrium_app::tenants::types::TenantSlug;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The header a trusted proxy names the tenant in.
pub const TENANT_HEADER: &str = "x-tenant";

/// How tenants' portals are reached besides `/t/{slug}` (`.env.example`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteSettings {
    /// `ATRIUM_BASE_DOMAIN`: `acme.{base}` is Acme's portal; the base itself is the console.
    /// Lower case, without a port.
    pub base_domain: Option<String>,
    /// `ATRIUM_TENANT_HEADER_PROXIES`: the peers (addresses or CIDR ranges) whose `X-Tenant`
    /// header names the tenant. Empty: the header is refused from everyone.
    pub header_proxies: Vec<IpNet>,
}

/// Why a request's tenant could not be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRefusal {
    /// `X-Tenant` from a peer that is not a trusted proxy.
    UntrustedHeader,
    /// `X-Tenant` from a trusted proxy, but not a slug.
    BadHeader,
}

impl SiteSettings {
    /// The portal `headers` and `uri` name, for a request from `peer`.
    pub fn resolve(
        &self,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Result<Option<PortalSite>, SiteRefusal> {
        let named: Vec<_> = headers.get_all(TENANT_HEADER).iter().collect();
        if !named.is_empty() {
            let trusted = peer.is_some_and(|peer| self.header_proxies.iter().any(|net| net.contains(&peer)));
            if !trusted {
                return Err(SiteRefusal::UntrustedHeader);
            }
            let [value] = named.as_slice() else {
                return Err(SiteRefusal::BadHeader);
            };
            let slug = value
                .to_str()
                .ok()
                .and_then(|raw| TenantSlug::parse(raw).ok())
                .ok_or(SiteRefusal::BadHeader)?;
            return Ok(Some(PortalSite::new(slug, SiteRoute::Header)));
        }
        if let Some(slug) = self.host_slug(headers, uri) {
            return Ok(Some(PortalSite::new(slug, SiteRoute::Host)));
        }
        Ok(PortalSite::split_path(uri.path()).map(|(slug, _)| PortalSite::new(slug, SiteRoute::Path)))
    }

    /// The tenant a host of the form `{slug}.{base domain}` names (HTTP/1.1 `Host`, or the
    /// authority of an HTTP/2 request).
    fn host_slug(&self, headers: &HeaderMap, uri: &Uri) -> Option<TenantSlug> {
        let base = self.base_domain.as_deref()?;
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| uri.authority().map(|authority| authority.as_str()))?;
        let host = host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        });
        let host = host.to_ascii_lowercase();
        let label = host.strip_suffix(base)?.strip_suffix('.')?;
        if label.contains('.') {
            return None;
        }
        TenantSlug::parse(label).ok().filter(|slug| slug.as_str() == label)
    }
}

/// Puts the request's [`PortalSite`] in its extensions, or refuses an untrusted `X-Tenant`.
pub async fn portal_site(State(settings): State<Arc<SiteSettings>>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    match settings.resolve(peer, request.headers(), request.uri()) {
        Ok(site) => {
            if let Some(site) = site {
                request.extensions_mut().insert(site);
            }
            next.run(request).await
        }
        Err(refusal) => {
            let (code, message) = match refusal {
                SiteRefusal::UntrustedHeader => (
                    "untrusted_tenant_header",
                    atrium_app::i18n::t("portal-header-untrusted"),
                ),
                SiteRefusal::BadHeader => ("invalid_tenant_header", atrium_app::i18n::t("valid-slug")),
            };
            crate::api::json_error(StatusCode::BAD_REQUEST, code, message, serde_json::Value::Null)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn settings() -> SiteSettings {
        SiteSettings {
            base_domain: Some("atrium.test".into()),
            header_proxies: vec!["10.0.0.0/8".parse().expect("net")],
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("value"));
        }
        map
    }

    fn slug_of(site: Result<Option<PortalSite>, SiteRefusal>) -> Option<(String, SiteRoute)> {
        site.expect("resolved")
            .map(|site| (site.slug.as_str().to_owned(), site.route))
    }

    #[test]
    fn a_subdomain_of_the_base_names_its_tenant() {
        let uri: Uri = "/users".parse().expect("uri");
        let resolve = |host: &str| settings().resolve(None, &headers(&[("host", host)]), &uri);
        assert_eq!(
            slug_of(resolve("acme.atrium.test")),
            Some(("acme".into(), SiteRoute::Host))
        );
        assert_eq!(
            slug_of(resolve("ACME.atrium.test:8443")),
            Some(("acme".into(), SiteRoute::Host))
        );
        for console in [
            "atrium.test",
            "a.b.atrium.test",
            "acme.other.test",
            "acmeatrium.test",
            "-x.atrium.test",
        ] {
            assert_eq!(slug_of(resolve(console)), None, "{console}");
        }
        let no_base = SiteSettings::default();
        assert_eq!(
            slug_of(no_base.resolve(None, &headers(&[("host", "acme.atrium.test")]), &uri)),
            None
        );
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let uri: Uri = "/".parse().expect("uri");
        let named = headers(&[("x-tenant", "globex"), ("host", "acme.atrium.test")]);
        let proxy = Some("10.1.2.3".parse().expect("ip"));
        assert_eq!(
            slug_of(settings().resolve(proxy, &named, &uri)),
            Some(("globex".into(), SiteRoute::Header))
        );
        let stranger = Some("192.0.2.9".parse().expect("ip"));
        assert_eq!(
            settings().resolve(stranger, &named, &uri),
            Err(SiteRefusal::UntrustedHeader)
        );
        assert_eq!(
            settings().resolve(None, &named, &uri),
            Err(SiteRefusal::UntrustedHeader)
        );
        let bad = headers(&[("x-tenant", "Not A Slug")]);
        assert_eq!(settings().resolve(proxy, &bad, &uri), Err(SiteRefusal::BadHeader));
        let twice = headers(&[("x-tenant", "acme"), ("x-tenant", "globex")]);
        assert_eq!(settings().resolve(proxy, &twice, &uri), Err(SiteRefusal::BadHeader));
    }

    #[test]
    fn a_path_names_its_tenant_on_the_console_host() {
        let resolve =
            |path: &str| settings().resolve(None, &headers(&[("host", "atrium.test")]), &path.parse().expect("uri"));
        assert_eq!(
            slug_of(resolve("/t/acme/users")),
            Some(("acme".into(), SiteRoute::Path))
        );
        assert_eq!(slug_of(resolve("/tenants")), None);
    }
}
