//! Data rights over HTTP on the seeded demo: erasing a member leaves no copy of their email or
//! name in the workspace's audit trail, alert history or invitations, the audit chains still
//! verify, and only someone who outranks them in their own workspace can do it; an export
//! streams every table of the workspace (or every row about one member), nothing secret and
//! nothing of another workspace, and records its progress.

use crate::common;

use atrium_app::db::PlatformGuard;
use atrium_app::users::api::UpdateUser;
use atrium_app::users::erasure::api::EraseUser;
use axum::http::StatusCode;
use common::spawn_app;
use leptos::server_fn::ServerFn;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Audit rows of `tenant` whose text mentions `needle` anywhere, as the owner sees them.
async fn mentions(owner: &sqlx::PgPool, tenant: &str, needle: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_events
          WHERE tenant_id = $1::uuid
            AND strpos(lower(concat_ws(' ', actor_email, ip, user_agent, before::text, after::text)), lower($2)) > 0",
    )
    .bind(tenant)
    .bind(needle)
    .fetch_one(owner)
    .await
    .expect("count")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_erased_member_leaves_pseudonyms_and_a_verifiable_trail(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let acme = app.tenant_id("acme").await.expect("acme");
    let globex = app.tenant_id("globex").await.expect("globex");
    let victor_id = app.user_id("victor@acme.test").await;
    // Victor signs in (rows he acted in), and is renamed with a new email (rows about him, with
    // an email he no longer has).
    let _victor = app.sign_in("victor@acme.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    let renamed = app
        .call(
            UpdateUser::PATH,
            Some(&alice),
            &[
                ("user_id", &victor_id),
                ("email", "vic@acme.test"),
                ("name", "Vic Tor"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert!(
        renamed.status.is_success() || renamed.status.is_redirection(),
        "{}",
        renamed.body
    );
    assert!(mentions(&owner, &acme, "victor@acme.test").await > 0);
    let globex_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE tenant_id = $1::uuid AND erased_at IS NULL")
            .bind(&globex)
            .fetch_one(&owner)
            .await
            .expect("count");

    // Another workspace's admin cannot reach him; a manager does not outrank the admin.
    let gina = app.sign_in("gina@globex.test").await;
    let foreign = app
        .call(
            EraseUser::PATH,
            Some(&gina),
            &[("user_id", &victor_id), ("confirm", "vic@acme.test")],
        )
        .await;
    assert!(foreign.status.is_client_error(), "{} {}", foreign.status, foreign.body);
    let mark = app.sign_in("mark@acme.test").await;
    let alice_id = app.user_id("alice@acme.test").await;
    let upward = app
        .call(
            EraseUser::PATH,
            Some(&mark),
            &[("user_id", &alice_id), ("confirm", "alice@acme.test")],
        )
        .await;
    assert_eq!(upward.status, StatusCode::FORBIDDEN, "{}", upward.body);
    // The typed email must match.
    let wrong = app
        .call(
            EraseUser::PATH,
            Some(&alice),
            &[("user_id", &victor_id), ("confirm", "victor@acme.test")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("confirm"), "{}", wrong.body);

    let erased = app
        .call(
            EraseUser::PATH,
            Some(&alice),
            &[("user_id", &victor_id), ("confirm", "vic@acme.test")],
        )
        .await;
    assert!(
        erased.status.is_success() || erased.status.is_redirection(),
        "{}",
        erased.body
    );

    for needle in ["victor@acme.test", "vic@acme.test", "Vic Tor", "Victor Viewer"] {
        assert_eq!(
            mentions(&owner, &acme, needle).await,
            0,
            "{needle} is still in the trail"
        );
    }
    let pseudonyms: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE tenant_id = $1::uuid AND actor_email LIKE 'erased-%@erased.invalid'",
    )
    .bind(&acme)
    .fetch_one(&owner)
    .await
    .expect("count");
    assert!(pseudonyms > 0, "his own rows name him by a pseudonym");
    let gone: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE user_id = $1::uuid")
        .bind(&victor_id)
        .fetch_one(&owner)
        .await
        .expect("count");
    assert_eq!(gone, 0);
    let erase_row: serde_json::Value =
        sqlx::query_scalar("SELECT after FROM audit_events WHERE tenant_id = $1::uuid AND action = 'user.erase'")
            .bind(&acme)
            .fetch_one(&owner)
            .await
            .expect("user.erase");
    assert!(erase_row["audit_rows"].as_u64().unwrap_or_default() >= 2, "{erase_row}");

    // `atrium audit verify` stays green, and counts what it can no longer vouch for.
    let report = atrium_app::audit::db::verify_all_chains(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert!(report.erased >= 2, "{report:?}");
    // Another workspace's trail is untouched.
    let globex_after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE tenant_id = $1::uuid AND erased_at IS NULL")
            .bind(&globex)
            .fetch_one(&owner)
            .await
            .expect("count");
    assert!(globex_after >= globex_before);
    let globex_erased: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE tenant_id = $1::uuid AND erased_at IS NOT NULL")
            .bind(&globex)
            .fetch_one(&owner)
            .await
            .expect("count");
    assert_eq!(globex_erased, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_changed_personal_value_is_reported_by_verification(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let _ana = app.sign_in("ana@acme.test").await;
    let target: i64 = sqlx::query_scalar("SELECT max(audit_id) FROM audit_events WHERE actor_email = 'ana@acme.test'")
        .fetch_one(&owner)
        .await
        .expect("row");
    sqlx::query("UPDATE audit_events SET actor_email = 'mallory@acme.test' WHERE audit_id = $1")
        .bind(target)
        .execute(&owner)
        .await
        .expect("tamper");
    let report = atrium_app::audit::db::verify_all_chains(&app.db, PlatformGuard::for_system_task())
        .await
        .expect("verify");
    assert_eq!(report.broken.len(), 1, "{report:?}");
    assert_eq!(report.broken[0].audit_id, Some(target));
    assert_eq!(
        report.broken[0].reason,
        atrium_app::audit::types::BreakReason::PersonalAltered
    );
}

/// A download's status, headers and raw bytes.
async fn download(
    app: &common::TestApp,
    path: &str,
    cookie: &str,
    fetch_site: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::get(path)
        .header(axum::http::header::COOKIE, cookie)
        .header(axum::http::header::HOST, "atrium.test");
    if let Some(site) = fetch_site {
        request = request.header("sec-fetch-site", site);
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(axum::body::Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    (status, headers, bytes)
}

/// Every file of an archive by name, read by the `zip` crate (CRC-checked).
fn unzip(bytes: Vec<u8>) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("inflate");
            (file.name().to_owned(), text)
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workspace_export_holds_every_table_and_nothing_secret_or_foreign(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    use atrium_app::data_export::tables::{LEFT_OUT, WORKSPACE};
    let app = spawn_app(options).await;
    let owner = app.owner_pool().await;
    let alice = app.sign_in("alice@acme.test").await;
    let acme = app.tenant_id("acme").await.expect("acme");

    // Every table with a tenant_id is exported or deliberately left out.
    let tenant_tables: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT table_name::text FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1",
    )
    .fetch_all(&owner)
    .await
    .expect("tables");
    for table in &tenant_tables {
        let exported = WORKSPACE.iter().any(|t| t.sql.contains(&format!(" FROM {table} ")));
        let left_out = LEFT_OUT.iter().any(|(name, _)| name == table);
        assert!(exported || left_out, "table {table} is neither exported nor left out");
    }

    let refused = download(&app, "/api/v1/exports/workspace", &alice, Some("cross-site")).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN);
    let (status, headers, bytes) = download(&app, "/api/v1/exports/workspace", &alice, Some("same-origin")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers[axum::http::header::CONTENT_TYPE], "application/zip");
    assert!(
        headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap_or_default()
            .contains(".zip")
    );
    let files = unzip(bytes);
    let manifest: serde_json::Value = serde_json::from_str(&files["manifest.json"]).expect("manifest");
    assert_eq!(manifest["tenant_id"], acme.as_str());
    let mut total_rows = 0;
    for (table, entry) in WORKSPACE.iter().zip(manifest["files"].as_array().expect("files")) {
        let rows: Vec<serde_json::Value> =
            serde_json::from_str(&files[&format!("{}.json", table.file)]).expect("a JSON array");
        assert_eq!(entry["rows"], rows.len(), "{}", table.file);
        total_rows += rows.len();
        for row in &rows {
            if let Some(tenant) = row.get("tenant_id") {
                assert_eq!(tenant, acme.as_str(), "{}: another workspace's row", table.file);
            }
        }
    }
    let users: Vec<serde_json::Value> = serde_json::from_str(&files["users.json"]).expect("users");
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE tenant_id = $1::uuid")
        .bind(&acme)
        .fetch_one(&owner)
        .await
        .expect("count");
    assert_eq!(users.len() as i64, members);
    assert!(users.iter().any(|u| u["email"] == "alice@acme.test"));
    let everything = files.values().cloned().collect::<Vec<_>>().join("\n");
    for secret in [
        "$argon2",
        "password_hash",
        "secret_hash",
        "signing_secret",
        "token_hash",
        "globex.test",
    ] {
        assert!(!everything.contains(secret), "{secret} in the archive");
    }

    // The export's row says it is done, with what it wrote; the audit trail has it.
    let mut done = None;
    for _ in 0..50 {
        let row: Option<(String, i32, i32, i64, i64)> = sqlx::query_as(
            "SELECT status, tables_done, tables_total, rows_done, bytes FROM data_exports WHERE tenant_id = $1::uuid",
        )
        .bind(&acme)
        .fetch_optional(&owner)
        .await
        .expect("export row");
        if matches!(&row, Some((status, ..)) if status != "running") {
            done = row;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, tables_done, tables_total, rows_done, bytes) = done.expect("the export finished");
    assert_eq!(status, "done");
    assert_eq!(tables_done, tables_total);
    assert_eq!(rows_done, total_rows as i64);
    assert!(bytes > 0);
    assert!(app.audit_actions().await.contains(&"data.export".to_owned()));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_member_export_is_theirs_or_their_superiors_only(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let victor_id = app.user_id("victor@acme.test").await;
    let alice_id = app.user_id("alice@acme.test").await;
    let victor = app.sign_in("victor@acme.test").await;
    let own = download(&app, &format!("/api/v1/exports/members/{victor_id}"), &victor, None).await;
    assert_eq!(own.0, StatusCode::OK);
    let files = unzip(own.2);
    let user: Vec<serde_json::Value> = serde_json::from_str(&files["user.json"]).expect("user");
    assert_eq!(user.len(), 1);
    assert_eq!(user[0]["email"], "victor@acme.test");
    let audit = &files["audit_events.json"];
    assert!(audit.contains("auth.login"), "{audit}");
    assert!(!audit.contains("alice@acme.test"), "only rows about victor: {audit}");

    // Upward, the whole workspace, and another workspace's member are refused.
    let upward = download(&app, &format!("/api/v1/exports/members/{alice_id}"), &victor, None).await;
    assert_eq!(upward.0, StatusCode::FORBIDDEN);
    let workspace = download(&app, "/api/v1/exports/workspace", &victor, None).await;
    assert_eq!(workspace.0, StatusCode::FORBIDDEN);
    let gina = app.sign_in("gina@globex.test").await;
    let foreign = download(&app, &format!("/api/v1/exports/members/{victor_id}"), &gina, None).await;
    assert_eq!(foreign.0, StatusCode::NOT_FOUND);
    let malformed = download(&app, "/api/v1/exports/members/not-a-uuid", &gina, None).await;
    assert_eq!(malformed.0, StatusCode::NOT_FOUND);
    let body: serde_json::Value = serde_json::from_slice(&malformed.2).expect("a JSON error");
    assert_eq!(body["error"]["code"], "not_found");
}
