//! Sign-in and sessions through the real router: where a successful sign-in may send the browser
//! (`next`), how the login page reads `next`, and the signed-out redirect that builds it.

mod common;

use atrium_app::auth::api::Login;
use axum::http::{StatusCode, header};
use common::{PASSWORD, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// `next` values an attacker puts in a sign-in link (already decoded once, as the form posts
/// them): each must end on this site's home page, never on another host, and never panic.
const HOSTILE_NEXT: &[&str] = &[
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\u{1}",
    "/\r\nSet-Cookie: x=1",
    "\t/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "/\u{a0}/evil.example",
    "/\u{3000}/evil.example",
    "/\u{2028}/evil.example",
    "/ /evil.example",
    "/tenants\u{7f}",
    "/login",
    "/login?next=/users",
    "",
    "tenants",
];

async fn sign_in_with_next(app: &common::TestApp, next: &str) -> common::Reply {
    app.call(
        Login::PATH,
        None,
        &[("email", "admin@atrium.test"), ("password", PASSWORD), ("next", next)],
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sign_in_redirects_only_to_a_path_on_this_site(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    for next in HOSTILE_NEXT {
        let reply = sign_in_with_next(&app, next).await;
        assert!(
            !reply.status.is_server_error(),
            "next {next:?}: {} {}",
            reply.status,
            reply.body
        );
        assert!(reply.cookie().is_some(), "next {next:?}: signed in");
        let location = reply.headers.get(header::LOCATION).map(|v| v.to_str().expect("ascii"));
        assert_eq!(location, Some("/"), "next {next:?}");
    }
    // A path of this site is kept as it is, query included.
    for next in ["/tenants?q=a%20b&sort=name", "/users/42", "/audit?actor=a%2Fb#top"] {
        let reply = sign_in_with_next(&app, next).await;
        let location = reply.headers.get(header::LOCATION).map(|v| v.to_str().expect("ascii"));
        assert_eq!(location, Some(next));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_decodes_next_once(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    // `%2509` is `%09` once decoded: three harmless characters in a query. Decoding twice made
    // it a tab, which browsers drop: `/\t/evil.example` becomes `//evil.example`.
    let page = app.get("/login?next=%2Ftenants%3Fq%3D%2509", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"name="next" value="/tenants?q=%09""#),
        "next decoded once: {}",
        page.body
    );
    // A next that is no local path, however encoded, is not carried into the form at all.
    for query in [
        "next=%2F%2509%2Fevil.example",
        "next=%2F%09%2Fevil.example",
        "next=%2F%5Cevil.example",
    ] {
        let page = app.get(&format!("/login?{query}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("evil.example"), "{query}: {}", page.body);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_signed_out_redirect_carries_only_local_paths(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let reply = app.get("/tenants?q=a%09b", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login?next=%2Ftenants%3Fq%3Da%2509b");
    // A path this site would not redirect to after sign-in is not offered as `next` either.
    let reply = app.get("/tenants/%2F%2Fevil.example", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login");
}
