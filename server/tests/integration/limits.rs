//! Rate limits and IP blocks over HTTP on the seeded demo: per client address on sign-in and on
//! unauthenticated pages, per API key and per tenant from the plan, per user on exports; repeated
//! refusals block the address, which the edge refuses until a platform administrator lifts the
//! block (audited; tenant admins are refused); `X-Forwarded-For` counts only behind a trusted
//! proxy.

use crate::common;

use atrium_app::api_keys::api::CreateApiKey;
use atrium_app::auth::api::Login;
use atrium_app::db::{PlatformGuard, PlatformTx};
use atrium_app::error::AppError;
use atrium_app::ip_blocks::api::{CreateIpBlock, GetIpBlocksPage, LiftIpBlock};
use atrium_app::limits::LimitSettings;
use atrium_app::notifications::api::SendChannelTest;
use atrium_server::edge::HttpSettings;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, generous_limits, spawn_app, spawn_app_limited};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

fn ip(text: &str) -> IpAddr {
    text.parse().expect("ip")
}

/// A request as the edge receives it from `peer` (the server records every connection's peer).
async fn send_from(app: &TestApp, peer: IpAddr, mut request: Request<Body>) -> Reply {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(peer, 40_000)));
    app.send(request).await
}

async fn get_from(app: &TestApp, peer: IpAddr, path: &str, forwarded_for: Option<&str>) -> Reply {
    let mut request = Request::get(path);
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    send_from(app, peer, request.body(Body::empty()).expect("request")).await
}

/// A server function call (same-origin form post) from `peer`.
async fn call_from(
    app: &TestApp,
    peer: IpAddr,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
    forwarded_for: Option<&str>,
) -> Reply {
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", atrium_app::paging::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "http://atrium.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    send_from(app, peer, request.body(Body::from(body)).expect("request")).await
}

/// The `Retry-After` seconds of a 429, which must be there and positive.
fn retry_after(reply: &Reply) -> u64 {
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.body);
    let seconds: u64 = reply
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After on {:?}", reply.headers));
    assert!(seconds >= 1, "{seconds}");
    seconds
}

/// The REST refusal: 429, `Retry-After`, `{"error":{"code":"rate_limited","message":…}}`.
fn assert_rest_refusal(reply: &Reply) {
    retry_after(reply);
    let body = reply.json();
    assert_eq!(body["error"]["code"], "rate_limited", "{}", reply.body);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Too many attempts"), "{message}");
}

