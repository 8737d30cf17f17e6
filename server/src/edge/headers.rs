//! Security headers on every response: a Content-Security-Policy whose script nonce is fresh per
//! response and shared with Leptos' renderer (`CspNonce`), Permissions-Policy, COOP, HSTS over
//! https, and `Cache-Control: no-store` on everything but static assets.

use super::origin::Scheme;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// This response's script nonce, in request extensions: the policy names it and Leptos puts it
/// on the inline scripts it writes (the routes provide it as Leptos' `Nonce`).
#[derive(Debug, Clone)]
pub struct CspNonce(pub Nonce);

/// The policy of a response whose inline scripts carry `nonce`.
///
/// - Scripts: only those carrying the nonce (Leptos' hydration bootstrap), and what they load
///   (`'strict-dynamic'`: the wasm glue it imports, ECharts that the chart adds on demand);
///   `'wasm-unsafe-eval'` lets it compile the wasm. No inline handler or injected tag runs.
/// - Styles: the app's stylesheet; `style=""` attributes (chart sizes rendered on the server,
///   ECharts' tooltips) are allowed, `<style>` elements are not.
/// - Images from this origin and `data:` (ECharts' "save as image"); fetches and the websocket
///   only to this origin (`'self'` covers ws/wss of the same host).
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: https:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Browser features the app never uses, switched off for it and anything it could embed.
const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), \
     hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()";

/// A year, subdomains included: once a browser has seen Atrium over https it never tries http.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers every response carries (a handler's own value wins).
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    let https = Scheme::of(&request) == Scheme::Https;
    let asset_path = request.uri().path().starts_with("/pkg/");
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let static_asset = asset_path || is_static_asset(response.status(), response.headers());
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in fixed {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(policy);
    }
    // Only over https: a browser ignores HSTS on http anyway, and a wrong "https" here would
    // pin a plain-http deployment's host name to https for a year.
    if https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    // Pages, server function answers (generated passwords, API keys, signing secrets) and REST
    // JSON may all carry something no shared or browser cache should keep. Static assets keep
    // whatever caching they are served with.
    if !static_asset {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether a response is a static file (script, wasm, stylesheet, image, font) or a 304 about
/// one, which must not be turned into `no-store`.
fn is_static_asset(status: StatusCode, headers: &HeaderMap) -> bool {
    if status == StatusCode::NOT_MODIFIED {
        return true;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    matches!(
        essence,
        "text/css" | "text/javascript" | "application/javascript" | "application/wasm"
    ) || essence.starts_with("image/")
        || essence.starts_with("font/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(content_type: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers
    }

    #[test]
    fn only_static_files_escape_no_store() {
        for asset in [
            "text/css",
            "text/javascript; charset=utf-8",
            "application/wasm",
            "image/svg+xml",
            "font/woff2",
        ] {
            assert!(is_static_asset(StatusCode::OK, &typed(asset)), "{asset}");
        }
        for secret in [
            "text/html; charset=utf-8",
            "application/json",
            "text/plain",
            "text/csv",
            "application/x-www-form-urlencoded",
        ] {
            assert!(!is_static_asset(StatusCode::OK, &typed(secret)), "{secret}");
        }
        assert!(!is_static_asset(StatusCode::SEE_OTHER, &HeaderMap::new()));
        assert!(is_static_asset(StatusCode::NOT_MODIFIED, &HeaderMap::new()));
    }
}
