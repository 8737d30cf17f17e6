//! Single sign-on with OpenID Connect over HTTP on the seeded demo (issue 14), against a real
//! provider on 127.0.0.1 (`issuer`): an administrator saves the workspace's provider (the secret
//! sealed, the save audited, a role above their own refused); a member signs in through it and a
//! newcomer from an allowed domain is created with the default role; a wrong `state`, a replayed
//! return, an expired or foreign-signed ID token, an unverified email and an email outside the
//! allowed domains are each refused with no session and an audit row; and another workspace's
//! administrator neither sees nor changes the provider, which row-level security also holds.

mod issuer;

use crate::common::{self, Reply, TestApp};
use atrium_app::auth::api::GetCurrentUser;
use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::DeliverySettings;
use atrium_app::portal::api::GetSignInSite;
use atrium_app::sso::api::{GetSsoSettings, RemoveSsoProvider, SaveSsoProvider};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use issuer::{Issuer, Person};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const CLIENT_ID: &str = "atrium-acme";
const CLIENT_SECRET: &str = "s3cret-of-the-acme-client";
/// The public address the harness's app answers as (the `Host` of every request here).
const PUBLIC: &str = "http://atrium.test";

/// The demo app, allowed to reach the provider on 127.0.0.1, public at `PUBLIC`.
async fn app(options: PgConnectOptions) -> TestApp {
    common::spawn_app_delivering(
        options,
        DeliverySettings {
            policy: AddressPolicy {
                allow_private: true,
                ..AddressPolicy::default()
            },
            public_url: PUBLIC.to_owned(),
            ..DeliverySettings::default()
        },
    )
    .await
}

fn location(reply: &Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path).header(header::HOST, "atrium.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::empty()).expect("request")).await
}

async fn save(app: &TestApp, session: &str, issuer: &str, role: &str) -> Reply {
    app.call(
        SaveSsoProvider::PATH,
        Some(session),
        &[
            ("display_name", "Acme ID"),
            ("issuer_url", issuer),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("allowed_domains", "acme.test, Example.org"),
            ("default_role", role),
            ("enabled", "on"),
        ],
    )
    .await
}

/// One sign-in through the provider, as a browser does it: the start (its state cookie), the
/// provider's authorization endpoint, and the return. Returns the return's reply and the state
/// cookie, for replays.
async fn through_provider(app: &TestApp, slug: &str) -> (Reply, String, String) {
    let start = get(app, &format!("/sso/{slug}/start?next=%2Falerts"), None).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let cookie = start.cookie_named("atrium_sso").expect("state cookie");
    let to_provider = location(&start);
    let provider = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&to_provider)
        .send()
        .await
        .expect("provider");
    assert_eq!(provider.status(), StatusCode::SEE_OTHER, "{:?}", provider.text().await);
    let back = provider.headers()[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let path = back
        .strip_prefix(PUBLIC)
        .expect("back to the public address")
        .to_owned();
    let reply = get(app, &path, Some(&cookie)).await;
    (reply, cookie, path)
}

async fn audit_after(app: &TestApp, action: &str) -> Vec<serde_json::Value> {
    let pool = app.owner_pool().await;
    sqlx::query_scalar(
        "SELECT coalesce(after, 'null') FROM audit_events WHERE action = $1 ORDER BY occurred_at, audit_id",
    )
    .bind(action)
    .fetch_all(&pool)
    .await
    .expect("audit")
}

