//! Metrics ingestion and panels over HTTP on a real database: validation and error bodies, HMAC
//! signatures, the daily quota, rollup and percentile correctness against brute force, retention
//! by partition, and tenant isolation of reads.

use crate::common;

use atrium_app::api_keys::api::{CreateApiKey, UpdateIngestSigning};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

struct Key {
    key: String,
    signing_secret: String,
}

async fn create_key(app: &TestApp, email: &str, scopes: &[&str]) -> Key {
    let cookie = app.sign_in(email).await;
    let mut form = vec![("name", "test key".to_owned()), ("expires_in_days", "never".to_owned())];
    for (i, scope) in scopes.iter().enumerate() {
        form.push((["scopes[0]", "scopes[1]"][i], (*scope).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = app.call(CreateApiKey::PATH, Some(&cookie), &form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let issued = reply.json();
    Key {
        key: issued["key"].as_str().expect("key").to_owned(),
        signing_secret: issued["signing_secret"].as_str().expect("signing secret").to_owned(),
    }
}

async fn post(
    app: &TestApp,
    key: Option<&str>,
    content_type: &str,
    body: impl Into<Body>,
    extra: &[(&str, String)],
) -> Reply {
    let mut request = Request::post("/api/v1/metrics").header(header::CONTENT_TYPE, content_type);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    for (name, value) in extra {
        request = request.header(*name, value);
    }
    app.send(request.body(body.into()).expect("request")).await
}

async fn send_points(app: &TestApp, key: &str, points: Value) -> Reply {
    post(app, Some(key), "application/json", points.to_string(), &[]).await
}

async fn get_with_key(app: &TestApp, key: &str, path: &str) -> Reply {
    let request = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {key}"));
    app.send(request.body(Body::empty()).expect("request")).await
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The exact quantile by the rank DDSketch uses (⌊q·(n−1)⌋ of the sorted values).
fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
}

#[sqlx::test(migrations = "../migrations")]
async fn rollups_and_percentiles_match_brute_force(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:write", "metrics:read"]).await;
    // All points in one minute bucket, sent in several batches so stored rollups are merged.
    let minute = (now_ms() / 60_000 - 1) * 60_000;
    let mut state = 17u64;
    let mut all = Vec::new();
    let mut host_a = Vec::new();
    for batch in 0..5 {
        let points: Vec<Value> = (0..400)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let value = ((state >> 11) as f64 / (1u64 << 53) as f64 * 6.0).exp();
                let host = if i % 3 == 0 { "a" } else { "b" };
                all.push(value);
                if host == "a" {
                    host_a.push(value);
                }
                json!({"metric": "http.latency_ms", "value": value, "ts": minute + (batch * 400 + i) * 10,
                       "labels": {"host": host, "region": "eu"}})
            })
            .collect();
        let reply = send_points(&app, &key.key, json!({ "points": points })).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json()["accepted"], 400);
    }
    for (labels, values) in [("", &mut all), ("host=a", &mut host_a)] {
        values.sort_by(f64::total_cmp);
        let reply = get_with_key(
            &app,
            &key.key,
            &format!("/api/v1/metrics/http.latency_ms/panel?range=1h&bucket=minute&labels={labels}"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let panel = reply.json();
        let points = panel["points"].as_array().expect("points");
        assert_eq!(points.len(), 1, "one minute bucket: {panel}");
        let point = &points[0];
        assert_eq!(point["count"].as_u64(), Some(values.len() as u64), "{labels}");
        let sum: f64 = values.iter().sum();
        assert!((point["sum"].as_f64().expect("sum") - sum).abs() < 1e-6 * sum);
        assert_eq!(point["min"].as_f64(), values.first().copied());
        assert_eq!(point["max"].as_f64(), values.last().copied());
        for (field, q) in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)] {
            let exact = exact_quantile(values, q);
            let estimate = point[field].as_f64().expect("quantile");
            assert!(
                (estimate - exact).abs() <= 0.01 * exact,
                "{labels} {field}: estimate {estimate} vs exact {exact}"
            );
        }
    }
    // The hour rollup holds the same points.
    let hourly = get_with_key(
        &app,
        &key.key,
        "/api/v1/metrics/http.latency_ms/panel?range=24h&bucket=hour",
    )
    .await;
    let total: u64 = hourly.json()["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 2_000);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_points_are_listed_and_bad_requests_get_stable_codes(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:write"]).await;
    let reply = send_points(
        &app,
        &key.key,
        json!([
            {"metric": "cpu.load", "value": 0.5},
            {"metric": "CPU", "value": 1},
            {"metric": "cpu.load", "value": "high"},
            {"metric": "cpu.load", "value": 1, "ts": "2020-01-01T00:00:00Z"},
            {"metric": "cpu.load", "value": 1, "labels": {"9bad": "x"}},
        ]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::MULTI_STATUS, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["accepted"], 1);
    let rejected: Vec<(u64, String)> = body["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap_or(99),
                r["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            (1, "invalid_metric_name".to_owned()),
            (2, "invalid_value".to_owned()),
            (3, "timestamp_too_old".to_owned()),
            (4, "invalid_labels".to_owned()),
        ]
    );
    assert!(body["rejected"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));

    let none = send_points(&app, &key.key, json!([{"metric": "x", "value": null}])).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(none.json()["error"]["code"], "invalid_points");
    assert_eq!(none.json()["error"]["rejected"][0]["code"], "missing_value");

    let syntax = post(&app, Some(&key.key), "application/json", "[{\"metric\": \"x\",,}]", &[]).await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    let error = &syntax.json()["error"];
    assert_eq!(error["code"], "invalid_json");
    assert_eq!((error["line"].as_u64(), error["column"].as_u64()), (Some(1), Some(17)));

    let many: Vec<Value> = (0..10_001).map(|_| json!({"metric": "x", "value": 1})).collect();
    let too_many = send_points(&app, &key.key, Value::Array(many)).await;
    assert_eq!(too_many.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_many.json()["error"]["code"], "too_many_points");

    let huge = format!(
        "[{{\"metric\":\"x\",\"value\":1,\"labels\":{{\"k\":\"{}\"}}}}]",
        "v".repeat(1_100_000)
    );
    let too_large = post(&app, Some(&key.key), "application/json", huge, &[]).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.json()["error"]["code"], "payload_too_large");

    let ndjson = "{\"metric\":\"net.rx\",\"value\":1}\nnot json\n{\"metric\":\"net.rx\",\"value\":2}\n";
    let streamed = post(&app, Some(&key.key), "application/x-ndjson", ndjson, &[]).await;
    assert_eq!(streamed.status, StatusCode::MULTI_STATUS, "{}", streamed.body);
    assert_eq!(streamed.json()["accepted"], 2);
    assert_eq!(streamed.json()["rejected"][0]["index"], 1);

    let anonymous = post(&app, None, "application/json", "[]", &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "missing_api_key");
    let unknown = post(&app, Some("atr_abcdefgh_notarealsecret"), "application/json", "[]", &[]).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.json()["error"]["code"], "invalid_api_key");
    let reader = create_key(&app, "alice@acme.test", &["metrics:read"]).await;
    let refused = send_points(&app, &reader.key, json!([{"metric": "x", "value": 1}])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"]["code"], "missing_scope");
    let reading = get_with_key(&app, &key.key, "/api/v1/metrics").await;
    assert_eq!(reading.status, StatusCode::FORBIDDEN, "a write-only key cannot read");
}

