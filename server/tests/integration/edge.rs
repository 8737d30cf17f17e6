//! The HTTP edge, tried as an attacker would: names that try to close `<title>`, the
//! Content-Security-Policy and the other security headers, the origin check with its scheme,
//! exports opened by another site, bodies over the limit, slow handlers and slow clients.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::spawn_app;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tower::ServiceExt;

use atrium_app::tenants::api::{CreateTenant, ListTenants, UpdateTenant};
use atrium_app::users::api::UpdateUser;

/// A display name that closes `<title>` and runs a script if written unescaped.
const XSS_NAME: &str = "T3 </title><img src=x onerror=alert(1)>";
const XSS_TITLE: &str = "<title>T3 &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; · Atrium</title>";

fn assert_no_raw_payload(html: &str) {
    assert!(
        !html.contains("<img src=x"),
        "the payload is markup in the page: {html}"
    );
    assert!(
        html.contains(XSS_TITLE),
        "the escaped title is missing: {}",
        html.split("<title>")
            .nth(1)
            .unwrap_or(html)
            .chars()
            .take(200)
            .collect::<String>()
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
    let page = app.page(&format!("/users/{mark}"), Some(&alice)).await;
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
    let policy = first.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
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
    let scripts = policy
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .expect("script-src");
    assert!(
        !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"),
        "{scripts}"
    );
    // The hydration bootstrap carries the response's nonce; the wasm preload does not (leptos
    // #4843 put the nonce in its `crossorigin`, which Firefox reads as a mismatch).
    assert!(
        first
            .body
            .contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "the bootstrap lacks the nonce"
    );
    assert!(!first.body.contains(&format!("crossorigin=\"{nonce}\"")), "leptos#4843");
    assert!(
        first
            .body
            .contains("as=\"fetch\" type=\"application/wasm\" crossorigin=\"\""),
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
    for (what, reply) in [
        ("page", &page),
        ("server fn", &server_fn),
        ("rest", &rest),
        ("redirect", &redirect),
    ] {
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
        assert!(
            get("content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
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
    for origin in [
        "https://atrium.test",
        "http://atrium.test:8443",
        "null",
        "http://evil.example",
    ] {
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
    let exports = [
        "/api/v1/audit/export?format=csv",
        "/api/v1/analytics/export?metric=cpu&format=csv",
    ];
    for path in exports {
        for site in ["cross-site", "same-site"] {
            let reply = export_from(&app, &alice, path, site).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{path} from {site}: {}",
                reply.body
            );
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

/// Short edge timeouts for the slow-client tests.
fn short_timeouts() -> atrium_server::edge::HttpSettings {
    atrium_server::edge::HttpSettings {
        request_timeout: std::time::Duration::from_millis(1500),
        header_read_timeout: std::time::Duration::from_millis(1000),
        ..Default::default()
    }
}

/// Reads until the server closes the connection; what it sent, or `None` if still open after `wait`.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: std::time::Duration) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| String::from_utf8_lossy(&received).into_owned())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_client_trickling_its_request_head_is_cut_off(_: PgPoolOptions, options: PgConnectOptions) {
    use tokio::io::AsyncWriteExt;
    let app = common::spawn_app_http(options, short_timeouts()).await;
    let addr = app.serve().await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let started = std::time::Instant::now();
    // One more header byte every 200 ms, never the blank line that ends the head.
    let trickle = async {
        for _ in 0..50 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if stream.write_all(b"X").await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), trickle).await;
    let closed = closed_within(&mut stream, std::time::Duration::from_secs(2)).await;
    assert!(closed.is_some(), "still open after {:?}", started.elapsed());
    // A complete request on a fresh connection is still served.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let reply = closed_within(&mut stream, std::time::Duration::from_secs(5))
        .await
        .expect("answered");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_client_trickling_its_body_gets_a_timeout(_: PgPoolOptions, options: PgConnectOptions) {
    use tokio::io::AsyncWriteExt;
    let app = common::spawn_app_http(options, short_timeouts()).await;
    let addr = app.serve().await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=",
        atrium_app::auth::api::Login::PATH
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let started = std::time::Instant::now();
    let reply = closed_within(&mut stream, std::time::Duration::from_secs(5))
        .await
        .expect("cut off");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("\"code\":\"timeout\""), "{reply}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn https_behind_a_trusted_proxy_gets_hsts_and_its_own_origin(_: PgPoolOptions, options: PgConnectOptions) {
    let proxy = atrium_server::edge::HttpSettings {
        trust_forwarded_proto: true,
        ..Default::default()
    };
    let app = common::spawn_app_http(options, proxy).await;
    let login = |proto: &'static str| {
        Request::get("/login")
            .header(header::HOST, "atrium.test")
            .header("x-forwarded-proto", proto)
            .body(Body::empty())
            .expect("request")
    };
    let https = app.send(login("https")).await;
    assert_eq!(
        https.headers["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert!(
        app.send(login("http"))
            .await
            .headers
            .get("strict-transport-security")
            .is_none()
    );
    // Over https the https origin is this site and the http one is not.
    // Over https only the `__Host-` cookie counts; the session itself is the same.
    let admin = app.sign_in("admin@atrium.test").await.replacen(
        atrium_app::auth::SESSION_COOKIE,
        atrium_app::auth::SECURE_SESSION_COOKIE,
        1,
    );
    for (origin, expected) in [
        ("http://atrium.test", StatusCode::FORBIDDEN),
        ("https://atrium.test", StatusCode::OK),
    ] {
        let request = Request::post(ListTenants::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "atrium.test")
            .header("x-forwarded-proto", "https")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, &admin)
            .body(Body::empty())
            .expect("request");
        assert_eq!(app.send(request).await.status, expected, "{origin}");
    }
}

/// A site folder as `cargo xtask build` leaves it: hashed names in `pkg/`, the split wasm in its
/// build folder, their list, and a brotli and a gzip copy beside each file (their bytes here only
/// need to be recognisable).
fn built_site() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let root = std::env::temp_dir().join(format!("atrium-site-{}-{nanos}", std::process::id()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(pkg.join(BUILD)).expect("site dir");
    let files = [
        (format!("pkg/{BUILD}/atrium.js"), "export default function(){}"),
        (format!("pkg/{BUILD}/atrium_bg.wasm"), "\0asm"),
        (format!("pkg/{BUILD}/__wasm_split.js"), "export {}"),
        (format!("pkg/{BUILD}/chunk_0.wasm"), "\0asm"),
        (format!("pkg/{BUILD}/split_alerting_area_1.wasm"), "\0asm"),
        ("pkg/atrium.0123456789abcdef.css".to_owned(), "body{}"),
        ("pkg/echarts.min.0123456789abcdef.js".to_owned(), "var echarts;"),
        ("pkg/en.0123456789abcdef.ftl".to_owned(), "app-name = Atrium"),
        ("pkg/ar.0123456789abcdef.ftl".to_owned(), "app-name = Atrium"),
        ("favicon.svg".to_owned(), "<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ];
    for (path, text) in files {
        std::fs::write(root.join(&path), text).expect("file");
        std::fs::write(root.join(format!("{path}.br")), format!("br:{path}")).expect("br");
        std::fs::write(root.join(format!("{path}.gz")), format!("gz:{path}")).expect("gz");
    }
    let manifest = serde_json::json!({
        "css": "atrium.0123456789abcdef.css", "echarts": "echarts.min.0123456789abcdef.js",
        "build": BUILD, "js": "atrium.js", "wasm": "atrium_bg.wasm", "loader": "__wasm_split.js",
        "splits": {"alerting_area_1": ["chunk_0", "split_alerting_area_1"]},
        "catalogues": {"en": "en.0123456789abcdef.ftl", "ar": "ar.0123456789abcdef.ftl"},
    });
    std::fs::write(pkg.join("assets.json"), manifest.to_string()).expect("manifest");
    root
}

/// The build folder of [`built_site`].
const BUILD: &str = "fedcba9876543210";

#[sqlx::test(migrations = "../migrations")]
async fn assets_are_hashed_precompressed_and_cached_for_a_year(_: PgPoolOptions, options: PgConnectOptions) {
    let app = common::spawn_app(options).await;
    let site = built_site();
    let router = app.router_with_site(&site);
    let get_as = |path: &str, encodings: &str, cookie: Option<&str>| {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if !encodings.is_empty() {
            request = request.header(header::ACCEPT_ENCODING, encodings);
        }
        let router = router.clone();
        let request = request.body(Body::empty()).expect("request");
        async move {
            let response = router.oneshot(request).await.expect("response");
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.expect("body").to_bytes();
            (
                parts.status,
                parts.headers,
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        }
    };
    let get = |path: &str, encodings: &str| get_as(path, encodings, None);
    let js = format!("/pkg/{BUILD}/atrium.js");
    let js = js.as_str();
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), format!("br:{}", &js[1..])),
        ("gzip", Some("gzip"), format!("gz:{}", &js[1..])),
        ("", None, "export default function(){}".to_owned()),
    ] {
        let (status, headers, text) = get(js, accept).await;
        assert_eq!(status, StatusCode::OK, "{accept}");
        assert_eq!(
            headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()),
            encoding,
            "{accept}"
        );
        assert_eq!(text, body, "{accept}");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .contains("javascript")
        );
        assert!(
            headers[header::VARY]
                .to_str()
                .expect("vary")
                .contains("accept-encoding")
        );
    }
    // A missing file is not cached for a year.
    let (status, headers, _) = get("/pkg/ffffffffffffffff/atrium.js", "br").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_ne!(
        headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"public, max-age=31536000, immutable"[..])
    );
    // Unhashed files of the site root: precompressed, revalidated.
    let (status, headers, text) = get("/favicon.svg", "gzip").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "gz:favicon.svg");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    // Pages link the hashed names and are never stored; the sign-in page needs no area's files.
    let (status, headers, html) = get("/login", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let chunk = format!("/pkg/{BUILD}/chunk_0.wasm");
    let split = format!("/pkg/{BUILD}/split_alerting_area_1.wasm");
    for name in [
        js,
        &format!("/pkg/{BUILD}/atrium_bg.wasm"),
        &format!("/pkg/{BUILD}/__wasm_split.js"),
        "/pkg/atrium.0123456789abcdef.css",
        "/pkg/echarts.min.0123456789abcdef.js",
        // The page's catalogue (English: the request names no language), preloaded.
        "/pkg/en.0123456789abcdef.ftl",
    ] {
        assert!(html.contains(name), "{name} in the page");
    }
    // Catalogues are hashed files like the rest: precompressed, kept for a year.
    let (status, headers, text) = get("/pkg/ar.0123456789abcdef.ftl", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "br:pkg/ar.0123456789abcdef.ftl");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert!(
        !html.contains(&chunk) && !html.contains(&split),
        "no area files on /login"
    );
    // A page of an area preloads that area's files, and they are served like the rest.
    let admin = app.sign_in("admin@atrium.test").await;
    let (status, _, html) = get_as("/alerts/rules", "", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    for name in [&chunk, &split] {
        assert!(
            html.contains(&format!(
                r#"<link rel="preload" href="{name}" as="fetch" type="application/wasm""#
            )),
            "{name} preloaded in {html}"
        );
        let (status, headers, text) = get(name, "br").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(text, format!("br:{}", &name[1..]));
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    }
    // Anything else is still the app's: its 404 page, for any method.
    let (status, _, html) = get("/no-such-page", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("<html"), "the app's 404 page");
    let post = Request::post("/no-such-page").body(Body::empty()).expect("request");
    assert_eq!(
        router.clone().oneshot(post).await.expect("response").status(),
        StatusCode::NOT_FOUND
    );
    std::fs::remove_dir_all(&site).expect("clean up");
}