async fn audit_rows(app: &TestApp, action: &str) -> Vec<(Option<String>, Option<String>)> {
    let mut tx = PlatformTx::begin(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    sqlx::query_as("SELECT ip, entity_id FROM audit_events WHERE action = $1 ORDER BY audit_id")
        .bind(action)
        .fetch_all(&mut *tx)
        .await
        .expect("audit")
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_is_limited_per_client_address(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_limited(
        options,
        LimitSettings {
            sign_in_per_minute: 6,
            sign_in_burst: 3,
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    let attacker = ip("192.0.2.10");
    let form = [("email", "alice@acme.test"), ("password", "wrong-password-1")];
    for attempt in 0..3 {
        let reply = call_from(&app, attacker, Login::PATH, None, &form, None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {}",
            reply.body
        );
    }
    // The fourth attempt is refused before any password is hashed, as the server function's own
    // error (what the sign-in page decodes), with Retry-After.
    let refused = call_from(&app, attacker, Login::PATH, None, &form, None).await;
    let seconds = retry_after(&refused);
    assert_eq!(refused.error(), AppError::RateLimited { retry_after: seconds });
    // Whatever the account: the limit is the address's.
    let other_account = [("email", "gina@globex.test"), ("password", common::PASSWORD)];
    let refused = call_from(&app, attacker, Login::PATH, None, &other_account, None).await;
    retry_after(&refused);
    // Another address signs in normally.
    let reply = call_from(&app, ip("192.0.2.11"), Login::PATH, None, &other_account, None).await;
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    assert!(reply.cookie().is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn unauthenticated_routes_are_limited_per_address_and_probes_are_not(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app_limited(
        options,
        LimitSettings {
            ip_per_minute: 60,
            ip_burst: 2,
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    let client = ip("198.51.100.20");
    for _ in 0..2 {
        assert_eq!(get_from(&app, client, "/login", None).await.status, StatusCode::OK);
    }
    assert_rest_refusal(&get_from(&app, client, "/login", None).await);
    assert_rest_refusal(&get_from(&app, client, "/api/v1/permissions/check", None).await);
    // Probes answer however often they are called.
    for _ in 0..5 {
        assert_eq!(get_from(&app, client, "/health", None).await.status, StatusCode::OK);
    }
    assert_eq!(
        get_from(&app, ip("198.51.100.21"), "/login", None).await.status,
        StatusCode::OK
    );
}

/// Issues a `metrics:read` key as `cookie`'s user.
async fn read_key(app: &TestApp, cookie: &str, name: &str) -> String {
    let reply = app
        .call(
            CreateApiKey::PATH,
            Some(cookie),
            &[("name", name), ("scopes[0]", "metrics:read"), ("expires_in_days", "90")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["key"].as_str().expect("key").to_owned()
}

/// Lists metrics with `key` until a request is refused and returns how many were answered: at
/// least `budget`, and no more than `at_most()`, the budget plus what refilled meanwhile.
async fn answered_until_refused(app: &TestApp, key: &str, budget: u32, at_most: impl Fn() -> u32) -> u32 {
    let mut answered = 0;
    loop {
        let reply = list_metrics(app, key).await;
        if reply.status != StatusCode::OK {
            assert!(
                answered >= budget,
                "refused after {answered} of a budget of {budget}: {}",
                reply.body
            );
            assert_rest_refusal(&reply);
            return answered;
        }
        answered += 1;
        assert!(
            answered <= at_most(),
            "still answered after {answered} requests (budget {budget})"
        );
    }
}

/// Requests a per-minute budget has regained since `since` (one every `60 / per_minute` s, and
/// one more for the one in progress): on a loaded machine sending a budget's worth of requests
/// takes long enough for some to come back.
fn refilled(since: Instant, per_minute: u32) -> u32 {
    let regained = since.elapsed().as_secs_f64() * f64::from(per_minute) / 60.0;
    // Whole requests: the floor of a small positive number.
    regained.floor() as u32 + 1
}

async fn list_metrics(app: &TestApp, key: &str) -> Reply {
    let request = Request::get("/api/v1/metrics")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::empty())
        .expect("request");
    // From an address with a tight per-address limit: key routes are limited per key instead.
    send_from(app, ip("203.0.113.50"), request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn api_keys_are_limited_per_key_and_per_tenant_by_plan(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_limited(
        options.clone(),
        LimitSettings {
            ip_per_minute: 60,
            ip_burst: 1,
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    // Globex is on the free plan.
    let gina = app.sign_in("gina@globex.test").await;
    let first = read_key(&app, &gina, "collector a").await;
    let second = read_key(&app, &gina, "collector b").await;
    let (per_key, per_tenant) = free_plan_rates(&options).await;
    let started = Instant::now();
    let spent = answered_until_refused(&app, &first, per_key, || per_key + refilled(started, per_key)).await;
    // The second key has its own budget, up to what is left of the tenant's (less than the key's
    // own: the tenant's limit is what refuses it).
    let left = per_tenant - spent;
    assert!(
        left < per_key,
        "the free plan's tenant budget ({per_tenant}) exceeds two keys' use"
    );
    answered_until_refused(&app, &second, left, || left + refilled(started, per_tenant)).await;
    // Another tenant (Acme, professional) is unaffected.
    let alice = app.sign_in("alice@acme.test").await;
    let acme = read_key(&app, &alice, "acme collector").await;
    assert_eq!(list_metrics(&app, &acme).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn exports_and_channel_tests_are_limited_per_user(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_limited(
        options,
        LimitSettings {
            expensive_per_hour: 10,
            expensive_burst: 2,
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    let alice = app.sign_in("alice@acme.test").await;
    for _ in 0..2 {
        let reply = app.get("/api/v1/audit/export?format=json", Some(&alice)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let refused = app.get("/api/v1/audit/export?format=json", Some(&alice)).await;
    assert_rest_refusal(&refused);
    // 10 an hour: the next one in six minutes.
    assert!((300..=360).contains(&retry_after(&refused)), "{:?}", refused.headers);
    // Each export has its own budget, and each user.
    let analytics = app
        .get("/api/v1/analytics/export?format=json&metric=cpu", Some(&alice))
        .await;
    assert_ne!(analytics.status, StatusCode::TOO_MANY_REQUESTS, "{}", analytics.body);
    let gina = app.sign_in("gina@globex.test").await;
    let reply = app.get("/api/v1/audit/export?format=json", Some(&gina)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // A server function ("send test" on a channel) answers its own AppError with Retry-After;
    // the limit applies before the channel is even looked up.
    let channel = [("channel_id", "5f0c0b1e-0000-4000-8000-000000000002")];
    for _ in 0..2 {
        let reply = app.call(SendChannelTest::PATH, Some(&alice), &channel).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    }
    let refused = app.call(SendChannelTest::PATH, Some(&alice), &channel).await;
    let seconds = retry_after(&refused);
    assert_eq!(refused.error(), AppError::RateLimited { retry_after: seconds });
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_api_keys_spends_the_address_budget_and_ends_in_a_block(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app_limited(
        options,
        LimitSettings {
            ip_per_minute: 60,
            ip_burst: 3,
            block_after: 2,
            block_window: std::time::Duration::from_secs(60),
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    let guesser = ip("192.0.2.77");
    let guess = |n: usize| {
        Request::get("/api/v1/metrics")
            .header(header::AUTHORIZATION, format!("Bearer atr_guess{n:040}"))
            .body(Body::empty())
            .expect("request")
    };
    // Wrong keys answer 401 while the address has budget left...
    for n in 0..3 {
        let reply = send_from(&app, guesser, guess(n)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    }
    // ...then 429 with the REST error body, and past `block_after` refusals the address is blocked.
    for n in 3..6 {
        assert_rest_refusal(&send_from(&app, guesser, guess(n)).await);
    }
    let blocked = send_from(&app, guesser, guess(6)).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN, "{}", blocked.body);
    assert_eq!(blocked.json()["error"]["code"], "ip_blocked");
    // Another address keeps its own budget.
    let other = send_from(&app, ip("192.0.2.78"), guess(7)).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_abuse_blocks_the_address_until_an_administrator_lifts_it(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = spawn_app_limited(
        options,
        LimitSettings {
            ip_per_minute: 60,
            ip_burst: 1,
            block_after: 3,
            block_window: std::time::Duration::from_secs(60),
            ..generous_limits()
        },
        HttpSettings::default(),
    )
    .await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let abuser = ip("192.0.2.66");
    assert_eq!(get_from(&app, abuser, "/login", None).await.status, StatusCode::OK);
    // Three refusals are tolerated; the fourth blocks the address.
    for _ in 0..4 {
        assert_rest_refusal(&get_from(&app, abuser, "/login", None).await);
    }
    let blocked = get_from(&app, abuser, "/login", None).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN, "{}", blocked.body);
    assert_eq!(blocked.json()["error"]["code"], "ip_blocked");
    assert!(
        blocked.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("blocked"))
    );
    // Server functions too, sign-in included.
    let form = [("email", "alice@acme.test"), ("password", common::PASSWORD)];
    let reply = call_from(&app, abuser, Login::PATH, None, &form, None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let created = audit_rows(&app, "ip_block.create").await;
    assert_eq!(created.len(), 1, "{created:?}");

    // Another replica on the same database refuses it once it refreshes.
    let other = spawn_app(app.owner_options.clone()).await;
    other.blocks.refresh(&other.db).await.expect("refresh");
    let reply = get_from(&other, abuser, "/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "probes are never blocked");
    assert_eq!(
        get_from(&other, abuser, "/login", None).await.status,
        StatusCode::FORBIDDEN
    );

    // The platform administrator sees it: address, automatic, why, until.
    let page = app.call(GetIpBlocksPage::PATH, Some(&admin), &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    assert_eq!(page["can_manage"], true);
    let block = &page["blocks"][0];
    assert_eq!(block["network"], "192.0.2.66/32");
    assert_eq!(block["origin"], "Automatic");
    assert!(
        block["reason"]
            .as_str()
            .is_some_and(|r| r.contains("rate-limit refusals"))
    );
    assert!(block["blocked_until"].is_string());
    let id = block["ip_block_id"].as_str().expect("id").to_owned();
    assert_eq!(created[0].1.as_deref(), Some(id.as_str()));

    // A tenant's admin neither sees nor lifts it.
    let denied = app.call(GetIpBlocksPage::PATH, Some(&alice), &[]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    let denied = app.call(LiftIpBlock::PATH, Some(&alice), &[("ip_block_id", &id)]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    assert_eq!(
        get_from(&app, abuser, "/login", None).await.status,
        StatusCode::FORBIDDEN
    );

    // The administrator lifts it: audited, and this replica lets the address in at once.
    let lifted = app.call(LiftIpBlock::PATH, Some(&admin), &[("ip_block_id", &id)]).await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    let lifts = audit_rows(&app, "ip_block.lift").await;
    assert_eq!(lifts.len(), 1);
    assert_eq!(lifts[0].1.as_deref(), Some(id.as_str()));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get_from(&app, abuser, "/login", None).await.status, StatusCode::OK);
    let again = app.call(LiftIpBlock::PATH, Some(&admin), &[("ip_block_id", &id)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let page = app.call(GetIpBlocksPage::PATH, Some(&admin), &[]).await.json();
    assert_eq!(page["blocks"], serde_json::json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn administrators_block_ranges_by_hand(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let bad = app
        .call(
            CreateIpBlock::PATH,
            Some(&admin),
            &[("network", "10.1.2.3/8"), ("duration", "forever"), ("reason", " ")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let error = bad.error();
    assert!(error.field_error("network").is_some());
    assert!(error.field_error("duration").is_some());
    assert!(error.field_error("reason").is_some());

    let made = app
        .call(
            CreateIpBlock::PATH,
            Some(&admin),
            &[
                ("network", "198.51.100.0/24"),
                ("duration", "24h"),
                ("reason", "<b>scanner</b>"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let forbidden = get_from(&app, ip("198.51.100.77"), "/login", None).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.json()["error"]["code"], "ip_blocked");
    assert_eq!(
        get_from(&app, ip("198.51.101.1"), "/login", None).await.status,
        StatusCode::OK
    );
    let page = app.call(GetIpBlocksPage::PATH, Some(&admin), &[]).await.json();
    assert_eq!(page["blocks"][0]["origin"], "Manual");
    assert_eq!(page["blocks"][0]["created_by_name"], "Platform Admin");
    assert_eq!(audit_rows(&app, "ip_block.create").await.len(), 1);

    // A tenant admin cannot make one.
    let alice = app.sign_in("alice@acme.test").await;
    let denied = app
        .call(
            CreateIpBlock::PATH,
            Some(&alice),
            &[("network", "192.0.2.1"), ("duration", "1h"), ("reason", "x")],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn forwarded_for_counts_only_behind_a_trusted_proxy(_: PgPoolOptions, options: PgConnectOptions) {
    let direct = spawn_app(options.clone()).await;
    let admin = direct.sign_in("admin@atrium.test").await;
    let made = direct
        .call(
            CreateIpBlock::PATH,
            Some(&admin),
            &[
                ("network", "203.0.113.9"),
                ("duration", "1h"),
                ("reason", "abuse report"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    // No trusted proxy: a client naming the blocked address is judged by its own.
    let spoofed = get_from(&direct, ip("192.0.2.1"), "/login", Some("203.0.113.9")).await;
    assert_eq!(spoofed.status, StatusCode::OK);
    // Nor can a blocked client hide behind a header.
    let hiding = get_from(&direct, ip("203.0.113.9"), "/login", Some("192.0.2.1")).await;
    assert_eq!(hiding.status, StatusCode::FORBIDDEN);

    // Behind one trusted proxy the client is the right-most entry.
    let proxied = spawn_app_limited(
        options,
        generous_limits(),
        HttpSettings {
            trusted_proxy_hops: 1,
            ..HttpSettings::default()
        },
    )
    .await;
    proxied.blocks.refresh(&proxied.db).await.expect("refresh");
    let proxy = ip("10.0.0.5");
    let blocked = get_from(&proxied, proxy, "/login", Some("192.0.2.1, 203.0.113.9")).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    let fine = get_from(&proxied, proxy, "/login", Some("203.0.113.9, 192.0.2.1")).await;
    assert_eq!(fine.status, StatusCode::OK);
    // The same address goes to audit rows.
    let form = [("email", "alice@acme.test"), ("password", common::PASSWORD)];
    let reply = call_from(&proxied, proxy, Login::PATH, None, &form, Some("198.51.100.200")).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let logins = audit_rows(&proxied, "auth.login").await;
    assert_eq!(
        logins.last().and_then(|(ip, _)| ip.clone()).as_deref(),
        Some("198.51.100.200")
    );
}

/// The free plan's request rates per minute (per key, per tenant) as the migrations seed them.
async fn free_plan_rates(options: &PgConnectOptions) -> (u32, u32) {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .expect("owner pool");
    let rate = |limit: &'static str| {
        let pool = pool.clone();
        async move {
            let value: i64 =
                sqlx::query_scalar("SELECT value FROM plan_limits WHERE plan = 'free' AND limit_name = $1::plan_limit")
                    .bind(limit)
                    .fetch_one(&pool)
                    .await
                    .expect("a free plan rate");
            u32::try_from(value).expect("a rate")
        }
    };
    (
        rate("api_requests_per_key").await,
        rate("api_requests_per_tenant").await,
    )
}
