//! The API key server functions over HTTP on the seeded demo: tenant admins issue, list, rotate
//! and revoke; viewers only read; another tenant sees nothing; platform administrators view and
//! revoke but do not issue. Keys issued here authenticate through `api_keys::auth`.

use crate::common;

use atrium_app::api_keys::api::{CreateApiKey, ListApiKeys, RevokeApiKey, RotateApiKey, UpdateIngestSigning};
use atrium_app::api_keys::auth::{KeyAuthError, authenticate};
use atrium_app::error::AppError;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use common::{TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

fn bearer(key: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {key}")).expect("header"),
    );
    headers
}

/// Creates a metrics:write key as `cookie`'s user and returns the answer's JSON.
async fn create(app: &TestApp, cookie: &str, name: &str) -> Value {
    let reply = app
        .call(
            CreateApiKey::PATH,
            Some(cookie),
            &[
                ("name", name),
                ("scopes[0]", "metrics:write"),
                ("expires_in_days", "90"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

fn str_of<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} missing in {value}"))
}

#[sqlx::test(migrations = "../migrations")]
async fn tenant_admins_issue_list_rotate_and_revoke_keys(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;

    let issued = create(&app, &alice, "<b>prod</b> ingest").await;
    let key = str_of(&issued, "/key").to_owned();
    let id = str_of(&issued, "/summary/api_key_id").to_owned();
    assert!(key.starts_with(&format!("atr_{}_", str_of(&issued, "/summary/prefix"))));
    assert!(str_of(&issued, "/signing_secret").starts_with("ats_"));
    assert_eq!(issued["summary"]["scopes"], serde_json::json!(["metrics:write"]));
    assert!(issued["summary"]["expires_at"].is_string());
    let principal = authenticate(&app.db, &bearer(&key)).await.expect("the new key works");
    assert_eq!(principal.api_key_id.to_string(), id);

    let list = app.call(ListApiKeys::PATH, Some(&alice), &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(list["active_count"], 1);
    assert_eq!(list["max_keys"], 25);
    assert_eq!(list["plan"], "Professional");
    assert_eq!(list["can_issue"], true);
    assert_eq!(list["require_signed_ingest"], false);
    assert_eq!(str_of(&list, "/keys/items/0/name"), "<b>prod</b> ingest");
    assert!(!list.to_string().contains(&key), "the list must not carry the key");

    // Validation: every bad field is named.
    let bad = app
        .call(
            CreateApiKey::PATH,
            Some(&alice),
            &[("name", " "), ("expires_in_days", "1000")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = bad.error();
    for field in ["name", "scopes", "expires_in_days"] {
        assert!(error.field_error(field).is_some(), "{field}: {error:?}");
    }

    let rotated = app
        .call(
            RotateApiKey::PATH,
            Some(&alice),
            &[("api_key_id", &id), ("grace", "24h")],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let rotated = rotated.json();
    let new_key = str_of(&rotated, "/key").to_owned();
    assert_ne!(new_key, key);
    assert!(rotated["summary"]["grace_ends_at"].is_string());
    authenticate(&app.db, &bearer(&key)).await.expect("old key in grace");
    authenticate(&app.db, &bearer(&new_key)).await.expect("new key");

    let revoked = app.call(RevokeApiKey::PATH, Some(&alice), &[("api_key_id", &id)]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert_eq!(revoked.json()["status"], "Revoked");
    for presented in [&key, &new_key] {
        assert_eq!(
            authenticate(&app.db, &bearer(presented)).await.map(|_| ()),
            Err(KeyAuthError::InvalidKey)
        );
    }

    let signing = app
        .call(UpdateIngestSigning::PATH, Some(&alice), &[("required", "true")])
        .await;
    assert_eq!(signing.status, StatusCode::OK, "{}", signing.body);
    assert_eq!(
        app.call(ListApiKeys::PATH, Some(&alice), &[]).await.json()["require_signed_ingest"],
        true
    );

    let actions = app.audit_actions().await;
    for action in [
        "api_key.create",
        "api_key.rotate",
        "api_key.revoke",
        "tenant.require_signed_ingest",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "missing audit row {action}: {actions:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn viewers_read_keys_but_cannot_change_them(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let issued = create(&app, &alice, "ingest").await;
    let id = str_of(&issued, "/summary/api_key_id").to_owned();

    let victor = app.sign_in("victor@acme.test").await;
    let list = app.call(ListApiKeys::PATH, Some(&victor), &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(list["keys"]["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["can_issue"], false);

    let refused = [
        (
            app.call(
                CreateApiKey::PATH,
                Some(&victor),
                &[("name", "mine"), ("scopes[0]", "metrics:write")],
            )
            .await,
            "api_keys:create",
        ),
        (
            app.call(RevokeApiKey::PATH, Some(&victor), &[("api_key_id", &id)])
                .await,
            "api_keys:revoke",
        ),
        (
            app.call(
                RotateApiKey::PATH,
                Some(&victor),
                &[("api_key_id", &id), ("grace", "none")],
            )
            .await,
            "api_keys:rotate",
        ),
        (
            app.call(UpdateIngestSigning::PATH, Some(&victor), &[("required", "true")])
                .await,
            "settings:update",
        ),
    ];
    for (reply, needed) in refused {
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{needed}: {}", reply.body);
        assert_eq!(reply.error(), AppError::forbidden(needed));
    }
    authenticate(&app.db, &bearer(str_of(&issued, "/key")))
        .await
        .expect("the key is untouched");
}

#[sqlx::test(migrations = "../migrations")]
async fn other_tenants_see_nothing_and_platform_admins_view_and_revoke(_: PgPoolOptions, options: PgConnectOptions) {
    let app = spawn_app(options).await;
    let alice = app.sign_in("alice@acme.test").await;
    let issued = create(&app, &alice, "acme ingest").await;
    let id = str_of(&issued, "/summary/api_key_id").to_owned();
    let key = str_of(&issued, "/key").to_owned();
    let acme = app.tenant_id("acme").await.expect("acme");

    let gina = app.sign_in("gina@globex.test").await;
    let own = app.call(ListApiKeys::PATH, Some(&gina), &[]).await.json();
    assert_eq!(own["keys"]["items"], serde_json::json!([]));
    assert_eq!(own["max_keys"], 3, "Globex is on the Free plan");
    assert_eq!(
        app.call(ListApiKeys::PATH, Some(&gina), &[("tenant_id", &acme)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(RevokeApiKey::PATH, Some(&gina), &[("api_key_id", &id)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(
            RotateApiKey::PATH,
            Some(&gina),
            &[("api_key_id", &id), ("grace", "none")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    authenticate(&app.db, &bearer(&key)).await.expect("untouched by Globex");

    let admin = app.sign_in("admin@atrium.test").await;
    let unchosen = app.call(ListApiKeys::PATH, Some(&admin), &[]).await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.call(ListApiKeys::PATH, Some(&admin), &[("tenant_id", &acme)]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(str_of(&list, "/keys/items/0/api_key_id"), id);
    assert_eq!(list["can_issue"], false);
    let issue = app
        .call(
            CreateApiKey::PATH,
            Some(&admin),
            &[("name", "platform"), ("scopes[0]", "metrics:write")],
        )
        .await;
    assert_eq!(issue.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(issue.error().field_error("form").is_some());
    let rotate = app
        .call(
            RotateApiKey::PATH,
            Some(&admin),
            &[("api_key_id", &id), ("grace", "none")],
        )
        .await;
    assert_eq!(rotate.status, StatusCode::UNPROCESSABLE_ENTITY);
    authenticate(&app.db, &bearer(&key)).await.expect("not rotated");
    let revoke = app.call(RevokeApiKey::PATH, Some(&admin), &[("api_key_id", &id)]).await;
    assert_eq!(revoke.status, StatusCode::OK, "{}", revoke.body);
    assert_eq!(
        authenticate(&app.db, &bearer(&key)).await.map(|_| ()),
        Err(KeyAuthError::InvalidKey)
    );
}
