//! Rate limits and IP blocks at the edge, right after the client's address is known: a blocked
//! address is refused (403 `ip_blocked`) before anything else runs; every other request from an
//! address counts against its per-address limit, and sign-in attempts against a stricter one.
//! Every 429 an address earns, here or further in (API keys, tenants, exports, server
//! functions), counts towards blocking it: `ATRIUM_IP_BLOCK_AFTER` refusals within
//! `ATRIUM_IP_BLOCK_WINDOW_SECS` block it for `ATRIUM_IP_BLOCK_MINUTES`, in PostgreSQL, so every
//! replica refuses it at its next refresh.
//!
//! Exempt: the probes `/health` and `/ready` (orchestrators call them from fixed addresses and
//! must always get an answer), and requests to the API-key routes that carry `Authorization`,
//! which are limited per key and per tenant once the key is known (`crate::api::metrics`) — a
//! collector sends far more than an address's share. Those that fail to authenticate (401: an
//! unknown key, a bad signature) do spend the address's budget: past it they answer 429 and count
//! towards a block, so guessing keys from one address stops there.

use crate::api::ApiError;
use atrium_app::auth::context::ClientIp;
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::ip_blocks::service::{BlockList, block_automatically};
use atrium_app::limits::RateLimits;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::ServerFn;
use std::net::IpAddr;

/// What the edge's limit layer needs.
#[derive(Clone)]
pub struct EdgeLimits {
    pub db: Db,
    pub limits: RateLimits,
    pub blocks: BlockList,
}

fn is_probe(path: &str) -> bool {
    path == "/health" || path == "/ready"
}

/// The API-key routes (`/api/v1/metrics…`): limited per key and tenant when a key is presented.
fn is_key_route(path: &str) -> bool {
    path == "/api/v1/metrics" || path.starts_with("/api/v1/metrics/")
}

/// Server functions answer errors as their `AppError`, which the client decodes.
fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

/// Refuses blocked addresses, applies the per-address limits, and counts refusals.
pub async fn guard(State(edge): State<EdgeLimits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let ip = request.extensions().get::<ClientIp>().map(|ip| ip.0);
    let Some(ip) = ip.filter(|_| !is_probe(path)) else {
        return next.run(request).await;
    };
    if edge.blocks.blocks(ip, chrono::Utc::now()) {
        tracing::info!(%ip, path, "blocked address refused");
        return blocked();
    }
    let keyed = is_key_route(path) && request.headers().contains_key(header::AUTHORIZATION);
    let server_fn = is_server_fn(path);
    // The password step and the code step share the sign-in budget: guessing codes is signing in.
    let sign_in =
        path == atrium_app::auth::api::Login::PATH || path == atrium_app::auth::two_factor::api::VerifyTwoFactor::PATH;
    let checked = if keyed { Ok(()) } else { edge.limits.check_ip(ip) }
        .and_then(|()| if sign_in { edge.limits.check_sign_in(ip) } else { Ok(()) });
    let response = match checked {
        Ok(()) => {
            let response = next.run(request).await;
            match response.status() {
                StatusCode::UNAUTHORIZED if keyed => match edge.limits.check_ip(ip) {
                    Ok(()) => response,
                    Err(error) => {
                        tracing::info!(%ip, "failed key authentications exhausted the address's limit");
                        refusal(error, false)
                    }
                },
                _ => response,
            }
        }
        Err(error) => {
            tracing::info!(%ip, server_fn, sign_in, "rate limit refused a request");
            refusal(error, server_fn)
        }
    };
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        count_refusal(&edge, ip).await;
    }
    response
}

/// One more refusal of `ip`; past the threshold, the block (awaited, so the next request from
/// it already meets it on this replica).
async fn count_refusal(edge: &EdgeLimits, ip: IpAddr) {
    if !edge.limits.record_refusal(ip) {
        return;
    }
    let settings = edge.limits.settings();
    if let Err(error) = block_automatically(&edge.db, &edge.blocks, ip, settings.block_after, settings.block_for).await
    {
        tracing::error!(%error, %ip, "could not block an abusive address");
    }
}

/// The 429: a server function's `AppError` (what its client decodes), else the REST error body;
/// `Retry-After` either way.
fn refusal(error: AppError, server_fn: bool) -> Response {
    if !server_fn {
        return ApiError(error).into_response();
    }
    let retry_after = match error {
        AppError::RateLimited { retry_after } => retry_after,
        _ => 1,
    };
    let body = serde_json::to_vec(&error).unwrap_or_default();
    let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::RETRY_AFTER, retry_after.into());
    response
}

/// The 403 a blocked address gets, whatever it asked for.
fn blocked() -> Response {
    crate::api::json_error(
        StatusCode::FORBIDDEN,
        "ip_blocked",
        atrium_app::i18n::t("error-ip-blocked"),
        serde_json::Value::Null,
    )
}

/// Every `refresh`: reload the blocks in force (other replicas' too, and lifts) and forget idle
/// limiter state, so memory follows the active clients, not every address ever seen.
pub async fn upkeep(edge: EdgeLimits, mut stopped: tokio::sync::watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(edge.limits.settings().block_refresh);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.changed() => return,
        }
        if let Err(error) = edge.blocks.refresh(&edge.db).await {
            tracing::warn!(%error, "could not refresh the IP blocks; the previous list stays");
        }
        edge.limits.forget_idle();
    }
}
