//! Single sign-on's addresses (issue 14): `/sso/start?workspace=` (the console, which does not
//! know the workspace yet), `/sso/{slug}/start` (leaves for the workspace's OpenID provider) and
//! `/sso/{slug}/callback` (where the provider sends the browser back). Each answers with a
//! redirect: to the provider, into the workspace, or to its sign-in page saying why not.

use crate::routes::AppState;
use atrium_app::auth::context::{cookie_value, request_meta, served_over_https};
use atrium_app::auth::types::LocalPath;
use atrium_app::sso::service::{self, Returned, Sso};
use atrium_app::sso::types::SsoRefusal;
use atrium_app::tenants::types::TenantSlug;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The cookie binding a sign-in to the browser that started it (its `state`), over plain http
/// and over https (see the session cookie).
const STATE_COOKIE: &str = "atrium_sso";
const SECURE_STATE_COOKIE: &str = "__Host-atrium_sso";

fn state_cookie_name(parts: &Parts) -> &'static str {
    if served_over_https(&parts.headers) {
        SECURE_STATE_COOKIE
    } else {
        STATE_COOKIE
    }
}

/// The state cookie: sent back on the provider's top-level redirect (SameSite=Lax allows a GET
/// navigation from another site), for ten minutes; `max_age` 0 drops it.
fn state_cookie(parts: &Parts, value: &str, max_age: i64) -> String {
    let secure = if served_over_https(&parts.headers) {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        state_cookie_name(parts)
    )
}

/// A 303 to `location` (a URL or path we built from parsed parts), with cookies.
fn see_other(location: &str, cookies: &[String]) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The sign-in page that says why: the workspace's own (its branding, its provider's button
/// again), or the console's when there is no such workspace.
fn refused(slug: Option<&TenantSlug>, refusal: SsoRefusal, cookies: &[String]) -> Response {
    let page = match (slug, refusal) {
        (Some(slug), r) if r != SsoRefusal::NotConfigured => format!("/t/{}/login", slug.as_str()),
        _ => "/login".to_owned(),
    };
    see_other(&format!("{page}?sso_error={}", refusal.as_str()), cookies)
}

/// A local path in a query, percent-encoded.
fn encode(path: &LocalPath) -> String {
    percent_encoding::utf8_percent_encode(path.as_str(), percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The database failed under a sign-in (nothing the browser sent is at fault): try again.
fn unavailable(step: &str, error: &atrium_app::error::AppError) -> Response {
    tracing::error!(?error, step, "single sign-on failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        "Single sign-on is unavailable for a moment. Please try again.",
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct AnyStart {
    workspace: Option<String>,
    next: Option<String>,
}

/// `GET /sso/start?workspace=acme`: the console's entry, on to that workspace's own sign-in page,
/// which offers its provider. Not straight to the provider: the console's form submits here, and
/// the page's `form-action 'self'` policy stops a form's redirects at another origin.
pub async fn start_any(State(state): State<AppState>, Query(query): Query<AnyStart>) -> Response {
    let next = LocalPath::or_root(query.next.as_deref());
    let typed = query.workspace.unwrap_or_default().trim().to_lowercase();
    let Ok(slug) = TenantSlug::parse(&typed) else {
        return refused(None, SsoRefusal::NotConfigured, &[]);
    };
    match service::offered(&state.db, &slug).await {
        Ok(true) => see_other(&format!("/t/{}/login?next={}", slug.as_str(), encode(&next)), &[]),
        Ok(false) => refused(None, SsoRefusal::NotConfigured, &[]),
        Err(error) => unavailable("find the workspace", &error),
    }
}

#[derive(Debug, Deserialize)]
pub struct Start {
    next: Option<String>,
    /// Set on the hop to the public address, so a proxy that rewrites the host cannot loop it.
    hop: Option<String>,
}

/// The request's own origin as the browser addressed it (`http://host:port`).
fn request_origin(parts: &Parts) -> Option<String> {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))?;
    let scheme = if served_over_https(&parts.headers) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// `GET /sso/{slug}/start`: sends the browser to the workspace's provider.
pub async fn start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<Start>,
    parts: Parts,
) -> Response {
    let Ok(slug) = TenantSlug::parse(&slug) else {
        return refused(None, SsoRefusal::NotConfigured, &[]);
    };
    let next = LocalPath::or_root(query.next.as_deref());
    // The provider returns to the public address: the state cookie must be set there, so a
    // sign-in begun on another host (a workspace's own, `localhost` for 127.0.0.1) moves first.
    let sso: &Sso = &state.sso;
    if query.hop.is_none() && request_origin(&parts).as_deref() != Some(sso.public_url()) {
        let target = format!(
            "{}/sso/{}/start?hop=1&next={}",
            sso.public_url(),
            slug.as_str(),
            encode(&next)
        );
        return see_other(&target, &[]);
    }
    match service::begin(sso, &state.db, &slug, &next).await {
        Ok(Ok(begun)) => {
            let cookie = state_cookie(&parts, &begun.state, service::REQUEST_TTL_MINUTES * 60);
            see_other(begun.url.as_str(), &[cookie])
        }
        Ok(Err(refusal)) => refused(Some(&slug), refusal, &[]),
        Err(error) => unavailable("start", &error),
    }
}

#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /sso/{slug}/callback`: the provider's answer; a session, or the sign-in page saying why.
pub async fn callback(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<Callback>,
    parts: Parts,
) -> Response {
    // Whatever happens, the sign-in's cookie is spent.
    let spent = state_cookie(&parts, "", 0);
    let Ok(slug) = TenantSlug::parse(&slug) else {
        return refused(None, SsoRefusal::NotConfigured, &[spent]);
    };
    let returned = Returned {
        state: query.state,
        cookie_state: cookie_value(&parts.headers, state_cookie_name(&parts)),
        code: query.code,
        error: query.error,
    };
    let meta = request_meta(&parts);
    match service::finish(&state.sso, &state.db, &slug, returned, &meta).await {
        Ok(Ok(signed_in)) => {
            let session = atrium_app::auth::api::session_set_cookie(&parts, &signed_in.token);
            let site = parts.extensions.get::<atrium_app::portal::types::PortalSite>();
            let landing = atrium_app::portal::site::member_landing(&signed_in.slug, site, signed_in.next);
            see_other(landing.as_str(), &[spent, session])
        }
        Ok(Err(refusal)) => refused(Some(&slug), refusal, &[spent]),
        Err(error) => unavailable("finish", &error),
    }
}