/// A random nonce as a client would send it: 128 bits in hex.
fn fresh_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The three signature headers for `method path` with `body`, signed now with a fresh nonce.
fn signature(key: &Key, method: &str, path: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    signature_at(key, chrono::Utc::now().timestamp(), &fresh_nonce(), method, path, body)
}

fn signature_at(
    key: &Key,
    timestamp: i64,
    nonce: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    use atrium_app::api_keys::auth::{SignedRequest, sign};
    let request = SignedRequest {
        method,
        path_and_query: path,
        body,
    };
    vec![
        ("x-atrium-timestamp", timestamp.to_string()),
        ("x-atrium-nonce", nonce.to_owned()),
        (
            "x-atrium-signature",
            sign(&key.signing_secret, timestamp, nonce, &request),
        ),
    ]
}

async fn get_signed(app: &TestApp, key: &str, path: &str, extra: &[(&str, String)]) -> Reply {
    let mut request = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {key}"));
    for (name, value) in extra {
        request = request.header(*name, value);
    }
    app.send(request.body(Body::empty()).expect("request")).await
}

async fn require_signing(app: &TestApp, email: &str) {
    let admin = app.sign_in(email).await;
    let required = app
        .call(UpdateIngestSigning::PATH, Some(&admin), &[("required", "true")])
        .await;
    assert_eq!(required.status, StatusCode::OK, "{}", required.body);
}

