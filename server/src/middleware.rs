//! Request middleware: the signed-out redirect for pages, client address capture and request id
//! hygiene. The client's address, the origin check, security headers and limits are the edge's
//! (`crate::edge`).

use atrium_app::auth::context::session_token;
use atrium_app::auth::service::principal_for_token;
use atrium_app::auth::types::LocalPath;
use atrium_app::db::Db;
use atrium_app::error::{AppError, UNAVAILABLE_RETRY_SECS};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

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
            Err(error) => return unavailable_page(&error),
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

/// The page a signed-in visitor gets when their session cannot be looked up: a 503 that says
/// why and reloads itself after `Retry-After`, so the page comes back with the database.
fn unavailable_page(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let retry = error.retry_after().unwrap_or(UNAVAILABLE_RETRY_SECS);
    let message = html_escape::encode_text(&error.to_string()).into_owned();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"{retry}\"><title>Atrium</title></head>\
         <body><main><h1>{message}</h1><p>This page reloads by itself.</p></main></body></html>"
    );
    (
        status,
        [
            (header::RETRY_AFTER, retry.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Html(body),
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
