//! The audit trail over HTTP, on the real router and a real PostgreSQL: the streamed CSV/JSON
//! export (escaping, formula guard, validity, filters, permission, tenant isolation, no row cap),
//! the audit page's server functions, request ids and the security events written along the way.

use crate::common::{Reply, TestApp, spawn_app};
use atrium_app::audit::db::{Actor, AuditEvent, insert_audit_event};
use atrium_app::audit::types::SECURITY_ACTIONS;
use atrium_app::db::{PlatformGuard, PlatformTx, TenantTx};
use atrium_app::ids::TenantId;
use axum::http::{StatusCode, header};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const EXPORT: &str = "/api/v1/audit/export";

/// The stable code of a REST error body (`{"error": {"code": …}}`).
fn error_code(reply: &Reply) -> String {
    reply.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
}

/// What these tests do over HTTP beyond the harness's own calls.
impl TestApp {
    async fn sign_in_as(&self, email: &str, user_agent: &str) -> String {
        let reply = self
            .call_with(
                atrium_app::auth::api::Login::PATH,
                None,
                &[("email", email), ("password", crate::common::PASSWORD)],
                &[("user-agent", user_agent)],
            )
            .await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "sign-in failed: {} {}",
            reply.status,
            reply.body
        );
        reply.cookie().expect("session cookie")
    }

    async fn export(&self, cookie: Option<&str>, query: &str) -> Reply {
        self.get(&format!("{EXPORT}?{query}"), cookie).await
    }

    async fn export_json(&self, cookie: &str, query: &str) -> Vec<Value> {
        let reply = self.export(Some(cookie), &format!("format=json&{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        match reply.json() {
            Value::Array(rows) => rows,
            other => panic!("not an array: {other}"),
        }
    }

    async fn tenant(&self, slug: &str) -> String {
        self.tenant_id(slug).await.expect("a seeded tenant")
    }
}

