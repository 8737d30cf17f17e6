//! Sign-in and sessions through the real router: where a successful sign-in may send the browser
//! (`next`), how the login page reads `next`, the signed-out redirect that builds it, the
//! `__Host-` cookie over https, idle sessions and the job that deletes dead sessions.

use crate::common;

use atrium_app::auth::api::Login;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, spawn_app};
use leptos::server_fn::ServerFn;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

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

/// A page request as a browser behind a TLS-terminating proxy sends it.
fn https_get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header("x-forwarded-proto", "https")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

#[sqlx::test(migrations = "../migrations")]
async fn over_https_the_session_cookie_is_host_prefixed(_: PgPoolOptions, options: PgConnectOptions) {
    // Behind a TLS-terminating proxy the server is told to trust; an untrusted header is dropped
    // at the edge (see `untrusted_forwarded_proto_keeps_the_plain_cookie`).
    let http = atrium_server::edge::HttpSettings {
        trust_forwarded_proto: true,
        ..Default::default()
    };
    let app = common::spawn_app_http(options, http).await;
    let login = Request::post(Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "https://atrium.test")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!(
            "email=admin%40atrium.test&password={}",
            atrium_app::paging::encode(PASSWORD)
        )))
        .expect("request");
    let reply = app.send(login).await;
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().expect("cookie").to_owned();
    // What browsers require of a `__Host-` cookie: Secure, Path=/ and no Domain.
    assert!(set_cookie.starts_with("__Host-atrium_session="), "{set_cookie}");
    assert!(
        set_cookie.contains("; Secure") && set_cookie.contains("; Path=/;") && !set_cookie.contains("Domain"),
        "{set_cookie}"
    );
    let cookie = reply.cookie().expect("cookie");
    assert_eq!(app.send(https_get("/", &cookie)).await.status, StatusCode::OK);
    // Over https the unprefixed name is not read: a cookie planted by a sibling subdomain or over
    // plain http cannot stand in for the session.
    let token = cookie.split_once('=').map(|(_, token)| token).expect("token");
    let unprefixed = format!("atrium_session={token}");
    assert_eq!(
        app.send(https_get("/", &unprefixed)).await.status,
        StatusCode::SEE_OTHER
    );
    // Signing out over https clears the prefixed cookie, with the attributes it was set with.
    let logout = Request::post(atrium_app::auth::api::Logout::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "https://atrium.test")
        .header("x-forwarded-proto", "https")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let cleared = app.send(logout).await;
    let cleared = cleared.headers[header::SET_COOKIE].to_str().expect("cookie");
    assert!(
        cleared.starts_with("__Host-atrium_session=;") && cleared.contains("Max-Age=0") && cleared.contains("; Secure"),
        "{cleared}"
    );
    // Over plain http the cookie keeps its plain name and no Secure flag.
    let plain = app
        .call(
            Login::PATH,
            None,
            &[("email", "admin@atrium.test"), ("password", PASSWORD)],
        )
        .await;
    let plain = plain.headers[header::SET_COOKIE].to_str().expect("cookie");
    assert!(
        plain.starts_with("atrium_session=") && !plain.contains("Secure"),
        "{plain}"
    );
}

/// Runs `sql` as the database owner (the test's login role), for moving session times back.
async fn as_owner(app: &common::TestApp, sql: &str) -> u64 {
    let mut conn = sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("connect");
    let done = sqlx::query(sql).execute(&mut conn).await.expect(sql).rows_affected();
    conn.close().await.expect("close");
    done
}

/// Counts rows as the database owner.
async fn count(app: &common::TestApp, sql: &str) -> i64 {
    let mut conn = sqlx::PgConnection::connect_with(&app.owner_options)
        .await
        .expect("connect");
    let count = sqlx::query_scalar(sql).fetch_one(&mut conn).await.expect(sql);
    conn.close().await.expect("close");
    count
}

async fn session_count(app: &common::TestApp) -> i64 {
    count(app, "SELECT count(*) FROM sessions").await
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idle_session_is_refused_and_use_keeps_one_alive(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let busy = app.sign_in("admin@atrium.test").await;
    let idle = app.sign_in("alice@acme.test").await;
    // 479 minutes without a request: still live (the default idle timeout is 8 hours), and
    // this request marks it as seen now.
    as_owner(
        &app,
        "UPDATE sessions SET last_seen_at = now() - interval '479 minutes'",
    )
    .await;
    assert_eq!(app.get("/", Some(&busy)).await.status, StatusCode::OK);
    let refreshed = count(
        &app,
        "SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'",
    )
    .await;
    assert_eq!(refreshed, 1, "the session used was marked as seen");
    // Two more minutes pass: the session used a minute ago lives, the other is refused like an
    // expired one, by pages and by server functions.
    as_owner(
        &app,
        "UPDATE sessions SET last_seen_at = last_seen_at - interval '2 minutes'",
    )
    .await;
    assert_eq!(app.get("/", Some(&busy)).await.status, StatusCode::OK);
    assert_eq!(app.get("/", Some(&idle)).await.status, StatusCode::SEE_OTHER);
    let call = app
        .call(atrium_app::auth::api::GetCurrentUser::PATH, Some(&idle), &[])
        .await;
    assert_eq!(call.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cleanup_job_deletes_expired_and_idle_sessions(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let live = app.sign_in("admin@atrium.test").await;
    app.sign_in("alice@acme.test").await;
    app.sign_in("mark@acme.test").await;
    as_owner(
        &app,
        "UPDATE sessions SET expires_at = now() - interval '1 second'
         WHERE user_id = (SELECT user_id FROM users WHERE email = 'alice@acme.test')",
    )
    .await;
    as_owner(
        &app,
        "UPDATE sessions SET last_seen_at = now() - interval '9 hours'
         WHERE user_id = (SELECT user_id FROM users WHERE email = 'mark@acme.test')",
    )
    .await;
    assert_eq!(session_count(&app).await, 3);

    let (replica, stop) = atrium_server::jobs::Replica::new("cleanup-replica");
    let job = tokio::spawn(atrium_server::jobs::session_cleanup(
        app.db.clone(),
        replica,
        Duration::from_secs(1),
    ));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while session_count(&app).await > 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "stale sessions were not deleted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.stop();
    tokio::time::timeout(Duration::from_secs(10), job)
        .await
        .expect("the job stops")
        .expect("job task");
    assert_eq!(
        app.get("/", Some(&live)).await.status,
        StatusCode::OK,
        "the live session stays"
    );
}

/// Without a trusted proxy, a client's own `X-Forwarded-Proto: https` changes nothing: the
/// cookie keeps its plain name and the plain cookie keeps working.
#[sqlx::test(migrations = "../migrations")]
async fn untrusted_forwarded_proto_keeps_the_plain_cookie(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let login = Request::post(Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "atrium.test")
        .header(header::ORIGIN, "http://atrium.test")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!("email=alice%40acme.test&password={PASSWORD}")))
        .expect("request");
    let reply = app.send(login).await;
    let cookie = reply.cookie().expect("a session cookie");
    assert!(cookie.starts_with("atrium_session="), "{cookie}");
    let page = app.page("/users", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
}
