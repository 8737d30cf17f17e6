//! Request middleware: the signed-out redirect for pages, client address capture and request id
//! hygiene. The client's address, the origin check, security headers and limits are the edge's
//! (`crate::edge`).

use atrium_app::auth::context::{cookie_value, session_token};
use atrium_app::auth::language::language_set_cookie;
use atrium_app::auth::preferences::theme_set_cookie;
use atrium_app::auth::service::session_for_token;
use atrium_app::auth::types::{LocalPath, Principal};
use atrium_app::db::Db;
use atrium_app::error::{AppError, UNAVAILABLE_RETRY_SECS};
use atrium_app::portal::types::{PortalSite, SiteRoute};
use atrium_app::preferences::{LANGUAGE_COOKIE, Language, THEME_COOKIE, Theme};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Pages need a live session: signed-out visitors go to the sign-in page of the site they are
/// on (`/login?next=…`, or the portal's own); signed-in visitors of a sign-in page go to their
/// home. Tenant members live in their workspace's portal: on the console's host every page sends
/// them to the same page under `/t/{slug}`, and a portal is shown only to its own members. The
/// resolved principal rides along in request extensions so rendering does not look the session
/// up again.
pub async fn page_guard(State(db): State<Db>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // leptos_axum registers server functions on the same router; they authenticate themselves
    // and answer with an error body, never a redirect.
    if path.starts_with("/api/") {
        return next.run(request).await;
    }
    let session = match session_token(request.headers()) {
        Some(token) => match session_for_token(&db, &token).await {
            Ok(session) => session,
            Err(error) => return unavailable_page(&error),
        },
        None => None,
    };
    // The account's theme and language render the page; the cookies keep them for the sign-in
    // page (and, for the language, for server functions' messages).
    let mut cookies = Vec::new();
    if let Some(session) = &session {
        cookies.extend(theme_cookie_update(request.headers(), session.theme));
        request.extensions_mut().insert(session.theme);
        if let Some(language) = session.language {
            cookies.extend(language_cookie_update(request.headers(), language));
            request.extensions_mut().insert(language);
        }
    }
    let mut response = guarded(request, next, session.map(|session| session.principal)).await;
    for cookie in cookies {
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The `Set-Cookie` that brings the language cookie in line with the account's, when it differs.
fn language_cookie_update(headers: &header::HeaderMap, language: Language) -> Option<String> {
    let current = cookie_value(headers, LANGUAGE_COOKIE).and_then(|value| Language::parse(&value));
    (current != Some(language)).then(|| language_set_cookie(language))
}

/// The `Set-Cookie` that brings the theme cookie in line with the account's, when it differs.
fn theme_cookie_update(headers: &header::HeaderMap, theme: Theme) -> Option<String> {
    let current = cookie_value(headers, THEME_COOKIE).and_then(|value| Theme::parse(&value));
    (current.unwrap_or_default() != theme).then(|| theme_set_cookie(theme))
}

/// `page_guard`'s answer once the session is known: the page, or where to go instead.
async fn guarded(mut request: Request, next: Next, principal: Option<Principal>) -> Response {
    let path = request.uri().path().to_owned();
    let site = request.extensions().get::<PortalSite>().cloned();
    // The path the app routes: without the `/t/{slug}` of a portal reached by path.
    let app_path = match &site {
        Some(site) if site.route == SiteRoute::Path => PortalSite::split_path(&path).map_or("/", |(_, rest)| rest),
        _ => path.as_str(),
    };
    // The sign-in page and its second-factor steps (whose challenge cookie is no session).
    let at_login = matches!(app_path, "/login" | "/login/verify" | "/login/enrol");
    // An invitation link is its own credential: shown to whoever holds it, signed in or not.
    if app_path.starts_with("/invite/") {
        if let Some(principal) = principal {
            request.extensions_mut().insert(principal);
        }
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/")
        .to_owned();
    match (principal, site) {
        (Some(principal), site) => {
            let home = home_of(&principal);
            let own_site = match (&principal, &site) {
                (Principal::Tenant { tenant_slug, .. }, Some(site)) => *tenant_slug == site.slug,
                (Principal::Platform { .. }, None) => true,
                (Principal::Tenant { .. }, None) | (Principal::Platform { .. }, Some(_)) => false,
            };
            match (own_site, &site) {
                (true, site) if at_login => {
                    Redirect::to(&site.as_ref().map_or(home, |site| site.href("/"))).into_response()
                }
                (true, _) => {
                    request.extensions_mut().insert(principal);
                    next.run(request).await
                }
                // A member on the console's host: the same page in their portal.
                (false, None) => {
                    let page = if at_login { "/" } else { target.as_str() };
                    let location = if page == "/" { home } else { format!("{home}{page}") };
                    Redirect::to(LocalPath::or_root(Some(&location)).as_str()).into_response()
                }
                // Another workspace's portal by path: back to one's own home.
                (false, Some(site)) if site.route == SiteRoute::Path => Redirect::to(&home).into_response(),
                // Another workspace's host: this host's session belongs elsewhere.
                (false, Some(_)) => not_a_member_page(),
            }
        }
        (None, _) if at_login => next.run(request).await,
        (None, site) => {
            // Offered as `next` only when the sign-in would accept it (`LocalPath`), so the login
            // page never carries a target it will refuse.
            let login = site
                .as_ref()
                .map_or_else(|| "/login".to_owned(), |site| site.href("/login"));
            let location = match LocalPath::parse(&target) {
                Ok(next)
                    if next != LocalPath::root()
                        && next.as_str() != site.as_ref().map(PortalSite::base).unwrap_or_default() =>
                {
                    format!("{login}?next={}", atrium_app::paging::encode(next.as_str()))
                }
                _ => login,
            };
            Redirect::to(&location).into_response()
        }
    }
}

/// Where a signed-in principal's pages are: the console for platform administrators, their
/// workspace's portal (by path) for members.
fn home_of(principal: &Principal) -> String {
    match principal {
        Principal::Platform { .. } => "/".to_owned(),
        Principal::Tenant { tenant_slug, .. } => PortalSite::new(tenant_slug.clone(), SiteRoute::Path).base(),
    }
}

/// A session of another workspace on this workspace's own host (the cookie is the host's).
fn not_a_member_page() -> Response {
    let message = html_escape::encode_text(&atrium_app::i18n::t("portal-not-member")).into_owned();
    let sign_out = html_escape::encode_double_quoted_attribute(
        <atrium_app::auth::api::Logout as leptos::server_fn::ServerFn>::PATH,
    )
    .into_owned();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Atrium</title></head>\
         <body><main><h1>{message}</h1><form method=\"post\" action=\"{sign_out}\">\
         <button type=\"submit\">Sign out</button></form></main></body></html>"
    );
    (StatusCode::FORBIDDEN, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
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
