//! Server functions for signing in and out and for reading who is signed in.

use super::types::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// The session cookie: `__Host-` prefixed and Secure over https (browsers then refuse any
/// Domain and require `Path=/`), plain over http.
#[cfg(feature = "ssr")]
fn session_cookie(parts: &http::request::Parts, value: &str, max_age: i64) -> String {
    let https = super::context::served_over_https(&parts.headers);
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        super::session_cookie_name(https)
    )
}

/// Gives the browser a new session's cookie (signing in, joining through an invitation).
#[cfg(feature = "ssr")]
pub(crate) fn set_session_cookie(parts: &http::request::Parts, token: &str) {
    set_cookie(session_cookie(parts, token, super::service::SESSION_TTL_HOURS * 3600));
}

/// A new session's `Set-Cookie` value, for handlers outside Leptos (single sign-on's return).
#[cfg(feature = "ssr")]
pub fn session_set_cookie(parts: &http::request::Parts, token: &str) -> String {
    session_cookie(parts, token, super::service::SESSION_TTL_HOURS * 3600)
}

/// The challenge cookie's name over plain http and over https (see `SESSION_COOKIE`): it holds
/// the step between a right password and a session (`two_factor`).
pub const CHALLENGE_COOKIE: &str = "atrium_challenge";
pub const SECURE_CHALLENGE_COOKIE: &str = "__Host-atrium_challenge";

#[cfg(feature = "ssr")]
fn challenge_cookie_name(headers: &http::HeaderMap) -> &'static str {
    if super::context::served_over_https(headers) {
        SECURE_CHALLENGE_COOKIE
    } else {
        CHALLENGE_COOKIE
    }
}

/// The challenge cookie: like the session's, scoped to the whole site; `max_age` 0 drops it.
#[cfg(feature = "ssr")]
pub(crate) fn set_challenge_cookie(parts: &http::request::Parts, token: &str, max_age: i64) {
    let https = super::context::served_over_https(&parts.headers);
    let secure = if https { "; Secure" } else { "" };
    set_cookie(format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        challenge_cookie_name(&parts.headers)
    ));
}

/// The challenge token from the request's cookie, if any.
#[cfg(feature = "ssr")]
pub(crate) fn challenge_token(parts: &http::request::Parts) -> Option<String> {
    super::context::cookie_value(&parts.headers, challenge_cookie_name(&parts.headers))
}

/// The cookie that keeps a platform administrator's own session while they are signed in as a
/// member (support access), to return to it.
pub const RETURN_COOKIE: &str = "atrium_support_return";
pub const SECURE_RETURN_COOKIE: &str = "__Host-atrium_support_return";

#[cfg(feature = "ssr")]
fn return_cookie_name(headers: &http::HeaderMap) -> &'static str {
    if super::context::served_over_https(headers) {
        SECURE_RETURN_COOKIE
    } else {
        RETURN_COOKIE
    }
}

/// Keeps (or with `max_age` 0 drops) the administrator's own session token during support access.
#[cfg(feature = "ssr")]
pub(crate) fn set_return_cookie(parts: &http::request::Parts, token: &str, max_age: i64) {
    let https = super::context::served_over_https(&parts.headers);
    let secure = if https { "; Secure" } else { "" };
    set_cookie(format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        return_cookie_name(&parts.headers)
    ));
}

/// The administrator's own session token kept during support access, if any.
#[cfg(feature = "ssr")]
pub(crate) fn return_token(parts: &http::request::Parts) -> Option<String> {
    super::context::cookie_value(&parts.headers, return_cookie_name(&parts.headers))
}

/// Tells the browser to drop its session cookie (signing out).
#[cfg(feature = "ssr")]
pub(crate) fn clear_session_cookie() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        set_cookie(session_cookie(&parts, "", 0));
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(cookie: String) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Signs in and redirects to `next`. Works as a plain form post before hydration.
#[server]
pub async fn login(
    email: String,
    password: String,
    workspace: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::context::{db, request_meta, session_token};
    use super::service::{self, LoginRequest};
    use super::types::LocalPath;
    let db = db()?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let meta = request_meta(&parts);
    // Rotation: whatever session came with this request ends; a new id is issued below.
    if let Some(old) = session_token(&parts.headers) {
        service::logout(&db, &old, &meta).await?;
    }
    // On a workspace's own host (or behind a proxy naming it) only its members sign in.
    let site = parts.extensions.get::<crate::portal::types::PortalSite>().cloned();
    let workspace = match &site {
        Some(site) if site.route != crate::portal::types::SiteRoute::Path => Some(site.slug.as_str().to_owned()),
        _ => workspace,
    };
    let request = LoginRequest {
        email,
        password,
        workspace,
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
        request_id: meta.request_id.clone(),
    };
    // Parsed before signing in, so nothing after a successful sign-in can fail on it: a
    // `LocalPath` is always a valid header value (leptos_axum::redirect panics on others).
    let next = LocalPath::or_root(next.as_deref());
    let token = match service::login(&db, request).await? {
        service::SignIn::Session(token) => token,
        service::SignIn::Challenge(challenge, purpose) => {
            // The password was right; the second factor is asked for (or set up) on its own page,
            // which carries `next` on.
            use super::db::Purpose;
            let ttl = service::CHALLENGE_TTL_MINUTES * 60;
            set_challenge_cookie(&parts, &challenge, ttl);
            let page = match purpose {
                Purpose::Verify => "/login/verify",
                Purpose::Enrol => "/login/enrol",
            };
            let target = if next.as_str() == "/" {
                page.to_owned()
            } else {
                let encoded = percent_encoding::utf8_percent_encode(next.as_str(), percent_encoding::NON_ALPHANUMERIC);
                format!("{page}?next={encoded}")
            };
            leptos_axum::redirect(&target);
            return Ok(());
        }
    };
    set_session_cookie(&parts, &token);
    // Members land in their workspace's portal, administrators on the console.
    let next = match service::principal_for_token(&db, &token).await? {
        Some(principal) => crate::portal::site::landing(&principal, site.as_ref(), next),
        None => next,
    };
    leptos_axum::redirect(next.as_str());
    Ok(())
}

/// Ends this session and returns to the sign-in page.
#[server]
pub async fn logout() -> Result<(), AppError> {
    use super::context::{db, request_meta, session_token};
    let db = db()?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    if let Some(token) = session_token(&parts.headers) {
        super::service::logout(&db, &token, &request_meta(&parts)).await?;
    }
    set_cookie(session_cookie(&parts, "", 0));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in (for the shell and for hiding what the user cannot do).
#[server]
pub async fn get_current_user() -> Result<CurrentUser, AppError> {
    let context = super::context::authenticated().await?;
    let mut me = context.principal.to_current_user(&context.permissions);
    if let Some(workspace) = me.workspace.as_mut() {
        workspace.erase_delay_hours = crate::tenants::erasure::delay_hours();
    }
    Ok(me)
}
