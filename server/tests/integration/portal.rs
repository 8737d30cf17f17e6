//! The tenant portal over HTTP on the seeded demo: members are sent to `/t/{slug}` and see only
//! their own workspace's portal, a portal is reached by path, by subdomain and by `X-Tenant` from
//! a trusted proxy only, its sign-in page is branded and signs in only its members, and branding
//! is validated, audited and confined to its tenant; a workspace's session policy shortens its own
//! members' sessions only.

use crate::common;

use atrium_app::auth::api::GetCurrentUser;
use atrium_app::db::TenantTx;
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use atrium_app::portal::api::SaveBranding;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Reply, TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// A page request on a given host, signed in or not.
async fn get_on(app: &TestApp, host: &str, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path).header(header::HOST, host);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::empty()).expect("request")).await
}

/// Signs in through a workspace's own host (the sign-in page there posts to the same function).
async fn sign_in_on(app: &TestApp, host: &str, email: &str, workspace: &str) -> Reply {
    let body = format!(
        "email={}&password={}&workspace={workspace}",
        atrium_app::paging::encode(email),
        atrium_app::paging::encode(PASSWORD)
    );
    let request = Request::post(atrium_app::auth::api::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, host)
        .header(header::ORIGIN, format!("http://{host}"))
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn members_live_in_their_own_portal_by_path(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;

    // On the console's paths a member is sent to the same page in their portal.
    let reply = app.get("/users?page=2", Some(&alice)).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    assert_eq!(location(&reply), "/t/acme/users?page=2");
    assert_eq!(location(&app.get("/", Some(&alice)).await), "/t/acme");

    // The portal renders under its base, with the site named for the browser's router.
    let page = app.get("/t/acme/users", Some(&alice)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(r#"name="atrium-portal" content="path:acme""#),
        "site meta"
    );
    assert!(page.body.contains("mark@acme.test"), "the members list");
    assert!(
        page.body.contains(r#"href="/t/acme/api-keys""#),
        "links carry the base: {}",
        page.body
    );
    assert!(!page.body.contains("gina@globex.test"));
    let home = app.get("/t/acme", Some(&alice)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Usage against your plan"), "the portal's overview");

    // Another workspace's portal: back to one's own.
    let reply = app.get("/t/globex/users", Some(&alice)).await;
    assert_eq!(location(&reply), "/t/acme");
    // The console's administrators stay on the console.
    let admin = app.sign_in("admin@atrium.test").await;
    assert_eq!(location(&app.get("/t/acme/users", Some(&admin)).await), "/");
    assert_eq!(app.get("/tenants", Some(&admin)).await.status, StatusCode::OK);

    // Signed out: the portal's own sign-in page, branded, with the way back.
    let reply = app.get("/t/acme/users", None).await;
    assert_eq!(location(&reply), "/t/acme/login?next=%2Ft%2Facme%2Fusers");
    let login = app.get("/t/acme/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("Sign in to Acme Corp"), "{}", login.body);
    assert!(
        login.body.contains(r#"name="workspace" value="acme""#),
        "workspace implied"
    );
    let unknown = app.get("/t/nowhere/login", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("There is no workspace at this address"));

    // Signing in from the console lands a member in their portal.
    let reply = app
        .call(
            atrium_app::auth::api::Login::PATH,
            None,
            &[("email", "mark@acme.test"), ("password", PASSWORD), ("next", "/alerts")],
        )
        .await;
    assert_eq!(location(&reply), "/t/acme/alerts");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_subdomain_is_its_workspaces_portal_for_its_members_only(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    // The sign-in on Acme's host is Acme's: the workspace comes from the host, whatever the form
    // says, so neither the platform's administrator nor Globex's admin gets in there.
    let refused = sign_in_on(&app, "acme.atrium.test", "admin@atrium.test", "").await;
    assert!(matches!(refused.error(), AppError::SignIn(_)), "{}", refused.body);
    let refused = sign_in_on(&app, "acme.atrium.test", "gina@globex.test", "globex").await;
    assert!(matches!(refused.error(), AppError::SignIn(_)), "{}", refused.body);
    let signed_in = sign_in_on(&app, "acme.atrium.test", "alice@acme.test", "").await;
    assert_eq!(location(&signed_in), "/", "no prefix on the workspace's own host");
    let alice = signed_in.cookie().expect("cookie");

    let page = get_on(&app, "acme.atrium.test", "/users", Some(&alice)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(r#"content="host:acme""#));
    assert!(page.body.contains(r#"href="/api-keys""#), "links without a prefix");
    // Alice's session on Globex's host (a cookie copied over): not a member there.
    let other = get_on(&app, "globex.atrium.test", "/users", Some(&alice)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(other.body.contains("another workspace"));
    assert!(!other.body.contains("gina@globex.test"));
    // The base domain itself is the console.
    let console = get_on(&app, "atrium.test", "/users", Some(&alice)).await;
    assert_eq!(location(&console), "/t/acme/users");
    // Signed out on the host: its own sign-in page, branded.
    let login = get_on(&app, "globex.atrium.test", "/login", None).await;
    assert!(login.body.contains("Sign in to Globex"), "{}", login.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_tenant_header_counts_only_from_a_trusted_proxy(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    // Served over TCP from 127.0.0.1, the proxy the harness trusts.
    let addr = app.serve().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("http://{addr}/users"))
        .header("x-tenant", "acme")
        .header(header::COOKIE, &alice)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.expect("body");
    assert!(body.contains(r#"content="header:acme""#));
    let bad = client
        .get(format!("http://{addr}/users"))
        .header("x-tenant", "Not a slug")
        .send()
        .await
        .expect("bad header");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Driven without a peer address (as from an unknown client), the header is refused with a
    // stable code rather than ignored.
    let request = Request::get("/users")
        .header("x-tenant", "acme")
        .header(header::COOKIE, &alice)
        .body(Body::empty())
        .expect("request");
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"]["code"], "untrusted_tenant_header");
}

#[sqlx::test(migrations = "../migrations")]
async fn branding_is_checked_audited_and_stays_in_its_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let save = |cookie: String, name: &'static str, logo: &'static str, color: &'static str| {
        let app = &app;
        async move {
            app.call(
                SaveBranding::PATH,
                Some(&cookie),
                &[("display_name", name), ("logo_url", logo), ("color", color)],
            )
            .await
        }
    };

    // Each bad value is named next to its field, and nothing is written.
    let long: &'static str = "x".repeat(81).leak();
    let refused = save(alice.clone(), long, "http://cdn.acme.test/l.png", "#ffff00").await;
    let AppError::Validation(fields) = refused.error() else {
        panic!("expected field errors, got {}", refused.body)
    };
    assert!(fields.get("display_name").is_some());
    assert!(fields.get("logo_url").is_some_and(|m| m.contains("https")));
    assert!(fields.get("color").is_some_and(|m| m.contains("1.07")), "{fields:?}");
    assert!(!app.audit_actions().await.contains(&"tenant.branding".to_owned()));

    let saved = save(
        alice.clone(),
        "Acme Portal",
        "https://cdn.acme.test/logo.svg",
        "#1D4ED8",
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    assert_eq!(
        app.audit_actions().await.last().map(String::as_str),
        Some("tenant.branding")
    );
    // The layout's data carries it at once (read with the session).
    let me = app.call(GetCurrentUser::PATH, Some(&alice), &[]).await.json();
    assert_eq!(me["workspace"]["branding"]["display_name"], "Acme Portal");
    assert_eq!(me["workspace"]["branding"]["color"], "#1d4ed8");
    let page = app.get("/t/acme", Some(&alice)).await;
    assert!(page.body.contains("--brand: #1d4ed8; --brand-text: #ffffff;"));
    assert!(page.body.contains(r#"src="https://cdn.acme.test/logo.svg""#));
    // The portal's sign-in page shows it before anyone signs in; Globex's does not.
    assert!(
        app.get("/t/acme/login", None)
            .await
            .body
            .contains("Sign in to Acme Portal")
    );
    let globex_login = app.get("/t/globex/login", None).await;
    assert!(globex_login.body.contains("Sign in to Globex") && !globex_login.body.contains("Acme Portal"));

    // Saving needs settings:update: a Viewer is refused.
    let victor = app.sign_in("victor@acme.test").await;
    let forbidden = save(victor, "Victor's", "", "").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    // Emptied fields go back to the defaults.
    save(alice.clone(), "", "", "").await;
    let me = app.call(GetCurrentUser::PATH, Some(&alice), &[]).await.json();
    assert_eq!(me["workspace"]["branding"]["display_name"], "Acme Corp");
    assert!(me["workspace"]["branding"]["color"].is_null());

    // Inside Acme's transaction, Globex's branding is neither readable nor writable, and the
    // database refuses values the parsers would (a second writer cannot bypass them).
    let acme = TenantId(app.tenant_id("acme").await.expect("acme").parse().expect("uuid"));
    let globex: uuid::Uuid = app.tenant_id("globex").await.expect("globex").parse().expect("uuid");
    let mut tx = TenantTx::begin(&app.db, acme).await.expect("tx");
    let changed = sqlx::query("UPDATE tenants SET brand_name = 'Hijacked' WHERE tenant_id = $1")
        .bind(globex)
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(changed.rows_affected(), 0);
    let seen: Option<String> = sqlx::query_scalar("SELECT brand_name FROM tenants WHERE tenant_id = $1")
        .bind(globex)
        .fetch_optional(&mut *tx)
        .await
        .expect("select");
    assert_eq!(seen, None);
    let bad = sqlx::query("UPDATE tenants SET brand_logo_url = 'javascript:alert(1)' WHERE tenant_id = $1")
        .bind(acme.0)
        .execute(&mut *tx)
        .await;
    assert!(bad.is_err(), "the check constraint refuses it");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workspace_session_policy_shortens_its_own_sessions_only(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::portal::api::{GetSecuritySettings, SaveSecuritySettings};
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let alice = app.sign_in("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    let gina = app.sign_in("gina@globex.test").await;

    // Bounds: 5 minutes up to the platform's 60; 1 hour up to the 12-hour session.
    let bad = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", "2"), ("max_hours", "13")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("idle_minutes") && bad.body.contains("max_hours"),
        "{}",
        bad.body
    );
    let refused = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&victor),
            &[("idle_minutes", "5"), ("max_hours", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let saved = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", "10"), ("max_hours", "2")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["policy"]["idle_minutes"], 10);
    // Members with settings:read see the policy they live under.
    let read = app.call(GetSecuritySettings::PATH, Some(&victor), &[]).await;
    assert_eq!(read.json()["policy"]["max_hours"], 2);
    assert_eq!(read.json()["platform_idle_minutes"], 480);
    assert!(app.audit_actions().await.contains(&"tenant.security".to_owned()));

    let me = |cookie: String| {
        let app = &app;
        async move { app.call(GetCurrentUser::PATH, Some(&cookie), &[]).await.status == StatusCode::OK }
    };
    assert!(me(victor.clone()).await, "still signed in");
    // Fifteen idle minutes: past Acme's 10, within the platform's 480 that Globex keeps.
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '15 minutes'")
        .execute(&owner)
        .await
        .expect("age sessions");
    assert!(!me(victor.clone()).await, "Acme's idle limit signs Victor out");
    assert!(me(gina.clone()).await, "Globex keeps the platform's limit");

    // Three hours since sign-in, in use all along: past Acme's longest session of 2 hours.
    let alice = app.sign_in("alice@acme.test").await;
    sqlx::query("UPDATE sessions SET created_at = now() - interval '3 hours', last_seen_at = now()")
        .execute(&owner)
        .await
        .expect("age sessions");
    assert!(!me(alice.clone()).await, "Acme's longest session ends Alice's");
    assert!(me(gina).await);

    // Back to the platform's values.
    let alice = app.sign_in("alice@acme.test").await;
    let cleared = app
        .call(
            SaveSecuritySettings::PATH,
            Some(&alice),
            &[("idle_minutes", ""), ("max_hours", "")],
        )
        .await;
    assert_eq!(
        cleared.json()["policy"],
        serde_json::json!({"idle_minutes": null, "max_hours": null})
    );
    sqlx::query(
        "UPDATE sessions SET created_at = now() - interval '3 hours', last_seen_at = now() - interval '15 minutes'",
    )
    .execute(&owner)
    .await
    .expect("age sessions");
    assert!(me(alice).await);
}
