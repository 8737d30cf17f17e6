//! The axum router: probes, server functions, server-rendered pages and static files.

use crate::config::Config;
use crate::edge::HttpSettings;
use crate::edge::headers::CspNonce;
use crate::live::Live;
use crate::{api, assets, edge, health, live, middleware, sso};
use atrium_app::auth::context::{PermissionCache, ReadMemo};
use atrium_app::db::Db;
use atrium_app::ip_blocks::service::BlockList;
use atrium_app::limits::RateLimits;
use atrium_app::{App, shell};
use axum::Router;
use axum::extract::{FromRef, Request};
use axum::handler::Handler;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::LatencyUnit;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

const REQUEST_ID: &str = atrium_app::auth::context::REQUEST_ID_HEADER;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Size and time-window limits of `POST /api/v1/metrics`.
    pub ingest: atrium_app::analytics::ingest::IngestLimits,
    /// Group commit of ingested batches, per tenant.
    pub lanes: std::sync::Arc<atrium_app::analytics::lanes::IngestLanes>,
    /// Live updates: the hub `/ws` connections read from (fed by this replica's listener).
    pub live: Live,
    /// How often each periodic job runs (reported by `GET /api/v1/system/jobs`).
    pub jobs: crate::jobs::JobIntervals,
    /// The notification sender ("send test" attempts through it; the delivery worker too).
    pub outbox: atrium_app::notifications::outbox::Outbox,
    /// Body and time limits and proxy trust of the HTTP edge.
    pub http: HttpSettings,
    /// This replica's rate limiters (edge, API keys, exports; server functions via context).
    pub limits: RateLimits,
    /// The IP blocks in force, as this replica last read them.
    pub blocks: BlockList,
    /// How tenants' portals are reached (host, trusted header; paths always).
    pub site: std::sync::Arc<edge::site::SiteSettings>,
    /// Single sign-on: the secrets key, the OpenID relying party and the public address.
    pub sso: atrium_app::sso::service::Sso,
}

/// Leptos' view of the site: where the built `pkg/` lives and what the wasm is called.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("atrium")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// Leptos renders with the nonce the edge put in this response's Content-Security-Policy
/// (leptos_axum generates one of its own first, which no header would name).
fn provide_response_nonce() {
    let nonce =
        use_context::<axum::http::request::Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(nonce);
    }
}

/// The request's language, resolved once (account, cookie, `Accept-Language`) for every message
/// the page or server function looks up (`i18n::language`).
fn provide_request_language() {
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        provide_context(atrium_app::auth::language::request_language(&parts));
    }
}

/// The app's route list, generated once per process. Generating runs the whole app with a
/// process-global flag set (leptos_server's `SuppressResourceLoad`), and a resource whose future is
/// first polled meanwhile, in any request on any thread, waits forever (leptos#4773). The test
/// binary built a router per test while other tests rendered pages: now and then a page never
/// finished.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    // Messages are looked up in the language the request context carries.
    atrium_app::i18n::set_language_source(use_context::<atrium_app::preferences::Language>);
    let routes = route_list();
    let site = assets::site_assets(&state.leptos_options);
    let page_context = {
        let db = state.db.clone();
        let outbox = state.outbox.clone();
        let limits = state.limits.clone();
        let blocks = state.blocks.clone();
        let sso = state.sso.clone();
        let site = site.clone();
        // Each server function's declared access, checked by `require`.
        let declared = atrium_app::shell::registry::declared_access();
        move || {
            provide_response_nonce();
            provide_request_language();
            provide_context(declared.clone());
            provide_context(site.clone());
            provide_context(db.clone());
            provide_context(outbox.clone());
            provide_context(sso.clone());
            // Per-user limits of expensive server functions; the blocks an
            // administrator's change refreshes at once.
            provide_context(limits.clone());
            provide_context(blocks.clone());
            // A fresh memo per request: effective permissions are computed at most once.
            provide_context(PermissionCache::default());
            // And of page reads: a page built twice in one render reads once.
            provide_context(ReadMemo::default());
        }
    };
    let render = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    // A portal by path is the same app under `/t/{slug}` (its router takes the prefix as its
    // base): every page of the route list, rendered as leptos_axum renders listed routes.
    let portal_page = {
        let state = state.clone();
        let context = page_context.clone();
        leptos_axum::render_app_async_with_context(
            move || {
                provide_context(state.clone());
                provide_context(leptos_router::Method::Get);
                context();
            },
            render.clone(),
        )
    };
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, page_context, render)
        .route("/t/{slug}", get(portal_page.clone()))
        .route("/t/{slug}/{*rest}", get(portal_page))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            middleware::page_guard,
        ));
    let rest = api::routes()
        .into_iter()
        .fold(Router::new(), |router, (path, route)| router.route(path, route));
    // The live demo's webhook receiver, only while the demo's channel may reach it.
    let rest = match state.outbox.settings().policy.demo_receiver {
        Some(_) => rest.route(
            atrium_app::notifications::outbound::DEMO_RECEIVER_PATH,
            axum::routing::post(crate::demo::receiver::receive),
        ),
        None => rest,
    };
    Router::new()
        .merge(rest)
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/ws", get(live::ws::connect))
        .route("/sso/start", get(sso::start_any))
        .route("/sso/{slug}/start", get(sso::start))
        .route("/sso/{slug}/callback", get(sso::callback))
        .merge(pages)
        .nest_service("/pkg", assets::pkg_files(&state.leptos_options))
        // Files of the site root (precompressed when there is a copy), else the app's own
        // answer for an unknown path (its 404 page).
        .fallback_service(assets::site_files(
            &state.leptos_options,
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                move || {
                    provide_response_nonce();
                    provide_request_language();
                    provide_context(site.clone());
                },
                shell,
            )
            .with_state(state.clone()),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.site.clone(),
            edge::site::portal_site,
        ))
        .layer(axum::middleware::from_fn(assets::cache_headers))
        .layer(axum::middleware::from_fn(edge::origin::same_origin))
        // The HTTP edge (issue 10), outermost first: the request's scheme (trusted proxy),
        // the security headers and CSP nonce (so every answer below carries them, refusals
        // included), the client's address (trusted proxy hops), IP blocks and per-address rate
        // limits (before a body is read), then the body limit and the request timeout around
        // everything inside.
        .layer(axum::middleware::from_fn_with_state(state.http, edge::limits::bound))
        .layer(axum::middleware::from_fn_with_state(
            edge::rate::EdgeLimits {
                db: state.db.clone(),
                limits: state.limits.clone(),
                blocks: state.blocks.clone(),
            },
            edge::rate::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.http,
            edge::client::client_ip,
        ))
        .layer(axum::middleware::from_fn(edge::headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.http,
            edge::origin::request_scheme,
        ))
        // End of the HTTP edge.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        // Outermost first (the last layer added runs first): drop a malformed client id, then set
        // a fresh UUID where none is left, then echo it on the response. Audit rows, logs and the
        // client all see the same id.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(middleware::sanitize_request_id))
        .with_state(state)
}