fn code(reply: &Reply) -> String {
    reply.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn signed_ingestion_is_enforced_when_the_tenant_requires_it(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:write"]).await;
    let body = json!([{"metric": "signed.metric", "value": 1}]).to_string();
    require_signing(&app, "alice@acme.test").await;

    let unsigned = post(&app, Some(&key.key), "application/json", body.clone(), &[]).await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&unsigned), "signature_required");

    let good = signature(&key, "POST", "/api/v1/metrics", body.as_bytes());
    let signed = post(&app, Some(&key.key), "application/json", body.clone(), &good).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);

    // The very same request again, within the window: a replay.
    let replayed = post(&app, Some(&key.key), "application/json", body.clone(), &good).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&replayed), "replayed_request");

    let tampered = post(&app, Some(&key.key), "application/json", body.replace('1', "2"), &good).await;
    assert_eq!(code(&tampered), "invalid_signature");

    // Signed for another method or another target (query included) does not verify here.
    for (method, path) in [
        ("PUT", "/api/v1/metrics"),
        ("GET", "/api/v1/metrics"),
        ("POST", "/api/v1/metrics?dry_run=1"),
        ("POST", "/api/v1/metrics/"),
    ] {
        let aimed_elsewhere = signature(&key, method, path, body.as_bytes());
        let reply = post(&app, Some(&key.key), "application/json", body.clone(), &aimed_elsewhere).await;
        assert_eq!(code(&reply), "invalid_signature", "{method} {path}");
    }

    let old = chrono::Utc::now().timestamp() - 301;
    let stale = signature_at(&key, old, &fresh_nonce(), "POST", "/api/v1/metrics", body.as_bytes());
    let late = post(&app, Some(&key.key), "application/json", body.clone(), &stale).await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&late), "stale_signature");

    // The retired scheme: a correct v1 signature is refused with a code that says why.
    let now = chrono::Utc::now().timestamp();
    let v1 = vec![
        ("x-atrium-timestamp", now.to_string()),
        (
            "x-atrium-signature",
            atrium_app::api_keys::auth::sign_v1(&key.signing_secret, now, body.as_bytes()),
        ),
    ];
    let refused = post(&app, Some(&key.key), "application/json", body.clone(), &v1).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&refused), "signature_version_unsupported");

    let mut no_nonce = signature(&key, "POST", "/api/v1/metrics", body.as_bytes());
    no_nonce.retain(|(name, _)| *name != "x-atrium-nonce");
    let refused = post(&app, Some(&key.key), "application/json", body, &no_nonce).await;
    assert_eq!(code(&refused), "invalid_nonce");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_key_route_requires_a_signature_when_the_tenant_does(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:read", "metrics:write"]).await;
    let body = json!([{"metric": "read.signed", "value": 3}]).to_string();
    let stored = send_points(&app, &key.key, serde_json::from_str(&body).expect("json")).await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    require_signing(&app, "alice@acme.test").await;

    let panel = "/api/v1/metrics/read.signed/panel?range=1h&bucket=minute";
    // Every route the access registry declares as API-key authenticated, so a new one is covered
    // without anyone remembering to add it here; a path parameter this test cannot fill fails.
    let key_routes: Vec<String> = atrium_app::shell::registry::REST_ROUTES
        .iter()
        .filter(|(_, access)| matches!(access, atrium_app::permissions::types::Access::ApiKey(_)))
        .map(|(route, _)| {
            let path = route.replace("{metric}", "read.signed");
            assert!(!path.contains('{'), "fill the parameters of {route}");
            // Query parameters a read needs; routes without them ignore the query.
            format!("{path}?range=1h&bucket=minute")
        })
        .collect();
    assert!(key_routes.len() >= 2, "{key_routes:?}");
    for path in &key_routes {
        let unsigned = get_signed(&app, &key.key, path, &[]).await;
        assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED, "{path}: {}", unsigned.body);
        assert_eq!(code(&unsigned), "signature_required", "{path}");
    }
    for path in ["/api/v1/metrics", panel] {
        let unsigned = get_signed(&app, &key.key, path, &[]).await;
        assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED, "{path}: {}", unsigned.body);
        assert_eq!(code(&unsigned), "signature_required", "{path}");

        // A GET signs an empty body.
        let good = signature(&key, "GET", path, b"");
        let signed = get_signed(&app, &key.key, path, &good).await;
        assert_eq!(signed.status, StatusCode::OK, "{path}: {}", signed.body);
        let replayed = get_signed(&app, &key.key, path, &good).await;
        assert_eq!(code(&replayed), "replayed_request", "{path}");
    }
    let listed = get_signed(
        &app,
        &key.key,
        "/api/v1/metrics",
        &signature(&key, "GET", "/api/v1/metrics", b""),
    )
    .await;
    assert!(listed.body.contains("read.signed"), "{}", listed.body);

    // Signed for one panel or one query, sent for another: refused.
    let other_query = signature(
        &key,
        "GET",
        "/api/v1/metrics/read.signed/panel?range=24h&bucket=hour",
        b"",
    );
    assert_eq!(
        code(&get_signed(&app, &key.key, panel, &other_query).await),
        "invalid_signature"
    );
    let list_signature = signature(&key, "GET", "/api/v1/metrics", b"");
    assert_eq!(
        code(&get_signed(&app, &key.key, panel, &list_signature).await),
        "invalid_signature"
    );
    // The path is signed as sent: percent-encoding is not undone before verifying.
    let encoded = "/api/v1/metrics/read%2Esigned/panel?range=1h&bucket=minute";
    let decoded_signature = signature(&key, "GET", panel, b"");
    assert_eq!(
        code(&get_signed(&app, &key.key, encoded, &decoded_signature).await),
        "invalid_signature"
    );
    // A body on a GET is not what was signed: GETs sign an empty one.
    let with_body = signature(&key, "GET", "/api/v1/metrics", b"x");
    assert_eq!(
        code(&get_signed(&app, &key.key, "/api/v1/metrics", &with_body).await),
        "invalid_signature"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_present_signature_is_checked_when_signing_is_optional(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:read", "metrics:write"]).await;
    assert_eq!(
        get_signed(&app, &key.key, "/api/v1/metrics", &[]).await.status,
        StatusCode::OK
    );

    let wrong = signature(&key, "GET", "/api/v1/metrics?x=1", b"");
    let reply = get_signed(&app, &key.key, "/api/v1/metrics", &wrong).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&reply), "invalid_signature");

    let good = signature(&key, "GET", "/api/v1/metrics", b"");
    assert_eq!(
        get_signed(&app, &key.key, "/api/v1/metrics", &good).await.status,
        StatusCode::OK
    );
    assert_eq!(
        code(&get_signed(&app, &key.key, "/api/v1/metrics", &good).await),
        "replayed_request"
    );

    let body = json!([{"metric": "optional.signed", "value": 1}]).to_string();
    let now = chrono::Utc::now().timestamp();
    let v1 = vec![
        ("x-atrium-timestamp", now.to_string()),
        (
            "x-atrium-signature",
            atrium_app::api_keys::auth::sign_v1(&key.signing_secret, now, body.as_bytes()),
        ),
    ];
    let refused = post(&app, Some(&key.key), "application/json", body, &v1).await;
    assert_eq!(code(&refused), "signature_version_unsupported");
}

