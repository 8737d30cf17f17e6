//! Sign-in on a real PostgreSQL: success, failure, lockout, suspended tenants, disabled users,
//! emails shared by several workspaces, and sign-out.

use atrium_app::auth::service::{LoginRequest, login, logout, principal_for_token};
use atrium_app::auth::types::Principal;
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::error::AppError;
use atrium_app::ids::TenantId;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const PASSWORD: &str = "correct horse battery";

struct Fixture {
    db: Db,
    acme: TenantId,
    globex: TenantId,
}

async fn fixture(options: PgConnectOptions) -> Fixture {
    let db = Db::connect(options, 4).await.expect("connect");
    let hash = atrium_app::auth::password::hash(PASSWORD.into()).await.expect("hash");
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let mut ids = Vec::new();
    for slug in ["acme", "globex"] {
        let id: uuid::Uuid = sqlx::query_scalar("INSERT INTO tenants (name, slug) VALUES ($1, $1) RETURNING tenant_id")
            .bind(slug)
            .fetch_one(&mut *tx)
            .await
            .expect("tenant");
        ids.push(TenantId(id));
    }
    atrium_app::auth::db::insert_platform_user(&mut tx, "root@atrium.test", "Root", &hash)
        .await
        .expect("platform user");
    tx.commit().await.expect("commit");
    for (tenant, emails) in [
        (ids[0], vec!["ann@acme.test", "shared@both.test"]),
        (ids[1], vec!["gus@globex.test", "shared@both.test"]),
    ] {
        let mut tx = TenantTx::begin(&db, tenant).await.expect("tx");
        for email in emails {
            sqlx::query(
                "INSERT INTO users (tenant_id, email, name, password_hash, role) VALUES ($1, $2, $2, $3, 'admin')",
            )
            .bind(tenant.0)
            .bind(email)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .expect("user");
        }
        tx.commit().await.expect("commit");
    }
    Fixture {
        db,
        acme: ids[0],
        globex: ids[1],
    }
}

fn request(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.into(),
        password: password.into(),
        workspace: None,
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
        request_id: Some("test-request".into()),
    }
}

fn message(result: Result<String, AppError>) -> String {
    match result {
        Err(AppError::SignIn(message)) => message,
        other => panic!("expected a sign-in refusal, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_user_signs_in_and_out(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let token = login(&f.db, request(" Ann@Acme.test ", PASSWORD)).await.expect("login");
    match principal_for_token(&f.db, &token).await.expect("lookup") {
        Some(Principal::Tenant { tenant_id, email, .. }) => {
            assert_eq!(tenant_id, f.acme);
            assert_eq!(email, "ann@acme.test");
        }
        other => panic!("unexpected principal {other:?}"),
    }
    logout(&f.db, &token, &Default::default()).await.expect("logout");
    assert_eq!(principal_for_token(&f.db, &token).await.expect("lookup"), None);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_platform_admin_signs_in(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let token = login(&f.db, request("root@atrium.test", PASSWORD))
        .await
        .expect("login");
    assert!(matches!(
        principal_for_token(&f.db, &token).await.expect("lookup"),
        Some(Principal::Platform { .. })
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let wrong = message(login(&f.db, request("ann@acme.test", "nope")).await);
    let unknown = message(login(&f.db, request("nobody@acme.test", "nope")).await);
    let malformed = message(login(&f.db, request("not an email", "nope")).await);
    assert_eq!(wrong, "Incorrect email or password.");
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, malformed);
}

#[sqlx::test(migrations = "../migrations")]
async fn five_failures_lock_the_account_for_fifteen_minutes(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    for attempt in 1..=4 {
        assert_eq!(
            message(login(&f.db, request("ann@acme.test", "bad")).await),
            "Incorrect email or password.",
            "attempt {attempt}"
        );
    }
    assert!(message(login(&f.db, request("ann@acme.test", "bad")).await).contains("locked for 15 minutes"));
    // Now even the right password is refused, with the same message.
    assert!(message(login(&f.db, request("ann@acme.test", PASSWORD)).await).contains("locked"));
    // The lock is per account: another user of the tenant is unaffected.
    let mut tx = TenantTx::begin(&f.db, f.acme).await.expect("tx");
    let until: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE email = 'ann@acme.test'")
            .fetch_one(&mut *tx)
            .await
            .expect("lock");
    let minutes = (until.expect("locked") - chrono::Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for {minutes} minutes");
    // When the lock has expired, the right password works again and the counter resets.
    sqlx::query("UPDATE users SET locked_until = now() - interval '1 second' WHERE email = 'ann@acme.test'")
        .execute(&mut *tx)
        .await
        .expect("expire");
    tx.commit().await.expect("commit");
    login(&f.db, request("ann@acme.test", PASSWORD))
        .await
        .expect("login after lock expiry");
    let failures: Vec<String> = {
        let mut tx = TenantTx::begin(&f.db, f.acme).await.expect("tx");
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'auth.%' ORDER BY audit_id")
            .fetch_all(&mut *tx)
            .await
            .expect("audit")
    };
    assert_eq!(failures.iter().filter(|a| *a == "auth.login_failed").count(), 4);
    assert_eq!(failures.iter().filter(|a| *a == "auth.locked").count(), 1);
    assert_eq!(failures.last().map(String::as_str), Some("auth.login"));
}

#[sqlx::test(migrations = "../migrations")]
async fn users_of_a_suspended_tenant_cannot_sign_in(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let token = login(&f.db, request("gus@globex.test", PASSWORD)).await.expect("login");
    let mut tx = PlatformTx::begin(&f.db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    sqlx::query("UPDATE tenants SET status = 'suspended' WHERE tenant_id = $1")
        .bind(f.globex.0)
        .execute(&mut *tx)
        .await
        .expect("suspend");
    tx.commit().await.expect("commit");
    assert!(message(login(&f.db, request("gus@globex.test", PASSWORD)).await).contains("suspended"));
    // Existing sessions stop working at once.
    assert_eq!(principal_for_token(&f.db, &token).await.expect("lookup"), None);
}

#[sqlx::test(migrations = "../migrations")]
async fn disabled_users_cannot_sign_in(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let mut tx = TenantTx::begin(&f.db, f.acme).await.expect("tx");
    sqlx::query("UPDATE users SET status = 'disabled' WHERE email = 'ann@acme.test'")
        .execute(&mut *tx)
        .await
        .expect("disable");
    tx.commit().await.expect("commit");
    assert!(message(login(&f.db, request("ann@acme.test", PASSWORD)).await).contains("disabled"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_email_in_two_workspaces_needs_the_workspace(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    match login(&f.db, request("shared@both.test", PASSWORD)).await {
        Err(error) => assert!(error.field_error("workspace").is_some(), "{error:?}"),
        Ok(_) => panic!("an ambiguous sign-in must ask for the workspace"),
    }
    let mut with_workspace = request("shared@both.test", PASSWORD);
    with_workspace.workspace = Some("Globex".into());
    let token = login(&f.db, with_workspace).await.expect("login");
    let principal = principal_for_token(&f.db, &token).await.expect("lookup");
    assert_eq!(principal.and_then(|p| p.tenant_id()), Some(f.globex));
}
