//! Erasing a whole workspace over HTTP on the seeded demo: only its administrators ask, with the
//! slug typed again; another workspace never sees or cancels it; a platform administrator (or the
//! workspace) cancels before the delay and not after; once the delay has run out the job's pass
//! purges every row of the workspace, raw points and audit trail included, records `tenant.erase`
//! on the platform chain and leaves every other workspace as it was.

use crate::common;

use atrium_app::auth::api::GetCurrentUser;
use atrium_app::db::PlatformGuard;
use atrium_app::tenants::api::{DeleteTenant, GetTenant};
use atrium_app::tenants::erasure::api::{CancelWorkspaceErasure, RequestWorkspaceErasure};
use atrium_app::tenants::erasure::purge::purge_due;
use atrium_app::tenants::types::DEFAULT_ERASE_DELAY_HOURS;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use common::{TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::json;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Rows of `tenant` in every table with a `tenant_id` (the tenants table included), as the
/// owner sees them: the tables that hold any, with their counts.
async fn rows_of(owner: &PgPool, tenant: &str) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND n.nspname = 'public'
            AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          ORDER BY 1",
    )
    .fetch_all(owner)
    .await
    .expect("tables");
    let mut held = Vec::new();
    for table in tables {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE tenant_id = $1::uuid"))
            .bind(tenant)
            .fetch_one(owner)
            .await
            .expect("count");
        if count > 0 {
            held.push((table, count));
        }
    }
    held
}

