//! Sign-in on a real PostgreSQL: success, failure, lockout, suspended tenants, disabled users,
//! emails shared by several workspaces, and sign-out.

use atrium_app::auth::service::{LoginRequest, SignIn, logout, principal_for_token};

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

/// Signs in an account that has no second factor: its session's token.
async fn login(db: &Db, request: LoginRequest) -> Result<String, AppError> {
    match atrium_app::auth::service::login(db, request).await? {
        SignIn::Session(token) => Ok(token),
        SignIn::Challenge(..) => panic!("these accounts have no second factor"),
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
    for attempt in 1..=5 {
        assert_eq!(
            message(login(&f.db, request("ann@acme.test", "bad")).await),
            "Incorrect email or password.",
            "attempt {attempt}"
        );
    }
    // Now even the right password is refused, with the same message as any wrong one.
    assert_eq!(
        message(login(&f.db, request("ann@acme.test", PASSWORD)).await),
        "Incorrect email or password."
    );
    // The lock is per account: another user of the tenant is unaffected.
    let mut tx = TenantTx::begin(&f.db, f.acme).await.expect("tx");
    let until: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE email = 'ann@acme.test'")
            .fetch_one(&mut *tx)
            .await
            .expect("lock");
    let minutes = (until.expect("locked") - chrono::Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for {minutes} minutes");
    // When the lock and the window of failures have passed, the right password works again.
    sqlx::query(
        "UPDATE users SET locked_until = now() - interval '1 second',
                failed_window_start = now() - interval '16 minutes' WHERE email = 'ann@acme.test'",
    )
    .execute(&mut *tx)
    .await
    .expect("expire");
    tx.commit().await.expect("commit");
    login(&f.db, request("ann@acme.test", PASSWORD))
        .await
        .expect("login after lock expiry");
    let failures = audit_actions(&f.db, f.acme).await;
    assert_eq!(failures.iter().filter(|a| *a == "auth.login_failed").count(), 4);
    assert_eq!(failures.iter().filter(|a| *a == "auth.locked").count(), 1);
    assert_eq!(failures.last().map(String::as_str), Some("auth.login"));
}

async fn audit_actions(db: &Db, tenant: TenantId) -> Vec<String> {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tx");
    sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'auth.%' ORDER BY chain_seq")
        .fetch_all(&mut *tx)
        .await
        .expect("audit")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_locked_account_answers_like_an_unknown_email(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    for _ in 0..5 {
        let _ = login(&f.db, request("gus@globex.test", "bad")).await;
    }
    let unknown = message(login(&f.db, request("nobody@globex.test", PASSWORD)).await);
    let locked_right = message(login(&f.db, request("gus@globex.test", PASSWORD)).await);
    let locked_wrong = message(login(&f.db, request("gus@globex.test", "bad")).await);
    assert_eq!(unknown, "Incorrect email or password.");
    assert_eq!(locked_right, unknown);
    assert_eq!(locked_wrong, unknown);
    // The lock stays visible to the tenant's admins: one auth.locked row, after four failures.
    let actions = audit_actions(&f.db, f.globex).await;
    assert_eq!(
        actions,
        [
            "auth.login_failed",
            "auth.login_failed",
            "auth.login_failed",
            "auth.login_failed",
            "auth.locked"
        ]
    );
}

/// Thirty wrong passwords and the right one at once, on one account. Each attempt must claim its
/// place among the five allowed failures before its password is checked, so at most five wrong
/// guesses meet the real hash (every one of them is recorded as a failure; attempts refused by
/// the lock are not), and the right one signs in only if it claimed its place before the fifth
/// failure.
#[sqlx::test(migrations = "../migrations")]
async fn a_burst_of_guesses_gets_at_most_five_checks(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    for (email, tenant) in [("ann@acme.test", f.acme), ("gus@globex.test", f.globex)] {
        let mut attempts = Vec::new();
        for i in 0..31 {
            let db = f.db.clone();
            let password = if i == 15 {
                PASSWORD.to_owned()
            } else {
                format!("guess-{i}")
            };
            attempts.push(tokio::spawn(async move {
                (i == 15, login(&db, request(email, &password)).await)
            }));
        }
        let mut signed_in = false;
        for attempt in attempts {
            let (right, result) = attempt.await.expect("attempt");
            match result {
                Ok(_) => {
                    assert!(right, "{email}: a wrong password signed in");
                    signed_in = true;
                }
                Err(AppError::SignIn(message)) => assert_eq!(message, "Incorrect email or password."),
                Err(other) => panic!("{email}: {other:?}"),
            }
        }
        let actions = audit_actions(&f.db, tenant).await;
        let failures = |actions: &[String]| {
            actions
                .iter()
                .filter(|a| matches!(a.as_str(), "auth.login_failed" | "auth.locked"))
                .count()
        };
        // The first five claims always succeed and at most one of them is the right password.
        assert!(
            (4..=5).contains(&failures(&actions)),
            "{email}: {} guesses checked",
            failures(&actions)
        );
        let locks = actions.iter().filter(|a| *a == "auth.locked").count();
        assert_eq!(locks, usize::from(failures(&actions) == 5), "{actions:?}");
        // Every claim was settled: nothing is left in flight to block the next window.
        let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
        let pending: i32 = sqlx::query_scalar("SELECT pending_logins FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&mut *tx)
            .await
            .expect("pending");
        tx.commit().await.expect("commit");
        assert_eq!(pending, 0, "{email}");
        if signed_in {
            let login_at = actions.iter().position(|a| a == "auth.login").expect("login row");
            assert!(
                failures(&actions[..login_at]) < 5,
                "{email}: signed in after five failures: {actions:?}"
            );
        }
    }
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
