//! Request middleware: the signed-out redirect for pages, cross-site request refusal, client
//! address capture, request id hygiene and security headers.

use atrium_app::auth::context::{ClientIp, session_token};
use atrium_app::auth::service::principal_for_token;
use atrium_app::auth::types::LocalPath;
use atrium_app::db::Db;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Pages need a live session: signed-out visitors go to `/login?next=…`; signed-in visitors of
/// `/login` go home. The resolved principal rides along in request extensions so rendering does
/// not look the session up again.
pub async fn page_guard(State(db): State<Db>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // leptos_axum registers server functions on the same router; they authenticate themselves
    // and answer with an error body, never a redirect.
    if path.starts_with("/api/") {
        return next.run(request).await;
    }
    let principal = match session_token(request.headers()) {
        Some(token) => match principal_for_token(&db, &token).await {
            Ok(principal) => principal,
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
        },
        None => None,
    };
    match (path == "/login", principal) {
        (true, Some(_)) => Redirect::to("/").into_response(),
        (true, None) => next.run(request).await,
        (false, Some(principal)) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        (false, None) => {
            // Offered as `next` only when the sign-in would accept it (`LocalPath`), so the login
            // page never carries a target it will refuse.
            let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            let location = match LocalPath::parse(target) {
                Ok(next) if next != LocalPath::root() => {
                    format!("/login?next={}", atrium_app::paging::encode(next.as_str()))
                }
                _ => "/login".to_owned(),
            };
            Redirect::to(&location).into_response()
        }
    }
}

/// Refuses state-changing requests from other sites (CSRF): the Origin, or failing that
/// Sec-Fetch-Site, must say the request came from this site.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_site(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        cross_site_refusal()
    }
}

/// Whether a request says it comes from this site: an `Origin` whose host is `Host`, or without
/// `Origin`, a `Sec-Fetch-Site` other than `cross-site`. Also guards websocket upgrades, which are
/// GETs that browsers send cross-site with cookies (and always with `Origin`).
pub fn is_same_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some("null") => false,
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
            Some(origin_host) == host
        }
        None => headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|site| site != "cross-site"),
    }
}

/// The 403 answer to a cross-site request.
pub fn cross_site_refusal() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(
            serde_json::json!({"error": {"code": "cross_site_request", "message": "Cross-site requests are not allowed."}}),
        ),
    )
        .into_response()
}

/// Removes an `x-request-id` the client sent that is not a plausible id (too long, odd
/// characters), so the request-id layer replaces it with a fresh one.
pub async fn sanitize_request_id(mut request: Request, next: Next) -> Response {
    let header = atrium_app::auth::context::REQUEST_ID_HEADER;
    let valid = request
        .headers()
        .get(header)
        .map(|v| v.to_str().is_ok_and(atrium_app::auth::context::valid_request_id));
    if valid == Some(false) {
        request.headers_mut().remove(header);
    }
    next.run(request).await
}

/// Records the peer address for audit rows.
pub async fn client_ip(mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = request.extensions().get::<ConnectInfo<SocketAddr>>().cloned() {
        request.extensions_mut().insert(ClientIp(addr.ip().to_string()));
    }
    next.run(request).await
}

/// Headers every response carries.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        // Scripts are the app's own (including Leptos' inline hydration bootstrap); framing,
        // plugins and foreign base URLs are never needed.
        (
            header::CONTENT_SECURITY_POLICY,
            "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
        ),
    ];
    for (name, value) in set {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}