/// Sends a few points as `email`'s workspace through an API key, and waits until they are stored.
async fn store_points(app: &TestApp, owner: &PgPool, email: &str, tenant: &str) {
    use atrium_app::api_keys::api::CreateApiKey;
    let cookie = app.sign_in(email).await;
    let issued = app
        .call(
            CreateApiKey::PATH,
            Some(&cookie),
            &[
                ("name", "erasure"),
                ("expires_in_days", "never"),
                ("scopes[0]", "metrics:write"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let key = issued.json()["key"].as_str().expect("key").to_owned();
    let now = Utc::now().timestamp_millis();
    let points: Vec<_> = (0..50)
        .map(|i| json!({"metric": "erasure.check", "value": i, "ts": now - i * 1000, "labels": {"host": "a"}}))
        .collect();
    let request = Request::post("/api/v1/metrics")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::from(json!({ "points": points }).to_string()))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    for _ in 0..100 {
        let chunks: i64 = sqlx::query_scalar("SELECT count(*) FROM point_chunks WHERE tenant_id = $1::uuid")
            .bind(tenant)
            .fetch_one(owner)
            .await
            .expect("chunks");
        if chunks > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the points were never stored");
}

fn time(value: &serde_json::Value) -> DateTime<Utc> {
    value.as_str().and_then(|t| t.parse().ok()).expect("a timestamp")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workspace_is_erased_whole_and_only_after_its_delay(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let globex = app.tenant_id("globex").await.expect("globex");
    store_points(&app, &owner, "alice@acme.test", &acme).await;
    store_points(&app, &owner, "gina@globex.test", &globex).await;
    let acme_rows = rows_of(&owner, &acme).await;
    for table in [
        "tenants",
        "users",
        "point_chunks",
        "series",
        "metrics",
        "audit_events",
        "api_keys",
    ] {
        assert!(
            acme_rows.iter().any(|(t, _)| t == table),
            "acme holds {table}: {acme_rows:?}"
        );
    }

    // Only an administrator of the workspace asks, and only with its slug typed exactly.
    let mark = app.sign_in("mark@acme.test").await;
    let manager = app
        .call(RequestWorkspaceErasure::PATH, Some(&mark), &[("confirm", "acme")])
        .await;
    assert_eq!(manager.status, StatusCode::FORBIDDEN, "{}", manager.body);
    let alice = app.sign_in("alice@acme.test").await;
    let mistyped = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", "acm")])
        .await;
    assert_eq!(mistyped.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", mistyped.body);
    assert!(mistyped.body.contains("confirm"), "{}", mistyped.body);
    let none = app.call(GetCurrentUser::PATH, Some(&alice), &[]).await;
    assert!(none.json()["workspace"]["erase_on"].is_null(), "{}", none.body);
    assert_eq!(none.json()["workspace"]["erase_delay_hours"], DEFAULT_ERASE_DELAY_HOURS);

    let asked = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", " acme ")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let pending = asked.json();
    let delay = time(&pending["erase_after"]) - time(&pending["requested_at"]);
    assert_eq!(delay, Duration::hours(i64::from(DEFAULT_ERASE_DELAY_HOURS)));
    assert_eq!(pending["requested_by"], "alice@acme.test");
    let again = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", "acme")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // Every member learns of it with their session; another workspace neither sees nor cancels it.
    let victor = app.sign_in("victor@acme.test").await;
    let seen = app.call(GetCurrentUser::PATH, Some(&victor), &[]).await;
    assert_eq!(
        seen.json()["workspace"]["erase_on"],
        atrium_app::i18n::format_time(time(&pending["erase_after"])),
        "{}",
        seen.body
    );
    let gina = app.sign_in("gina@globex.test").await;
    let theirs = app.call(GetCurrentUser::PATH, Some(&gina), &[]).await;
    assert!(theirs.json()["workspace"]["erase_on"].is_null(), "{}", theirs.body);
    let foreign = app
        .call(CancelWorkspaceErasure::PATH, Some(&gina), &[("tenant_id", &acme)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    let own = app.call(CancelWorkspaceErasure::PATH, Some(&gina), &[]).await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);

    // Not before the delay has run out.
    let now = Utc::now();
    assert!(purge_due(&app.db, now).await.expect("purge").is_empty());
    let almost = now + Duration::hours(i64::from(DEFAULT_ERASE_DELAY_HOURS)) - Duration::minutes(5);
    assert!(purge_due(&app.db, almost).await.expect("purge").is_empty());
    assert_eq!(app.tenant_id("acme").await.as_deref(), Some(acme.as_str()));

    // Then every row of it goes, and nothing of another workspace.
    let globex_before = rows_of(&owner, &globex).await;
    let after = now + Duration::hours(i64::from(DEFAULT_ERASE_DELAY_HOURS)) + Duration::minutes(5);
    let erased = purge_due(&app.db, after).await.expect("purge");
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0].slug, "acme");
    assert_eq!(rows_of(&owner, &acme).await, Vec::<(String, i64)>::new());
    assert_eq!(rows_of(&owner, &globex).await, globex_before);
    assert!(purge_due(&app.db, after).await.expect("purge").is_empty());

    // The platform chain records it, with what was deleted; every chain still verifies.
    let record: (Option<uuid::Uuid>, String, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT tenant_id, actor_kind, before, after FROM audit_events WHERE action = 'tenant.erase' AND entity_id = $1",
    )
    .bind(&acme)
    .fetch_one(&owner)
    .await
    .expect("tenant.erase row");
    assert_eq!(record.0, None);
    assert_eq!(record.1, "system");
    assert_eq!(record.2["slug"], "acme");
    assert_eq!(
        record.2["erase_after"].as_str().map(str::len),
        pending["erase_after"].as_str().map(str::len)
    );
    assert!(
        record.3["deleted"]["point_chunks"].as_i64().unwrap_or(0) > 0,
        "{}",
        record.3
    );
    assert!(
        record.3["deleted"]["audit_events"].as_i64().unwrap_or(0) > 0,
        "{}",
        record.3
    );
    let report = atrium_app::audit::db::verify_all_chains(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");

    // Its members' sessions went with it.
    let gone = app.call(GetCurrentUser::PATH, Some(&alice), &[]).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{}", gone.body);
    let still = app.call(GetCurrentUser::PATH, Some(&gina), &[]).await;
    assert_eq!(still.status, StatusCode::OK, "{}", still.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_erasure_is_cancelled_before_its_delay_and_not_after(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let alice = app.sign_in("alice@acme.test").await;
    let admin = app.sign_in("admin@atrium.test").await;
    // A channel, so the workspace hears of each change by its own means too.
    let channel = app
        .call(
            atrium_app::notifications::api::CreateChannel::PATH,
            Some(&alice),
            &[("name", "Ops"), ("kind", "webhook"), ("url", "https://1.1.1.1/hook")],
        )
        .await;
    assert_eq!(channel.status, StatusCode::OK, "{}", channel.body);

    // A platform administrator sees the request on the tenant's page and cancels it.
    let asked = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", "acme")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let detail = app.call(GetTenant::PATH, Some(&admin), &[("tenant_id", &acme)]).await;
    assert_eq!(
        detail.json()["erasure"]["requested_by"],
        "alice@acme.test",
        "{}",
        detail.body
    );
    assert_eq!(detail.json()["tenant"]["erase_after"], asked.json()["erase_after"]);
    let cancelled = app
        .call(CancelWorkspaceErasure::PATH, Some(&admin), &[("tenant_id", &acme)])
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let none = app.call(GetCurrentUser::PATH, Some(&alice), &[]).await;
    assert!(none.json()["workspace"]["erase_on"].is_null(), "{}", none.body);
    let far = Utc::now() + Duration::days(400);
    assert!(purge_due(&app.db, far).await.expect("purge").is_empty());
    assert!(app.tenant_id("acme").await.is_some());

    // The workspace may withdraw its own request too; both are on its trail.
    let asked = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", "acme")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let withdrawn = app.call(CancelWorkspaceErasure::PATH, Some(&alice), &[]).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let actions: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, coalesce(actor_email, '') FROM audit_events
          WHERE tenant_id = $1::uuid AND action LIKE 'tenant.erase%' ORDER BY chain_seq",
    )
    .bind(&acme)
    .fetch_all(&owner)
    .await
    .expect("actions");
    let actions: Vec<(&str, &str)> = actions.iter().map(|(a, e)| (a.as_str(), e.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("tenant.erase_request", "alice@acme.test"),
            ("tenant.erase_cancel", "admin@atrium.test"),
            ("tenant.erase_request", "alice@acme.test"),
            ("tenant.erase_cancel", "alice@acme.test"),
        ]
    );
    // Each change went into the outbox for the workspace's channel, saying who and when.
    let sent: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT event_type, notification->>'title', notification->>'body' FROM deliveries
          WHERE tenant_id = $1::uuid AND event_type LIKE 'workspace.%' ORDER BY created_at, delivery_id",
    )
    .bind(&acme)
    .fetch_all(&owner)
    .await
    .expect("deliveries");
    let events: Vec<&str> = sent.iter().map(|(e, _, _)| e.as_str()).collect();
    assert_eq!(
        events,
        [
            "workspace.erase_scheduled",
            "workspace.erase_cancelled",
            "workspace.erase_scheduled",
            "workspace.erase_cancelled",
        ]
    );
    assert!(sent[0].1.contains("“acme”"), "{}", sent[0].1);
    assert!(sent[0].2.starts_with("alice@acme.test asked"), "{}", sent[0].2);
    assert!(sent[1].2.starts_with("admin@atrium.test cancelled"), "{}", sent[1].2);

    // Once the delay has run out the purge may be running: no cancel, and the next pass erases.
    let asked = app
        .call(RequestWorkspaceErasure::PATH, Some(&alice), &[("confirm", "acme")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    sqlx::query(
        "UPDATE tenants SET erase_requested_at = now() - interval '2 hours', erase_after = now() - interval '1 hour'
          WHERE tenant_id = $1::uuid",
    )
    .bind(&acme)
    .execute(&owner)
    .await
    .expect("backdate");
    let late = app
        .call(CancelWorkspaceErasure::PATH, Some(&admin), &[("tenant_id", &acme)])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert_eq!(purge_due(&app.db, Utc::now()).await.expect("purge").len(), 1);
    assert_eq!(app.tenant_id("acme").await, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_a_tenant_at_once_leaves_only_its_audit_trail(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let globex = app.tenant_id("globex").await.expect("globex");
    store_points(&app, &owner, "gina@globex.test", &globex).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let deleted = app
        .call(
            DeleteTenant::PATH,
            Some(&admin),
            &[("tenant_id", &globex), ("confirm", "globex")],
        )
        .await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{}",
        deleted.body
    );
    let left: Vec<String> = rows_of(&owner, &globex).await.into_iter().map(|(t, _)| t).collect();
    assert!(
        left.iter().all(|t| t.starts_with("audit_")) && left.iter().any(|t| t == "audit_events"),
        "{left:?}"
    );
}