fn actions(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|row| row["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A strict RFC 4180 reader, enough to prove the export parses back into the values written.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted && cell.is_empty() && row.is_empty(), "CSV ends mid-row");
    rows
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let index = rows[0].iter().position(|c| c == name).expect("column");
    rows[1..].iter().map(|row| row[index].clone()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn csv_export_escapes_cells_and_neutralises_formulas(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let nasty = [
        r#"=HYPERLINK("http://evil.example","click"), "quoted""#,
        "+SUM(1,2)",
        "-2+3",
        "@cmd",
        "multi\tline agent",
    ];
    for agent in nasty {
        app.sign_in_as("admin@atrium.test", agent).await;
    }
    let admin = app.sign_in("admin@atrium.test").await;
    let reply = app.export(Some(&admin), "format=csv&action=auth.login").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = reply.headers[header::CONTENT_DISPOSITION].to_str().expect("header");
    assert!(disposition.starts_with("attachment; filename=\"audit-") && disposition.ends_with(".csv\""));
    // Quotes doubled inside a quoted cell, and the formula guard inside the quotes.
    assert!(
        reply
            .body
            .contains(r#""'=HYPERLINK(""http://evil.example"",""click""), ""quoted""""#),
        "{}",
        reply.body
    );
    let rows = parse_csv(&reply.body);
    assert_eq!(rows[0][0], "audit_id");
    assert!(
        rows.iter().all(|row| row.len() == rows[0].len()),
        "every row has every column"
    );
    let agents = column(&rows, "user_agent");
    for agent in nasty {
        let expected = if agent.starts_with(['=', '+', '-', '@']) {
            format!("'{agent}")
        } else {
            agent.to_owned()
        };
        assert!(agents.contains(&expected), "{expected:?} not in {agents:?}");
    }
    assert!(
        agents.iter().all(|a| !a.starts_with(['=', '+', '-', '@'])),
        "{agents:?}"
    );
    assert!(column(&rows, "action").iter().all(|a| a == "auth.login"));
}

#[sqlx::test(migrations = "../migrations")]
async fn json_export_is_valid_and_applies_every_filter(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::tenants::api::{CreateTenant, UpdateTenant};
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let created = app
        .call(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Initech"), ("slug", "initech"), ("plan", "free")],
        )
        .await;
    assert!(
        created.status.is_success() || created.status.is_redirection(),
        "{}",
        created.body
    );
    let initech = app.tenant("initech").await;
    let updated = app
        .call(
            UpdateTenant::PATH,
            Some(&admin),
            &[
                ("tenant_id", &initech),
                ("name", "Initech Global"),
                ("slug", "initech"),
                ("plan", "starter"),
                ("status", "active"),
            ],
        )
        .await;
    assert!(
        updated.status.is_success() || updated.status.is_redirection(),
        "{}",
        updated.body
    );
    // Security events: a wrong password and a refused permission.
    let wrong = app
        .call(
            atrium_app::auth::api::Login::PATH,
            None,
            &[("email", "alice@acme.test"), ("password", "nope-nope-nope")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let victor = app.sign_in("victor@acme.test").await;
    let refused = app.export(Some(&victor), "format=json").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let all = app.export_json(&admin, "").await;
    let all_actions = actions(&all);
    for action in [
        "tenant.create",
        "tenant.update",
        "auth.login",
        "auth.login_failed",
        "permission.denied",
    ] {
        assert!(
            all_actions.iter().any(|a| a == action),
            "{action} missing: {all_actions:?}"
        );
    }
    let ids: Vec<i64> = all.iter().map(|r| r["audit_id"].as_i64().unwrap_or_default()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");

    let updates = app.export_json(&admin, "action=tenant.update").await;
    assert_eq!(actions(&updates), ["tenant.update"]);
    assert_eq!(updates[0]["before"]["name"], "Initech");
    assert_eq!(updates[0]["after"]["name"], "Initech Global");
    assert_eq!(updates[0]["tenant_name"], "Initech Global");

    let prefix = app.export_json(&admin, "action=tenant.").await;
    assert_eq!(actions(&prefix), ["tenant.update", "tenant.create"]);

    let entity = app
        .export_json(&admin, &format!("entity_type=tenant&entity_id={initech}"))
        .await;
    assert_eq!(entity.len(), 2);

    let by_actor = app.export_json(&admin, "actor=victor%40acme").await;
    assert!(!by_actor.is_empty());
    assert!(by_actor.iter().all(|r| r["actor_email"] == "victor@acme.test"));

    let security = app.export_json(&admin, "security=1").await;
    let security_actions = actions(&security);
    assert!(
        security_actions.iter().all(|a| SECURITY_ACTIONS.contains(&a.as_str())),
        "{security_actions:?}"
    );
    assert!(security_actions.contains(&"auth.login_failed".to_owned()));
    assert!(security_actions.contains(&"permission.denied".to_owned()));

    let acme = app.tenant("acme").await;
    let acme_rows = app.export_json(&admin, &format!("tenant={acme}")).await;
    assert!(!acme_rows.is_empty() && acme_rows.iter().all(|r| r["tenant_id"] == acme.as_str()));
    let platform_rows = app.export_json(&admin, "tenant=platform").await;
    assert!(!platform_rows.is_empty() && platform_rows.iter().all(|r| r["tenant_id"].is_null()));

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert!(app.export_json(&admin, &format!("from={tomorrow}")).await.is_empty());
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let today_rows = app
        .export_json(&admin, &format!("from={today}&to={today}&action=tenant."))
        .await;
    assert_eq!(today_rows.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn export_needs_a_session_and_the_export_permission(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let anonymous = app.export(None, "format=csv").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&anonymous), "unauthorized");

    // Managers read the audit log but may not export it; viewers may do neither.
    for email in ["mark@acme.test", "victor@acme.test"] {
        let cookie = app.sign_in(email).await;
        let refused = app.export(Some(&cookie), "format=csv").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(error_code(&refused), "forbidden");
        assert!(
            refused.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("audit:export")
        );
    }
    let alice = app.sign_in("alice@acme.test").await;
    let denials = app.export_json(&alice, "action=permission.denied").await;
    let who: Vec<&str> = denials.iter().filter_map(|r| r["actor_email"].as_str()).collect();
    assert!(
        who.contains(&"mark@acme.test") && who.contains(&"victor@acme.test"),
        "{who:?}"
    );
    assert!(denials.iter().all(|r| r["entity_id"] == "audit:export"));
    assert!(denials.iter().all(|r| r["after"]["path"] == EXPORT));

    let bad = app.export(Some(&alice), "format=xml").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same code as every other route of the API gives a bad request.
    assert_eq!(error_code(&bad), "invalid_request");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_admin_never_sees_another_tenants_rows(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::audit::api::ListAuditEvents;
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let gina = app.sign_in("gina@globex.test").await;
    app.sign_in("hank@globex.test").await;
    let acme = app.tenant("acme").await;
    let globex = app.tenant("globex").await;
    for (cookie, own, other) in [(&alice, &acme, &globex), (&gina, &globex, &acme)] {
        for query in [String::new(), format!("tenant={other}"), "tenant=platform".to_owned()] {
            let rows = app.export_json(cookie, &query).await;
            assert!(!rows.is_empty(), "own rows are listed");
            assert!(
                rows.iter().all(|r| r["tenant_id"] == own.as_str()),
                "query {query:?} leaked: {rows:?}"
            );
        }
        let csv = app.export(Some(cookie), "format=csv").await;
        assert!(!csv.body.contains(other.as_str()));
        let page = app
            .call(
                ListAuditEvents::PATH,
                Some(cookie),
                &[("query", &format!("tenant={other}&per_page=100"))],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let items = page.json()["items"].as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty() && items.iter().all(|r| r["tenant_id"] == own.as_str()));
    }
    // Hank's sign-in is Globex's, so Alice's export has no trace of it.
    let acme_rows = app.export_json(&alice, "").await;
    assert!(acme_rows.iter().all(|r| r["actor_email"] != "hank@globex.test"));
}

#[sqlx::test(migrations = "../migrations")]
async fn export_streams_every_row_past_several_chunks(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let acme = TenantId(app.tenant("acme").await.parse().expect("uuid"));
    let total = 1203;
    let mut tx = TenantTx::begin(&app.db, acme).await.expect("tx");
    for n in 0..total {
        let event = AuditEvent {
            tenant_id: Some(acme),
            action: "bulk.test",
            entity_type: "test",
            entity_id: Some(n.to_string()),
            before: None,
            after: Some(serde_json::json!({"n": n})),
        };
        insert_audit_event(&mut tx, &Actor::system(), event)
            .await
            .expect("audit");
    }
    tx.commit().await.expect("commit");
    let alice = app.sign_in("alice@acme.test").await;
    let reply = app.export(Some(&alice), "format=csv&action=bulk.test").await;
    let rows = parse_csv(&reply.body);
    assert_eq!(rows.len(), total + 1, "header plus every row, no cap");
    let entity_ids: std::collections::BTreeSet<String> = column(&rows, "entity_id").into_iter().collect();
    assert_eq!(entity_ids.len(), total, "no row twice across chunk boundaries");
    assert_eq!(app.export_json(&alice, "action=bulk.test").await.len(), total);
}

#[sqlx::test(migrations = "../migrations")]
async fn request_ids_tie_responses_to_audit_rows(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::tenants::api::CreateTenant;
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let reply = app
        .call_with(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Hooli"), ("slug", "hooli"), ("plan", "free")],
            &[("x-request-id", "trace-abc-123")],
        )
        .await;
    assert_eq!(reply.headers["x-request-id"], "trace-abc-123");
    let rows = app.export_json(&admin, "action=tenant.create").await;
    assert_eq!(rows[0]["request_id"], "trace-abc-123");

    // A malformed id is replaced by one of the server's own.
    let long = "x".repeat(300);
    let reply = app
        .call_with(
            CreateTenant::PATH,
            Some(&admin),
            &[("name", "Pied Piper"), ("slug", "pied-piper"), ("plan", "free")],
            &[("x-request-id", &long)],
        )
        .await;
    let issued = reply.headers["x-request-id"].to_str().expect("id").to_owned();
    assert!(uuid::Uuid::parse_str(&issued).is_ok(), "{issued}");
    let rows = app.export_json(&admin, "action=tenant.create").await;
    assert_eq!(rows[0]["request_id"], issued.as_str());
    assert_eq!(rows[0]["after"]["name"], "Pied Piper");
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_is_audited_in_the_users_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let ana = app.sign_in("ana@acme.test").await;
    let out = app.call(atrium_app::auth::api::Logout::PATH, Some(&ana), &[]).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.body);
    let alice = app.sign_in("alice@acme.test").await;
    let rows = app.export_json(&alice, "action=auth.logout").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["actor_email"], "ana@acme.test");
    assert_eq!(rows[0]["tenant_id"], app.tenant("acme").await.as_str());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_verify_button_reports_the_first_broken_link(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::audit::api::VerifyAuditChain;
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let intact = app.call(VerifyAuditChain::PATH, Some(&admin), &[]).await;
    assert_eq!(intact.status, StatusCode::OK, "{}", intact.body);
    assert_eq!(intact.json()["broken"], serde_json::json!([]));
    assert!(intact.json()["rows"].as_u64().unwrap_or_default() > 0);

    let acme = app.tenant("acme").await;
    let owner = app.owner_pool().await;
    let target: i64 =
        sqlx::query_scalar("SELECT audit_id FROM audit_events WHERE tenant_id = $1::uuid ORDER BY chain_seq LIMIT 1")
            .bind(&acme)
            .fetch_one(&owner)
            .await
            .expect("row");
    sqlx::query("UPDATE audit_events SET action = 'tenant.nothing' WHERE audit_id = $1")
        .bind(target)
        .execute(&owner)
        .await
        .expect("tamper");
    for cookie in [&admin, &alice] {
        let broken = app.call(VerifyAuditChain::PATH, Some(cookie), &[]).await.json();
        assert_eq!(broken["broken"][0]["audit_id"], target);
        assert_eq!(broken["broken"][0]["reason"], "RowAltered");
        assert_eq!(broken["broken"][0]["tenant_id"], acme.as_str());
    }
    // Platform-wide, the CLI's check sees the same.
    let report = atrium_app::audit::db::verify_all_chains(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("verify");
    assert_eq!(report.broken.len(), 1);
    let mut tx = PlatformTx::begin(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert!(rows > 0);
}