#[sqlx::test(migrations = "../migrations")]
async fn one_nonce_used_by_two_tenants_is_no_replay(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let acme = create_key(&app, "alice@acme.test", &["metrics:read"]).await;
    let globex = create_key(&app, "gina@globex.test", &["metrics:read"]).await;
    require_signing(&app, "alice@acme.test").await;
    require_signing(&app, "gina@globex.test").await;
    let now = chrono::Utc::now().timestamp();
    let nonce = "the-same-nonce-for-both";
    for key in [&acme, &globex] {
        let headers = signature_at(key, now, nonce, "GET", "/api/v1/metrics", b"");
        let reply = get_signed(&app, &key.key, "/api/v1/metrics", &headers).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    // And each key's own second use is still a replay.
    for key in [&acme, &globex] {
        let headers = signature_at(key, now, nonce, "GET", "/api/v1/metrics", b"");
        assert_eq!(
            code(&get_signed(&app, &key.key, "/api/v1/metrics", &headers).await),
            "replayed_request"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_daily_quota_answers_429_and_keeps_nothing(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options.clone()).await;
    let key = create_key(&app, "gina@globex.test", &["metrics:write"]).await;
    let mut owner = options.connect().await.expect("owner");
    let quota: i64 =
        sqlx::query_scalar("SELECT value FROM plan_limits WHERE plan = 'free' AND limit_name = 'points_per_day'")
            .fetch_one(&mut owner)
            .await
            .expect("the free plan's daily points");
    sqlx::query(
        "INSERT INTO usage_daily (tenant_id, day, points)
         SELECT tenant_id, (now() AT TIME ZONE 'UTC')::date, $1 FROM tenants WHERE slug = 'globex'",
    )
    .bind(quota - 1)
    .execute(&mut owner)
    .await
    .expect("usage");
    let reply = send_points(
        &app,
        &key.key,
        json!([{"metric": "q", "value": 1}, {"metric": "q", "value": 2}]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "quota_exceeded");
    let retry: u64 = reply.headers[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=86_400).contains(&retry));
    let stored: i64 = sqlx::query_scalar("SELECT coalesce(sum(cardinality(ts)), 0)::int8 FROM point_chunks")
        .fetch_one(&mut owner)
        .await
        .expect("count");
    assert_eq!(stored, 0, "a refused batch writes nothing");
    let one = send_points(&app, &key.key, json!([{"metric": "q", "value": 1}])).await;
    assert_eq!(one.status, StatusCode::OK, "the last point of the quota still fits");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_cannot_read_the_metrics(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let acme = create_key(&app, "alice@acme.test", &["metrics:write", "metrics:read"]).await;
    let globex = create_key(&app, "gina@globex.test", &["metrics:read"]).await;
    let sent = send_points(&app, &acme.key, json!([{"metric": "secret.revenue", "value": 1e6}])).await;
    assert_eq!(sent.status, StatusCode::OK);
    let own = get_with_key(&app, &acme.key, "/api/v1/metrics").await;
    assert_eq!(own.json()["metrics"][0]["name"], "secret.revenue");
    let other = get_with_key(&app, &globex.key, "/api/v1/metrics").await;
    assert_eq!(other.json()["metrics"], json!([]));
    let panel = get_with_key(&app, &globex.key, "/api/v1/metrics/secret.revenue/panel").await;
    assert_eq!(panel.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", panel.body);
    assert!(
        panel.body.contains("\"metric\""),
        "the metric is unknown to Globex: {}",
        panel.body
    );
    // The UI's server function, as a Globex admin naming the metric: same answer.
    let gina = app.sign_in("gina@globex.test").await;
    let listed = app
        .call(atrium_app::analytics::api::ListMetrics::PATH, Some(&gina), &[])
        .await;
    assert_eq!(listed.json(), json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn raw_points_are_kept_exactly_and_only_for_their_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::db::TenantTx;
    use atrium_app::ids::TenantId;
    let app = spawn_app(options.clone()).await;
    let key = create_key(&app, "alice@acme.test", &["metrics:write"]).await;
    // The start of the previous hour: the points stay within one UTC day whenever the test runs.
    let start = (now_ms() / 3_600_000 - 1) * 3_600_000;
    // 250 points of one series, sent newest first (stored as chunks of 100, 100 and 50 in time
    // order), and one point of another series.
    let mut sent: Vec<(i64, f64)> = (0..250i64)
        .map(|i| (start + i * 1_000 + i % 7, i as f64 * 1.25 - 100.0 + 1e-9 * i as f64))
        .rev()
        .collect();
    let mut points: Vec<Value> = sent
        .iter()
        .map(|(ts, value)| json!({"metric": "raw.kept", "ts": ts, "value": value, "labels": {"host": "a"}}))
        .collect();
    points.push(json!({"metric": "raw.kept", "ts": start, "value": 0.5, "labels": {"host": "b"}}));
    let reply = send_points(&app, &key.key, json!(points)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let mut owner = options.connect().await.expect("owner");
    let stored: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT (extract(epoch FROM p.t) * 1000)::int8, p.v
         FROM point_chunks c JOIN series s USING (tenant_id, series_id), unnest(c.ts, c.value) AS p (t, v)
         WHERE s.labels = '{\"host\": \"a\"}' ORDER BY p.t",
    )
    .fetch_all(&mut owner)
    .await
    .expect("points");
    sent.sort_by_key(|(ts, _)| *ts);
    assert_eq!(stored, sent, "every point back, exactly, in time order");
    let mut sizes: Vec<i32> = sqlx::query_scalar("SELECT cardinality(ts) FROM point_chunks")
        .fetch_all(&mut owner)
        .await
        .expect("chunks");
    sizes.sort_unstable();
    assert_eq!(sizes, vec![1, 50, 100, 100]);
    let retention: i16 = sqlx::query_scalar("SELECT retention_days FROM point_chunks LIMIT 1")
        .fetch_one(&mut owner)
        .await
        .expect("class");

    // Globex, in its own tenant transaction as the app role, sees none of it and cannot write
    // a chunk in Acme's name (at the points' time, into a partition that exists, so only the
    // policy can refuse; `now()` may be a day without one, just after midnight UTC).
    let acme = TenantId(app.tenant_id("acme").await.expect("acme").parse().expect("uuid"));
    let globex = TenantId(app.tenant_id("globex").await.expect("globex").parse().expect("uuid"));
    let mut tx = TenantTx::begin(&app.db, globex).await.expect("tx");
    let visible: i64 = sqlx::query_scalar("SELECT count(*) FROM point_chunks")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(visible, 0);
    let at = chrono::DateTime::from_timestamp_millis(start).expect("start");
    let forged = sqlx::query(
        "INSERT INTO point_chunks (tenant_id, series_id, first_ts, last_ts, ts, value, retention_days)
         VALUES ($1, gen_random_uuid(), $3, $3, ARRAY[$3::timestamptz], ARRAY[1.0::float8], $2)",
    )
    .bind(acme.0)
    .bind(retention)
    .bind(at)
    .execute(&mut *tx)
    .await
    .expect_err("another tenant's chunk is refused");
    assert!(forged.to_string().contains("row-level security"), "{forged}");
}

#[sqlx::test(migrations = "../migrations")]
async fn retention_drops_whole_expired_partitions(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options.clone()).await;
    let key = create_key(&app, "gina@globex.test", &["metrics:write"]).await;
    let reply = send_points(&app, &key.key, json!([{"metric": "kept", "value": 1}])).await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut owner = options.connect().await.expect("owner");
    let partitions = |sql: &'static str| sqlx::query_scalar::<_, String>(sql);
    let list = "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'point_chunks_r7' ORDER BY 1";
    let before = partitions(list).fetch_all(&mut owner).await.expect("list");
    assert_eq!(before.len(), 1, "Globex (Free) keeps raw points 7 days: {before:?}");
    let today_kept = partitions("SELECT drop_expired_points_partitions(now())")
        .fetch_all(&mut owner)
        .await
        .expect("drop");
    assert!(today_kept.is_empty());
    let dropped = partitions("SELECT drop_expired_points_partitions(now() + interval '9 days')")
        .fetch_all(&mut owner)
        .await
        .expect("drop");
    assert_eq!(dropped, before);
    let count: i64 = sqlx::query_scalar("SELECT coalesce(sum(cardinality(ts)), 0)::int8 FROM point_chunks")
        .fetch_one(&mut owner)
        .await
        .expect("count");
    assert_eq!(count, 0);
    let rollups: i64 = sqlx::query_scalar("SELECT count(*) FROM rollups")
        .fetch_one(&mut owner)
        .await
        .expect("count");
    assert_eq!(rollups, 4, "rollups outlive raw points");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_cannot_change_a_metric(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::analytics::api::{ListMetrics, UpdateMetric};
    let app = spawn_app(options).await;
    let acme = create_key(&app, "alice@acme.test", &["metrics:write"]).await;
    let sent = send_points(&app, &acme.key, json!([{"metric": "orders.count", "value": 3}])).await;
    assert_eq!(sent.status, StatusCode::OK);
    let alice = app.sign_in("alice@acme.test").await;
    let metric = app.call(ListMetrics::PATH, Some(&alice), &[]).await.json()[0].clone();
    let metric_id = metric["metric_id"].as_str().expect("id").to_owned();
    // Globex's admin, in their own tenant (RLS hides Acme's row) and naming Acme's tenant.
    let gina = app.sign_in("gina@globex.test").await;
    let acme_id = app.tenant_id("acme").await.expect("acme");
    let own = app
        .call(
            UpdateMetric::PATH,
            Some(&gina),
            &[("metric_id", &metric_id), ("unit", "ms"), ("description", "x")],
        )
        .await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "{}", own.body);
    let named = app
        .call(
            UpdateMetric::PATH,
            Some(&gina),
            &[
                ("tenant_id", &acme_id),
                ("metric_id", &metric_id),
                ("unit", "ms"),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(named.status, StatusCode::NOT_FOUND, "{}", named.body);
    let after = app.call(ListMetrics::PATH, Some(&alice), &[]).await.json()[0].clone();
    assert_eq!(
        (after["unit"].as_str(), after["description"].as_str()),
        (Some(""), Some(""))
    );
    // Alice can, and it is audited.
    let done = app
        .call(
            UpdateMetric::PATH,
            Some(&alice),
            &[("metric_id", &metric_id), ("unit", "ms"), ("description", "Orders")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(app.audit_actions().await.iter().any(|a| a == "metric.update"));
}

/// The globex workspace's id, which the seed creates on the free plan.
async fn globex(owner: &mut sqlx::PgConnection) -> atrium_app::ids::TenantId {
    let id: uuid::Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE slug = 'globex'")
        .fetch_one(owner)
        .await
        .expect("globex");
    atrium_app::ids::TenantId(id)
}

#[sqlx::test(migrations = "../migrations")]
async fn batches_written_together_are_each_judged_alone(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::analytics::commit::{IngestError, ingest_batches};
    use atrium_app::analytics::ingest::{BodyFormat, IngestLimits, parse_batch};
    let app = spawn_app(options.clone()).await;
    let mut owner = options.connect().await.expect("owner");
    let tenant = globex(&mut owner).await;
    let quota: i64 =
        sqlx::query_scalar("SELECT value FROM plan_limits WHERE plan = 'free' AND limit_name = 'points_per_day'")
            .fetch_one(&mut owner)
            .await
            .expect("the free plan's daily points");
    sqlx::query("INSERT INTO usage_daily (tenant_id, day, points) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2)")
        .bind(tenant.0)
        .bind(quota - 3)
        .execute(&mut owner)
        .await
        .expect("usage");
    let now = chrono::Utc::now();
    let batch = |points: Value| {
        parse_batch(
            points.to_string().as_bytes(),
            BodyFormat::Json,
            &IngestLimits::default(),
            now,
        )
        .expect("parses")
    };
    let batches = [
        batch(json!([{"metric": "g", "value": 1}, {"metric": "g", "value": 2, "labels": {"host": "a"}}])),
        batch(json!([{"metric": "g", "value": 3}, {"metric": "g", "value": 4}])),
        batch(json!([{"metric": "g", "value": 5}, {"metric": "Bad Name", "value": 6}])),
    ];
    let outcomes = ingest_batches(&app.db, tenant, atrium_app::tenants::types::Plan::Free, &batches, now)
        .await
        .expect("one transaction");
    let accepted: Vec<Option<usize>> = outcomes.iter().map(|o| o.as_ref().ok().map(|r| r.accepted)).collect();
    assert_eq!(
        accepted,
        vec![Some(2), None, Some(1)],
        "the second would pass the quota"
    );
    assert!(matches!(outcomes[1], Err(IngestError::QuotaExceeded { .. })));
    let third = outcomes[2].as_ref().expect("third");
    assert_eq!(third.rejected.len(), 1, "its own refusal, with its own index");
    assert_eq!(third.rejected[0].index, 1);
    let (stored, used): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(cardinality(ts)), 0)::int8 FROM point_chunks),
                (SELECT points FROM usage_daily WHERE tenant_id = $1)",
    )
    .bind(tenant.0)
    .fetch_one(&mut owner)
    .await
    .expect("count");
    assert_eq!(
        (stored, used),
        (3, quota),
        "the first and the third are kept, and counted"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_batches_of_one_tenant_are_each_committed_once(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options.clone()).await;
    let key = create_key(&app, "gina@globex.test", &["metrics:write"]).await;
    let start = now_ms() - 60_000;
    let bodies: Vec<Value> = (0..8)
        .map(|b| {
            Value::Array(
                (0..50)
                    .map(|i| {
                        json!({"metric": "lane", "value": b * 50 + i, "ts": start + i64::from(i) * 500,
                                    "labels": {"host": format!("h{}", i % 3)}})
                    })
                    .collect(),
            )
        })
        .collect();
    let replies = futures::future::join_all(bodies.into_iter().map(|body| send_points(&app, &key.key, body))).await;
    for reply in &replies {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json()["accepted"], 50);
    }
    let mut owner = options.connect().await.expect("owner");
    let (stored, rolled, series): (i64, i64, i64) = sqlx::query_as(
        "WITH lane AS (SELECT tenant_id, metric_id FROM metrics WHERE name = 'lane')
         SELECT (SELECT coalesce(sum(cardinality(c.ts)), 0)::int8 FROM point_chunks c
                  JOIN series s USING (tenant_id, series_id) JOIN lane USING (tenant_id, metric_id)),
                (SELECT coalesce(sum(r.count), 0)::int8 FROM rollups r JOIN lane USING (tenant_id, metric_id)
                  WHERE r.resolution_s = 3600 AND r.series_id = '00000000-0000-0000-0000-000000000000'),
                (SELECT count(*) FROM series JOIN lane USING (tenant_id, metric_id))",
    )
    .fetch_one(&mut owner)
    .await
    .expect("counts");
    assert_eq!((stored, rolled, series), (400, 400, 3));
}
