//! The HTTP edge, tried as an attacker would: names that try to close `<title>`, the
//! Content-Security-Policy and the other security headers, the origin check with its scheme,
//! exports opened by another site, bodies over the limit, slow handlers and slow clients.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::spawn_app;
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use atrium_app::tenants::api::{CreateTenant, ListTenants, UpdateTenant};
use atrium_app::users::api::UpdateUser;

/// A display name that closes `<title>` and runs a script if written unescaped.
const XSS_NAME: &str = "T3 </title><img src=x onerror=alert(1)>";
const XSS_TITLE: &str = "<title>T3 &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; · Atrium</title>";

fn assert_no_raw_payload(html: &str) {
    assert!(!html.contains("<img src=x"), "the payload is markup in the page: {html}");
    assert!(
        html.contains(XSS_TITLE),
        "the escaped title is missing: {}",
        html.split("<title>").nth(1).unwrap_or(html).chars().take(200).collect::<String>()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn names_in_page_titles_are_escaped(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    // A user's name, planted by an admin (a manager could do the same to a peer).
    let alice = app.sign_in("alice@acme.test").await;
    let mark = app.user_id("mark@acme.test").await;
    let reply = app
        .call(
            UpdateUser::PATH,
            Some(&alice),
            &[
                ("user_id", &mark),
                ("email", "mark@acme.test"),
                ("name", XSS_NAME),
                ("role", "manager"),
            ],
        )
        .await;
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    let page = app.get(&format!("/users/{mark}"), Some(&alice)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_raw_payload(&page.body);

    // A tenant's name reaches the same sink on the platform admin's page.
    let admin = app.sign_in("admin@atrium.test").await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let reply = app
        .call(
            UpdateTenant::PATH,
            Some(&admin),
            &[
                ("tenant_id", &acme),
                ("name", XSS_NAME),
                ("slug", "acme"),
                ("plan", "professional"),
                ("status", "active"),
            ],
        )
        .await;
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    let page = app.get(&format!("/tenants/{acme}"), Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_raw_payload(&page.body);
}

/// The `'nonce-…'` source of a policy.
fn nonce_of(policy: &str) -> String {
    policy
        .split_once("'nonce-")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(nonce, _)| nonce.to_owned())
        .unwrap_or_else(|| panic!("no nonce in {policy:?}"))
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_a_script_policy_with_a_fresh_nonce(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let first = app.get("/login", None).await;
    assert_eq!(first.status, StatusCode::OK);
    let policy = first.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_owned();
    let nonce = nonce_of(&policy);
    assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
    for directive in [
        "default-src 'self'",
        &format!("script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive:?} missing from {policy:?}");
    }
    let scripts = policy.split(';').find(|d| d.trim_start().starts_with("script-src")).expect("script-src");
    assert!(
        !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"),
        "{scripts}"
    );
    // The hydration bootstrap carries the response's nonce; the wasm preload does not (leptos
    // #4843 put the nonce in its `crossorigin`, which Firefox reads as a mismatch).
    assert!(
        first.body.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "the bootstrap lacks the nonce"
    );
    assert!(!first.body.contains(&format!("crossorigin=\"{nonce}\"")), "leptos#4843");
    assert!(
        first.body.contains("as=\"fetch\" type=\"application/wasm\" crossorigin=\"\""),
        "the wasm preload asks for the credentials fetch() uses"
    );
    let second = app.get("/login", None).await;
    let again = nonce_of(second.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii"));
    assert_ne!(nonce, again, "a nonce per response");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_the_security_headers(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let page = app.get("/tenants", Some(&admin)).await;
    let server_fn = app.call(ListTenants::PATH, Some(&admin), &[]).await;
    let rest = app
        .get(
            "/api/v1/permissions/check?user=00000000-0000-0000-0000-000000000000&permission=users:read",
            Some(&admin),
        )
        .await;
    let redirect = app.get("/users", None).await;
    for (what, reply) in [("page", &page), ("server fn", &server_fn), ("rest", &rest), ("redirect", &redirect)] {
        let get = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_owned()
        };
        let permissions = get("permissions-policy");
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"] {
            assert!(permissions.contains(feature), "{what}: {feature} in {permissions}");
        }
        assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
        assert!(get("content-security-policy").contains("frame-ancestors 'none'"), "{what}");
        // Pages, server function answers (generated passwords, keys) and REST JSON may all carry
        // secrets: no cache keeps them, and HTML is never reused without asking.
        assert_eq!(get("cache-control"), "no-store", "{what}");
        // Served over plain http (no trusted proxy says otherwise): no HSTS.
        assert!(reply.headers.get("strict-transport-security").is_none(), "{what}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_origin_with_another_scheme_is_another_site(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    for origin in ["https://atrium.test", "http://atrium.test:8443", "null", "http://evil.example"] {
        let request = Request::post(CreateTenant::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "atrium.test")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, &admin)
            .body(Body::from("name=Scheme&slug=scheme&plan=free"))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin}: {}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "cross_site_request", "{origin}");
    }
    assert_eq!(app.tenant_id("scheme").await, None, "nothing was applied");
    // The same origin, scheme included, still works.
    let reply = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Scheme"), ("slug", "scheme"), ("plan", "free")],
        )
        .await;
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
}

/// `GET` of an export as a navigation from `site` (`Sec-Fetch-Site`), signed in as alice.
async fn export_from(app: &common::TestApp, cookie: &str, path: &str, site: &str) -> common::Reply {
    let request = Request::get(path)
        .header(header::HOST, "atrium.test")
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", site)
        .header("sec-fetch-mode", "navigate")
        .header("sec-fetch-dest", "document")
        .body(Body::empty())
        .expect("request");
    app.send(request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn exports_refuse_navigations_from_other_sites(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let exports = ["/api/v1/audit/export?format=csv", "/api/v1/analytics/export?metric=cpu&format=csv"];
    for path in exports {
        for site in ["cross-site", "same-site"] {
            let reply = export_from(&app, &alice, path, site).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path} from {site}: {}", reply.body);
            assert_eq!(reply.json()["error"]["code"], "cross_site_request", "{path}");
        }
    }
    let actions = app.audit_actions().await;
    assert!(
        !actions.iter().any(|a| a == "audit.export" || a == "analytics.export"),
        "a refused export is not recorded as done: {actions:?}"
    );
    // The page's own link (same-origin) and a typed address (`none`) work.
    for site in ["same-origin", "none"] {
        let reply = export_from(&app, &alice, exports[0], site).await;
        assert_eq!(reply.status, StatusCode::OK, "{site}: {}", reply.body);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bodies_over_the_limit_answer_413_with_the_json_error(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let big = format!("name={}&slug=big&plan=free", "a".repeat(3 * 1024 * 1024));
    let declared = Request::post(CreateTenant::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "http://atrium.test")
        .header(header::COOKIE, &admin)
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .expect("request");
    // The same without a length (chunked): counted while read.
    let chunks = big
        .into_bytes()
        .chunks(64 * 1024)
        .map(|chunk| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(chunk)))
        .collect::<Vec<_>>();
    let streamed = Request::post(CreateTenant::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "http://atrium.test")
        .header(header::COOKIE, &admin)
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .expect("request");
    for request in [declared, streamed] {
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "payload_too_large");
    }
    assert_eq!(app.tenant_id("big").await, None);
}
