//! Request middleware: the signed-out redirect for pages, client address capture and request id
//! hygiene. The client's address, the origin check, security headers and limits are the edge's
//! (`crate::edge`).

use atrium_app::auth::context::session_token;
use atrium_app::auth::service::principal_for_token;
use atrium_app::auth::types::LocalPath;
use atrium_app::db::Db;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

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
