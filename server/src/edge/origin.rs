//! Where a request comes from: the scheme it was served over, the CSRF rule comparing `Origin`
//! with the request's own origin (scheme, host and port), and the rule that keeps downloads from
//! being triggered by other sites.

use super::HttpSettings;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The scheme a request was served over, in request extensions (set by `request_scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Http,
    Https,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    /// The scheme of a request that went through the edge (`http` if it did not).
    pub fn of(request: &Request) -> Self {
        request.extensions().get::<Self>().copied().unwrap_or_default()
    }
}

/// The scheme as this server sees it: Atrium speaks plain HTTP itself, so a request is `https`
/// only when a trusted proxy's `X-Forwarded-Proto` says so (its first value: the client side).
pub fn scheme(headers: &HeaderMap, settings: &HttpSettings) -> Scheme {
    if !settings.trust_forwarded_proto {
        return Scheme::Http;
    }
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim);
    match forwarded {
        Some(proto) if proto.eq_ignore_ascii_case("https") => Scheme::Https,
        _ => Scheme::Http,
    }
}

/// Records the request's scheme for the layers and handlers after it, and drops an
/// `X-Forwarded-Proto` that no trusted proxy set, so code that reads the header further in (the
/// session cookie's name in `atrium_app::auth::context`) agrees with this decision.
pub async fn request_scheme(State(settings): State<HttpSettings>, mut request: Request, next: Next) -> Response {
    let scheme = scheme(request.headers(), &settings);
    if !settings.trust_forwarded_proto {
        request.headers_mut().remove("x-forwarded-proto");
    }
    request.extensions_mut().insert(scheme);
    next.run(request).await
}

/// Refuses state-changing requests from other origins (CSRF).
pub async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_origin(request.headers(), Scheme::of(&request)) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        cross_site_refusal()
    }
}

/// Whether a request says it comes from this very origin: an `Origin` equal to the request's own
/// (`scheme://Host`, default ports ignored; `null` never matches), or without `Origin` a
/// `Sec-Fetch-Site` of `same-origin` or `none` (or none at all: not a browser). A sibling host
/// (`same-site`) or another scheme of this host is another origin: SameSite=Lax cookies ride
/// along on its requests, so only the origin check stops them. Also guards websocket upgrades,
/// which are GETs that browsers send cross-site with cookies (and always with `Origin`).
pub fn is_same_origin(headers: &HeaderMap, scheme: Scheme) -> bool {
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        Some(Ok(origin)) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            host.is_some_and(|host| origin_matches(origin, scheme, host))
        }
        Some(Err(_)) => false,
        None => fetch_site_allows(headers),
    }
}

/// `Sec-Fetch-Site` absent, `same-origin` or `none` (typed, bookmarked).
pub fn fetch_site_allows(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or_default())
        .is_none_or(|site| site == "same-origin" || site == "none")
}

/// Whether `origin` (`scheme://host[:port]`) is `scheme://host` of this request.
fn origin_matches(origin: &str, scheme: Scheme, host: &str) -> bool {
    let Some((origin_scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    origin_scheme.eq_ignore_ascii_case(scheme.as_str())
        && without_default_port(authority, scheme).eq_ignore_ascii_case(without_default_port(host, scheme))
}

fn without_default_port(authority: &str, scheme: Scheme) -> &str {
    let default = match scheme {
        Scheme::Http => ":80",
        Scheme::Https => ":443",
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// Guards a download the browser opens by navigation (exports): the session cookie is
/// `SameSite=Lax`, so another site's link or top-level GET carries it. Browsers say where a
/// navigation came from in `Sec-Fetch-Site`; anything but this origin or the user's own typing
/// is refused (`None` = go on).
pub fn refuse_foreign_navigation(headers: &HeaderMap) -> Option<Response> {
    if fetch_site_allows(headers) {
        None
    } else {
        tracing::warn!("cross-site download refused");
        Some(cross_site_refusal())
    }
}

/// The 403 answer to a cross-site request.
pub fn cross_site_refusal() -> Response {
    crate::api::json_error(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        "Cross-site requests are not allowed.",
        serde_json::Value::Null,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_origin_must_match_scheme_host_and_port() {
        let host = |origin| headers(&[("host", "atrium.test:3000"), ("origin", origin)]);
        assert!(is_same_origin(&host("http://atrium.test:3000"), Scheme::Http));
        assert!(is_same_origin(&host("http://ATRIUM.test:3000"), Scheme::Http));
        assert!(!is_same_origin(&host("https://atrium.test:3000"), Scheme::Http));
        assert!(!is_same_origin(&host("http://atrium.test:3000"), Scheme::Https));
        assert!(!is_same_origin(&host("http://atrium.test:3001"), Scheme::Http));
        assert!(!is_same_origin(&host("http://atrium.test"), Scheme::Http));
        assert!(!is_same_origin(&host("http://evil.atrium.test:3000"), Scheme::Http));
        assert!(!is_same_origin(&host("null"), Scheme::Http));
        assert!(!is_same_origin(&host("atrium.test:3000"), Scheme::Http));
        // Default ports are the same origin with or without them.
        let plain = |origin, host| headers(&[("host", host), ("origin", origin)]);
        assert!(is_same_origin(
            &plain("https://atrium.test", "atrium.test:443"),
            Scheme::Https
        ));
        assert!(is_same_origin(
            &plain("https://atrium.test:443", "atrium.test"),
            Scheme::Https
        ));
        assert!(is_same_origin(
            &plain("http://atrium.test:80", "atrium.test"),
            Scheme::Http
        ));
        assert!(!is_same_origin(
            &plain("http://atrium.test", "atrium.test:443"),
            Scheme::Https
        ));
        // No Host: nothing to compare with.
        assert!(!is_same_origin(
            &headers(&[("origin", "http://atrium.test")]),
            Scheme::Http
        ));
    }

    #[test]
    fn without_origin_only_this_origin_or_no_browser_passes() {
        assert!(is_same_origin(&headers(&[]), Scheme::Http));
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            Scheme::Http
        ));
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "none")]), Scheme::Http));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            Scheme::Http
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            Scheme::Http
        ));
    }

    #[test]
    fn forwarded_proto_counts_only_when_trusted() {
        let trusted = HttpSettings {
            trust_forwarded_proto: true,
            ..HttpSettings::default()
        };
        let https = headers(&[("x-forwarded-proto", "https")]);
        assert_eq!(scheme(&https, &HttpSettings::default()), Scheme::Http);
        assert_eq!(scheme(&https, &trusted), Scheme::Https);
        assert_eq!(
            scheme(&headers(&[("x-forwarded-proto", "HTTPS, http")]), &trusted),
            Scheme::Https
        );
        assert_eq!(
            scheme(&headers(&[("x-forwarded-proto", "http")]), &trusted),
            Scheme::Http
        );
        assert_eq!(scheme(&headers(&[]), &trusted), Scheme::Http);
    }
}