fn refused_with(reply: &Reply, code: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(location(reply), format!("/t/acme/login?sso_error={code}"));
    assert!(
        reply.cookie_named("atrium_session").is_none(),
        "no session on a refusal"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn members_sign_in_through_the_workspace_provider_and_newcomers_are_created(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let app = app(options).await;
    let provider = Issuer::start(CLIENT_ID, CLIENT_SECRET).await;
    let alice = app.sign_in("alice@acme.test").await;

    // An administrator cannot hand newcomers their own rank; a manager cannot configure it.
    let too_high = save(&app, &alice, provider.url(), "admin").await;
    assert_eq!(too_high.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_high.body);
    assert!(too_high.error().field_error("default_role").is_some());
    let mark = app.sign_in("mark@acme.test").await;
    assert_eq!(
        save(&app, &mark, provider.url(), "viewer").await.status,
        StatusCode::FORBIDDEN
    );
    // An issuer that is no provider is refused next to its field.
    let nowhere = save(&app, &alice, "http://127.0.0.1:9", "viewer").await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nowhere.body);
    assert!(nowhere.error().field_error("issuer_url").is_some());

    let saved = save(&app, &alice, provider.url(), "analyst").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let settings = saved.json();
    assert_eq!(settings["redirect_uri"], format!("{PUBLIC}/sso/acme/callback"));
    assert_eq!(
        settings["provider"]["allowed_domains"],
        serde_json::json!(["acme.test", "example.org"])
    );
    assert!(!saved.body.contains(CLIENT_SECRET), "the secret never comes back");
    // Stored sealed, and audited without it.
    let pool = app.owner_pool().await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT client_secret FROM sso_providers")
        .fetch_one(&pool)
        .await
        .expect("stored");
    assert!(
        !stored
            .windows(CLIENT_SECRET.len())
            .any(|w| w == CLIENT_SECRET.as_bytes())
    );
    let audited = audit_after(&app, "tenant.sso").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0]["client_authentication_changed"], true);
    assert!(!audited[0].to_string().contains(CLIENT_SECRET));

    // The workspace's sign-in page offers it, and the console's finds that page by name.
    let site = app.call(GetSignInSite::PATH, None, &[("slug", "acme")]).await;
    assert_eq!(site.json()["sso_provider"], "Acme ID");
    let found = get(&app, "/sso/start?workspace=%20ACME&next=%2Falerts", None).await;
    assert_eq!(location(&found), "/t/acme/login?next=%2Falerts");
    let none = get(&app, "/sso/start?workspace=globex", None).await;
    assert_eq!(location(&none), "/login?sso_error=not_configured");
    let bad = get(&app, "/sso/start?workspace=%3Cscript%3E", None).await;
    assert_eq!(location(&bad), "/login?sso_error=not_configured");

    // A member signs in (without a password, and lands where they were going).
    provider.will_sign_in(Person::verified("ana@acme.test"));
    let (back, _, _) = through_provider(&app, "acme").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(location(&back), "/t/acme/alerts");
    let session = back.cookie_named("atrium_session").expect("session");
    let me = app.call(GetCurrentUser::PATH, Some(&session), &[]).await;
    assert_eq!(me.json()["email"], "ana@acme.test", "{}", me.body);
    let logins = audit_after(&app, "auth.login").await;
    assert!(logins.iter().any(|after| after["method"] == "oidc"));

    // A newcomer from an allowed domain is created with the default role.
    provider.will_sign_in(Person::verified("Newbie@Example.org"));
    let (back, _, _) = through_provider(&app, "acme").await;
    let session = back.cookie_named("atrium_session").expect("newcomer's session");
    let me = app.call(GetCurrentUser::PATH, Some(&session), &[]).await;
    assert_eq!(me.json()["email"], "newbie@example.org");
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE email = 'newbie@example.org'")
        .fetch_one(&pool)
        .await
        .expect("created");
    assert_eq!(role, "analyst");
    let created = audit_after(&app, "user.create").await;
    assert!(
        created
            .iter()
            .any(|after| after["via"] == "oidc" && after["email"] == "newbie@example.org")
    );

    // Removed: the sign-in page no longer offers it, and a start is refused.
    assert_eq!(
        app.call(RemoveSsoProvider::PATH, Some(&alice), &[]).await.status,
        StatusCode::OK
    );
    let site = app.call(GetSignInSite::PATH, None, &[("slug", "acme")]).await;
    assert_eq!(site.json()["sso_provider"], serde_json::Value::Null);
    let start = get(&app, "/sso/acme/start", None).await;
    assert_eq!(location(&start), "/login?sso_error=not_configured");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_return_that_fails_any_check_is_refused_without_a_session(_: PgPoolOptions, options: PgConnectOptions) {
    let app = app(options).await;
    let provider = Issuer::start(CLIENT_ID, CLIENT_SECRET).await;
    let alice = app.sign_in("alice@acme.test").await;
    assert_eq!(
        save(&app, &alice, provider.url(), "viewer").await.status,
        StatusCode::OK
    );

    // A start on another host first moves to the public address (where the provider returns).
    let mut request = Request::get("/sso/acme/start").header(header::HOST, "localhost:3000");
    request = request.header(header::ACCEPT, "text/html");
    let moved = app.send(request.body(Body::empty()).expect("request")).await;
    assert_eq!(location(&moved), format!("{PUBLIC}/sso/acme/start?hop=1&next=%2F"));

    // The state in the return must be the one this browser's cookie holds.
    provider.will_sign_in(Person::verified("ana@acme.test"));
    let start = get(&app, "/sso/acme/start", None).await;
    let cookie = start.cookie_named("atrium_sso").expect("state cookie");
    let to_provider = location(&start);
    assert!(to_provider.contains("code_challenge_method=S256") && to_provider.contains("nonce="));
    let back = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&to_provider)
        .send()
        .await
        .expect("provider");
    let back = back.headers()[header::LOCATION].to_str().expect("location").to_owned();
    let path = back.strip_prefix(PUBLIC).expect("public").to_owned();
    let forged = path.replace("state=", "state=0");
    refused_with(&get(&app, &forged, Some(&cookie)).await, "state");
    refused_with(&get(&app, &path, None).await, "state");
    refused_with(&get(&app, &path, Some("atrium_sso=someone-elses")).await, "state");

    // A return is used once: replaying a completed one finds nothing.
    let (first, cookie, path) = through_provider(&app, "acme").await;
    assert!(first.cookie_named("atrium_session").is_some(), "{}", first.body);
    refused_with(&get(&app, &path, Some(&cookie)).await, "expired");

    // The ID token's checks: expiry, signature, the email's verification and domain.
    let cases = [
        (
            Person {
                expired: true,
                ..Person::verified("ana@acme.test")
            },
            "token",
        ),
        (
            Person {
                foreign: true,
                ..Person::verified("ana@acme.test")
            },
            "token",
        ),
        (
            Person {
                email_verified: false,
                ..Person::verified("ana@acme.test")
            },
            "email_unverified",
        ),
        (
            Person {
                email: None,
                ..Person::verified("ana@acme.test")
            },
            "email_unverified",
        ),
        (Person::verified("eve@evil.test"), "domain"),
    ];
    for (person, code) in cases {
        provider.will_sign_in(person.clone());
        let (reply, _, _) = through_provider(&app, "acme").await;
        refused_with(&reply, code);
    }
    let refusals = audit_after(&app, "auth.sso_refused").await;
    let reasons: Vec<&str> = refusals.iter().filter_map(|after| after["reason"].as_str()).collect();
    assert_eq!(
        reasons,
        ["token", "token", "email_unverified", "email_unverified", "domain"]
    );
    let pool = app.owner_pool().await;
    let eve: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'eve@evil.test'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(eve, 0, "nobody outside the domains is created");

    // A disabled member is refused.
    sqlx::query("UPDATE users SET status = 'disabled' WHERE email = 'ana@acme.test'")
        .execute(&pool)
        .await
        .expect("disable");
    provider.will_sign_in(Person::verified("ana@acme.test"));
    let (reply, _, _) = through_provider(&app, "acme").await;
    refused_with(&reply, "disabled");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_workspace_neither_sees_nor_changes_the_provider(_: PgPoolOptions, options: PgConnectOptions) {
    let app = app(options).await;
    let provider = Issuer::start(CLIENT_ID, CLIENT_SECRET).await;
    let alice = app.sign_in("alice@acme.test").await;
    assert_eq!(
        save(&app, &alice, provider.url(), "viewer").await.status,
        StatusCode::OK
    );

    // Globex's administrator reads and writes Globex's settings only.
    let gina = app.sign_in("gina@globex.test").await;
    let theirs = app.call(GetSsoSettings::PATH, Some(&gina), &[]).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.json()["provider"], serde_json::Value::Null);
    assert_eq!(theirs.json()["redirect_uri"], format!("{PUBLIC}/sso/globex/callback"));
    assert_eq!(
        app.call(RemoveSsoProvider::PATH, Some(&gina), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let acme = app.call(GetSsoSettings::PATH, Some(&alice), &[]).await;
    assert_eq!(acme.json()["provider"]["display_name"], "Acme ID");

    // Row-level security: in Globex's transaction Acme's provider is neither read nor changed.
    let globex = app.tenant_id("globex").await.expect("globex");
    let acme_id = app.tenant_id("acme").await.expect("acme");
    let mut tx = atrium_app::db::TenantTx::begin(&app.db, atrium_app::ids::TenantId(globex.parse().expect("uuid")))
        .await
        .expect("tx");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM sso_providers")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(seen, 0);
    let changed = sqlx::query("UPDATE sso_providers SET enabled = false WHERE tenant_id = $1::uuid")
        .bind(&acme_id)
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(changed.rows_affected(), 0);
    let forged = sqlx::query(
        "INSERT INTO sso_providers (tenant_id, display_name, issuer_url, client_id, client_secret, allowed_domains)
         VALUES ($1::uuid, 'x', 'https://x.test', 'x', decode(repeat('00', 64), 'hex'), '{x.test}')",
    )
    .bind(&acme_id)
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "a row for another tenant is refused");
    drop(tx);

    // A sign-in begun for Acme cannot be finished at Globex's address.
    provider.will_sign_in(Person::verified("ana@acme.test"));
    let start = get(&app, "/sso/acme/start", None).await;
    let cookie = start.cookie_named("atrium_sso").expect("state");
    let back = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(location(&start))
        .send()
        .await
        .expect("provider");
    let path = back.headers()[header::LOCATION]
        .to_str()
        .expect("location")
        .replace(&format!("{PUBLIC}/sso/acme/"), "/sso/globex/");
    let reply = get(&app, &path, Some(&cookie)).await;
    assert_eq!(location(&reply), "/login?sso_error=not_configured");
    assert!(reply.cookie_named("atrium_session").is_none());
}
