//! Row-level security on a real PostgreSQL, as the application's non-superuser role: each scope
//! sees and changes exactly what DESIGN.md says it may.
//!
//! These tests deliberately run hand-written SQL (`sqlx::query`, unchecked) to attack the policies
//! the way a buggy query would; the application's own queries are compile-time checked.

use atrium_app::audit::db::{Actor, AuditEvent, insert_audit_event};
use atrium_app::auth::db::{Account, NewSession, insert_session};
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx, unscoped_connection};
use atrium_app::ids::{TenantId, UserId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Row};

async fn two_tenants(db: &Db) -> (TenantId, TenantId) {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("platform tx");
    let mut ids = Vec::new();
    for slug in ["alpha", "beta"] {
        let id: uuid::Uuid = sqlx::query_scalar("INSERT INTO tenants (name, slug) VALUES ($1, $1) RETURNING tenant_id")
            .bind(slug)
            .fetch_one(&mut *tx)
            .await
            .expect("insert tenant");
        ids.push(TenantId(id));
    }
    tx.commit().await.expect("commit");
    for (tenant, emails) in [
        (ids[0], ["a1@x.test", "a2@x.test"]),
        (ids[1], ["b1@x.test", "b2@x.test"]),
    ] {
        let mut tx = TenantTx::begin(db, tenant).await.expect("tenant tx");
        for email in emails {
            sqlx::query("INSERT INTO users (tenant_id, email, name, password_hash) VALUES ($1, $2, $2, 'x')")
                .bind(tenant.0)
                .bind(email)
                .execute(&mut *tx)
                .await
                .expect("insert user");
        }
        tx.commit().await.expect("commit");
    }
    (ids[0], ids[1])
}

async fn connect(options: PgConnectOptions) -> Db {
    Db::connect(options, 4).await.expect("connect")
}

#[sqlx::test(migrations = "../migrations")]
async fn connections_run_as_the_unprivileged_app_role(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let mut conn = unscoped_connection(&db).await.expect("connection");
    let row = sqlx::query(
        "SELECT current_user::text AS who, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(&mut *conn)
    .await
    .expect("role");
    assert_eq!(row.get::<String, _>("who"), "atrium_app");
    assert!(!row.get::<bool, _>("rolsuper"), "the app role must not be a superuser");
    assert!(!row.get::<bool, _>("rolbypassrls"), "the app role must not bypass RLS");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_transaction_sees_only_its_own_rows(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(emails, ["a1@x.test", "a2@x.test"]);
    let tenants: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT tenant_id FROM tenants")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(tenants, [alpha.0]);
    // Asking for the other tenant by id explicitly still finds nothing.
    let other: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE tenant_id = $1")
        .bind(beta.0)
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(other, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn writing_another_tenants_rows_fails(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;

    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let insert = sqlx::query(
        "INSERT INTO users (tenant_id, email, name, password_hash) VALUES ($1, 'intruder@x.test', 'I', 'x')",
    )
    .bind(beta.0)
    .execute(&mut *tx)
    .await;
    let error = insert.expect_err("inserting into another tenant must fail");
    assert!(error.to_string().contains("row-level security"), "{error}");
    drop(tx);

    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let updated = sqlx::query("UPDATE users SET name = 'hijacked' WHERE tenant_id = $1")
        .bind(beta.0)
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(updated.rows_affected(), 0);
    let deleted = sqlx::query("DELETE FROM users WHERE tenant_id = $1")
        .bind(beta.0)
        .execute(&mut *tx)
        .await
        .expect("delete");
    assert_eq!(deleted.rows_affected(), 0);
    // Moving an own row into the other tenant is refused too (WITH CHECK).
    let moved = sqlx::query("UPDATE users SET tenant_id = $1 WHERE email = 'a1@x.test'")
        .bind(beta.0)
        .execute(&mut *tx)
        .await;
    assert!(moved.is_err(), "moving a row to another tenant must fail");
    drop(tx);

    let mut tx = TenantTx::begin(&db, beta).await.expect("tx");
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM users ORDER BY email")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(names, ["b1@x.test", "b2@x.test"], "beta's rows are untouched");
}

#[sqlx::test(migrations = "../migrations")]
async fn outside_any_scope_nothing_is_visible(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    two_tenants(&db).await;
    let mut conn = unscoped_connection(&db).await.expect("connection");
    for table in ["tenants", "users", "audit_events"] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await
            .expect("count");
        assert_eq!(count, 0, "{table} leaked outside a tenant transaction");
    }
    // A setting left over from an earlier transaction on this pooled connection does not leak.
    let mut tx = TenantTx::begin(&db, two_ids(&db).await).await.expect("tx");
    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    tx.commit().await.expect("commit");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

async fn two_ids(db: &Db) -> TenantId {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let id: uuid::Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY slug LIMIT 1")
        .fetch_one(&mut *tx)
        .await
        .expect("id");
    TenantId(id)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_platform_scope_reads_every_tenant_but_changes_users_only_per_tenant(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let db = connect(options).await;
    two_tenants(&db).await;
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(users, 4);
    let updated = crate::rows_or_denied(&mut tx, "UPDATE users SET name = 'x'").await;
    assert!(
        matches!(updated, None | Some(0)),
        "platform scope is read-only on tenant users: {updated:?}"
    );
}

/// A scope is a role and a setting, and takes both: `app.scope` alone (what a stray
/// `set_config` in a tenant transaction could do) or the role alone opens nothing.
#[sqlx::test(migrations = "../migrations")]
async fn a_scope_needs_both_its_role_and_its_setting(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    two_tenants(&db).await;
    for (scope, role) in [("platform", "atrium_scope_platform"), ("auth", "atrium_scope_auth")] {
        for (setting, with_role) in [(scope, false), ("", true)] {
            let mut conn = unscoped_connection(&db).await.expect("connection");
            let mut tx = conn.begin().await.expect("begin");
            sqlx::query("SELECT set_config('app.scope', $1, true)")
                .bind(setting)
                .execute(&mut *tx)
                .await
                .expect("scope");
            if with_role {
                sqlx::query("SELECT set_config('role', $1, true)")
                    .bind(role)
                    .execute(&mut *tx)
                    .await
                    .expect("role");
            }
            let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
                .fetch_one(&mut *tx)
                .await
                .expect("count");
            assert_eq!(users, 0, "{scope}: setting {setting:?}, role {with_role}");
        }
    }
}

/// The plan of a query run in `tx`, as JSON text.
async fn plan(conn: &mut sqlx::PgConnection, query: &str) -> String {
    let plan: serde_json::Value = sqlx::query_scalar(&format!("EXPLAIN (FORMAT JSON) {query}"))
        .fetch_one(conn)
        .await
        .expect("explain");
    plan.to_string()
}

/// Row-level security an index can answer (issue 12): in a tenant transaction the only policy
/// on `users` is the tenant's, its setting is read once per query (an InitPlan, not a call per
/// row), and so the planner can reach the tenant's rows through an index. With sequential scans
/// priced out, a plan still scans `users` sequentially only when no index can serve the
/// predicate, as when the platform and sign-in policies were ORed into every tenant query.
#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_query_is_answered_by_an_index_under_row_level_security(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options.clone()).await;
    let (alpha, beta) = two_tenants(&db).await;
    let mut tx = TenantTx::begin(&db, beta).await.expect("tx");
    sqlx::query(
        "INSERT INTO users (tenant_id, email, name, password_hash)
         SELECT $1, 'u' || g || '@b.test', 'User ' || g, 'x' FROM generate_series(1, 2000) g",
    )
    .bind(beta.0)
    .execute(&mut *tx)
    .await
    .expect("seed");
    tx.commit().await.expect("commit");
    let mut owner = sqlx::PgConnection::connect_with(&options).await.expect("owner");
    sqlx::query("ANALYZE users").execute(&mut owner).await.expect("analyze");

    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .expect("set");
    for query in [
        "SELECT count(*) FROM users",
        "SELECT user_id, email FROM users ORDER BY tenant_id, user_id LIMIT 100",
        "SELECT user_id FROM users WHERE email = 'a1@x.test'",
    ] {
        let plan = plan(&mut tx, query).await;
        assert!(!plan.contains(r#""Node Type":"Seq Scan""#), "{query}: {plan}");
        assert!(plan.contains("Index"), "{query}: {plan}");
        assert!(plan.contains("InitPlan"), "{query}: the tenant is read once: {plan}");
        assert!(
            !plan.contains("app_scope"),
            "{query}: a scope policy applies to a tenant: {plan}"
        );
    }
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(emails, ["a1@x.test", "a2@x.test"], "still only alpha's rows");
    tx.commit().await.expect("commit");

    // The platform scope's policy is its own: no tenant predicate, all 2,004 users.
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let plan = plan(&mut tx, "SELECT count(*) FROM users").await;
    assert!(!plan.contains("app_tenant_id"), "{plan}");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(users, 2004);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_trail_is_append_only(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, _) = two_tenants(&db).await;
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let event = AuditEvent {
        tenant_id: Some(alpha),
        action: "test",
        entity_type: "test",
        entity_id: None,
        before: None,
        after: None,
    };
    insert_audit_event(&mut tx, &Actor::system(), event)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    // Rows outside the hash chain are refused: the chain is the only way in.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let unchained = sqlx::query(
        "INSERT INTO audit_events (tenant_id, actor_kind, action, entity_type) VALUES ($1, 'system', 'test', 'test')",
    )
    .bind(alpha.0)
    .execute(&mut *tx)
    .await;
    assert!(unchained.is_err(), "an unchained row must be refused");
    drop(tx);
    for statement in ["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"] {
        let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
        let result = sqlx::query(statement).execute(&mut *tx).await;
        assert!(result.is_err(), "the app role may not rewrite history: {statement}");
    }
}

/// The user ids of `two_tenants`' first user in each tenant, read in that tenant's transaction.
async fn first_user(db: &Db, tenant: TenantId) -> uuid::Uuid {
    let mut tx = TenantTx::begin(db, tenant).await.expect("tx");
    sqlx::query_scalar("SELECT user_id FROM users ORDER BY email LIMIT 1")
        .fetch_one(&mut *tx)
        .await
        .expect("user")
}

/// A platform administrator, created as seeding does (platform scope).
async fn platform_admin(db: &Db) -> atrium_app::ids::PlatformUserId {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let id = atrium_app::auth::db::insert_platform_user(&mut tx, "root@x.test", "Root", "$argon2id$secret-hash")
        .await
        .expect("platform user");
    tx.commit().await.expect("commit");
    id
}

/// A session row for `account`, written where sign-in writes it: a tenant user's in their
/// tenant's transaction, a platform administrator's in the auth scope.
async fn session(db: &Db, account: Account, token: u8) {
    let new = NewSession {
        token_hash: &[token; 32],
        account,
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
        ip: None,
        user_agent: None,
        impersonation: None,
    };
    match account {
        Account::Tenant(tenant, _) => {
            let mut tx = TenantTx::begin(db, tenant).await.expect("tx");
            insert_session(&mut tx, new).await.expect("tenant session");
            tx.commit().await.expect("commit");
        }
        Account::Platform(_) => {
            let mut conn = auth_scope(db).await;
            insert_session(&mut conn, new).await.expect("platform session");
            sqlx::query("COMMIT").execute(&mut *conn).await.expect("commit");
        }
    }
}

/// Ends `auth_scope`'s transaction before its connection goes back to the pool. Dropped inside it,
/// the connection returns still in the transaction (aborted, after a refused statement), and the
/// next transaction begun on it fails: whether it is the same connection depends on when the
/// pool's release task runs, so the test failed only sometimes, under load.
async fn end_scope(mut conn: sqlx::pool::PoolConnection<sqlx::Postgres>) {
    sqlx::query("ROLLBACK").execute(&mut *conn).await.expect("rollback");
}

/// A transaction in the auth scope, opened by hand the way `AuthTx` (crate-private) opens it.
async fn auth_scope(db: &Db) -> sqlx::pool::PoolConnection<sqlx::Postgres> {
    let mut conn = unscoped_connection(db).await.expect("connection");
    sqlx::query("BEGIN").execute(&mut *conn).await.expect("begin");
    sqlx::query("SELECT set_config('app.scope', 'auth', true), set_config('role', 'atrium_scope_auth', true)")
        .execute(&mut *conn)
        .await
        .expect("scope");
    conn
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_transaction_cannot_read_or_change_platform_administrators(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let db = connect(options).await;
    let (alpha, _) = two_tenants(&db).await;
    platform_admin(&db).await;
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM platform_users")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert!(
        hashes.is_empty(),
        "a tenant read the Super Admin's password hash: {hashes:?}"
    );
    let updated = sqlx::query("UPDATE platform_users SET password_hash = 'mine'")
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(updated.rows_affected(), 0);
    let inserted =
        sqlx::query("INSERT INTO platform_users (email, name, password_hash) VALUES ('me@x.test', 'Me', 'x')")
            .execute(&mut *tx)
            .await;
    assert!(inserted.is_err(), "a tenant must not create a platform administrator");
    drop(tx);

    // Sign-in still finds the administrator (auth scope), and the platform scope counts them.
    let mut conn = auth_scope(&db).await;
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM platform_users WHERE email = 'root@x.test'")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(found, 1);
    let created =
        sqlx::query("INSERT INTO platform_users (email, name, password_hash) VALUES ('me@x.test', 'Me', 'x')")
            .execute(&mut *conn)
            .await;
    assert!(created.is_err(), "signing in creates no platform administrator");
    end_scope(conn).await;
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    assert_eq!(
        atrium_app::auth::db::select_platform_user_count(&mut tx)
            .await
            .expect("count"),
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_transaction_sees_and_ends_only_its_own_sessions(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;
    let (alpha_user, beta_user) = (first_user(&db, alpha).await, first_user(&db, beta).await);
    let root = platform_admin(&db).await;
    session(&db, Account::Tenant(alpha, UserId(alpha_user)), 1).await;
    session(&db, Account::Tenant(beta, UserId(beta_user)), 2).await;
    session(&db, Account::Platform(root), 3).await;

    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let visible: Vec<Option<uuid::Uuid>> = sqlx::query_scalar("SELECT user_id FROM sessions")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(visible, [Some(alpha_user)], "only alpha's own sessions are visible");
    let deleted = sqlx::query("DELETE FROM sessions WHERE tenant_id IS DISTINCT FROM $1")
        .bind(alpha.0)
        .execute(&mut *tx)
        .await
        .expect("delete");
    assert_eq!(deleted.rows_affected(), 0, "alpha ended someone else's session");
    let extended = sqlx::query("UPDATE sessions SET expires_at = now() + interval '1 year' WHERE tenant_id = $1")
        .bind(beta.0)
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(extended.rows_affected(), 0);
    let forged = sqlx::query(
        "INSERT INTO sessions (token_hash, tenant_id, user_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')",
    )
    .bind([9u8; 32].as_slice())
    .bind(beta.0)
    .bind(beta_user)
    .execute(&mut *tx)
    .await;
    let error = forged.expect_err("a session for another tenant's user must be refused");
    assert!(error.to_string().contains("row-level security"), "{error}");
    drop(tx);

    // Signing its own user out everywhere still works.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    atrium_app::auth::db::delete_user_sessions(&mut tx, UserId(alpha_user))
        .await
        .expect("sign out everywhere");
    tx.commit().await.expect("commit");
    // Outside every scope, nothing; the auth scope sees what is left (beta's and the admin's).
    let mut conn = unscoped_connection(&db).await.expect("connection");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(count, 0, "sessions leaked outside any scope");
    drop(conn);
    let mut conn = auth_scope(&db).await;
    let left: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM sessions ORDER BY token_hash")
        .fetch_all(&mut *conn)
        .await
        .expect("select");
    assert_eq!(left, [vec![2u8; 32], vec![3u8; 32]]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_changes_its_own_settings_but_not_its_plan_or_status(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, _) = two_tenants(&db).await;
    for (statement, what) in [
        ("UPDATE tenants SET plan = 'enterprise'", "plan"),
        ("UPDATE tenants SET status = 'suspended'", "status"),
        ("UPDATE tenants SET slug = 'renamed'", "slug"),
        ("UPDATE tenants SET name = 'Renamed'", "name"),
    ] {
        let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
        let result = sqlx::query(statement).execute(&mut *tx).await;
        assert!(result.is_err(), "a tenant transaction changed its own {what}");
    }
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let deleted = sqlx::query("DELETE FROM tenants")
        .execute(&mut *tx)
        .await
        .map(|done| done.rows_affected());
    assert!(
        matches!(deleted, Ok(0) | Err(_)),
        "a tenant transaction deleted its tenant: {deleted:?}"
    );
    drop(tx);

    // The settings a tenant's admins own are still theirs to change.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    assert!(
        atrium_app::tenants::db::update_audit_retention(&mut tx, 90)
            .await
            .expect("retention")
    );
    assert!(
        atrium_app::tenants::db::update_require_signed_ingest(&mut tx, true)
            .await
            .expect("signing")
    );
    tx.commit().await.expect("commit");
    // And the platform scope still changes plan and status.
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let row = sqlx::query(
        "UPDATE tenants SET plan = 'enterprise', status = 'suspended' WHERE tenant_id = $1
         RETURNING plan::text, status::text, audit_retention_days, require_signed_ingest",
    )
    .bind(alpha.0)
    .fetch_one(&mut *tx)
    .await
    .expect("platform update");
    assert_eq!(row.get::<String, _>(0), "enterprise");
    assert_eq!(row.get::<String, _>(1), "suspended");
    assert_eq!(row.get::<i32, _>(2), 90);
    assert!(row.get::<bool, _>(3));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_auth_scope_appends_only_to_the_platform_chain(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, _) = two_tenants(&db).await;
    // A well-formed chained row, so only the policy can refuse it.
    let insert = "INSERT INTO audit_events (tenant_id, actor_kind, action, entity_type, chain_seq, prev_hash, row_hash)
                  VALUES ($1, 'anonymous', 'auth.login_failed', 'user', 1, $2, $2)";
    let mut conn = auth_scope(&db).await;
    let forged = sqlx::query(insert)
        .bind(alpha.0)
        .bind([0u8; 32].as_slice())
        .execute(&mut *conn)
        .await;
    let error = forged.expect_err("the auth scope wrote into a tenant's audit trail");
    assert!(error.to_string().contains("row-level security"), "{error}");
    end_scope(conn).await;
    // Platform sign-in events still go in.
    let mut conn = auth_scope(&db).await;
    let event = AuditEvent {
        tenant_id: None,
        action: "auth.login",
        entity_type: "platform_user",
        entity_id: None,
        before: None,
        after: None,
    };
    insert_audit_event(&mut conn, &Actor::system(), event)
        .await
        .expect("platform chain row");
}

#[sqlx::test(migrations = "../migrations")]
async fn security_definer_functions_are_not_executable_by_public(_: PgPoolOptions, options: PgConnectOptions) {
    // As the owner: a role created for this test (rolled back with the transaction) holds no
    // grant of its own, so whatever it may execute, PUBLIC may.
    let mut owner = sqlx::PgConnection::connect_with(&options).await.expect("owner");
    let mut tx = owner.begin().await.expect("tx");
    sqlx::query("CREATE ROLE atrium_rls_probe NOLOGIN")
        .execute(&mut *tx)
        .await
        .expect("probe role");
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace
           AND has_function_privilege('atrium_rls_probe', p.oid, 'EXECUTE')
         ORDER BY 1",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("functions");
    assert!(open.is_empty(), "SECURITY DEFINER functions anyone may call: {open:?}");
    let definers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_proc WHERE prosecdef AND pronamespace = 'public'::regnamespace")
            .fetch_one(&mut *tx)
            .await
            .expect("count");
    assert!(
        definers >= 4,
        "the check above found only {definers} SECURITY DEFINER functions"
    );
    sqlx::query("SET LOCAL ROLE atrium_rls_probe")
        .execute(&mut *tx)
        .await
        .expect("set role");
    let call = sqlx::query("SELECT create_default_alert_rules(gen_random_uuid())")
        .execute(&mut *tx)
        .await;
    let error = call.expect_err("PUBLIC called create_default_alert_rules");
    assert!(error.to_string().contains("permission denied"), "{error}");
    tx.rollback().await.expect("rollback");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tenant_cannot_write_alert_rules_into_another_tenant_through_a_definer_function(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;
    let mut tx = TenantTx::begin(&db, beta).await.expect("tx");
    sqlx::query("DELETE FROM alert_rules")
        .execute(&mut *tx)
        .await
        .expect("clear beta's rules");
    tx.commit().await.expect("commit");
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let call = sqlx::query("SELECT create_default_alert_rules($1)")
        .bind(beta.0)
        .execute(&mut *tx)
        .await;
    assert!(call.is_err(), "the app role ran create_default_alert_rules itself");
    drop(tx);
    let mut tx = TenantTx::begin(&db, beta).await.expect("tx");
    let rules: i64 = sqlx::query_scalar("SELECT count(*) FROM alert_rules")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(rules, 0);
}

/// `who` as (current_user, session_user, session user is superuser, session user bypasses RLS).
async fn whoami(conn: &mut sqlx::PgConnection) -> (String, String, bool, bool) {
    let row = sqlx::query(
        "SELECT current_user::text, session_user::text, r.rolsuper, r.rolbypassrls
         FROM pg_roles r WHERE r.rolname = session_user",
    )
    .fetch_one(conn)
    .await
    .expect("role");
    (row.get(0), row.get(1), row.get(2), row.get(3))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_app_logs_in_as_its_role_and_cannot_switch_back(_: PgPoolOptions, options: PgConnectOptions) {
    // `options` are the owner's (a superuser here); `Db::connect` must not log in with them.
    let db = connect(options).await;
    let mut conn = unscoped_connection(&db).await.expect("connection");
    let app = ("atrium_app".to_owned(), "atrium_app".to_owned(), false, false);
    assert_eq!(whoami(&mut conn).await, app);
    sqlx::query("RESET ROLE").execute(&mut *conn).await.expect("reset role");
    assert_eq!(whoami(&mut conn).await, app, "RESET ROLE escaped the app role");
    for escape in [
        "SET ROLE postgres",
        "SET SESSION AUTHORIZATION postgres",
        "SET ROLE NONE",
    ] {
        let _ = sqlx::query(escape).execute(&mut *conn).await;
        assert_eq!(whoami(&mut conn).await, app, "{escape} escaped the app role");
    }
    drop(conn);
    // The LISTEN connection logs in as the app role too.
    let mut listener = db.listener().await.expect("listener");
    let who: (String, String) = sqlx::query_as("SELECT current_user::text, session_user::text")
        .fetch_one(&mut listener)
        .await
        .expect("who");
    assert_eq!(who, ("atrium_app".to_owned(), "atrium_app".to_owned()));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_privileged_app_login_is_refused(_: PgPoolOptions, options: PgConnectOptions) {
    // Handing the owner's superuser login to `connect_as` (as a wrong ATRIUM_APP_DATABASE_URL
    // would) must fail rather than run the app without row-level security.
    let refused = Db::connect_as(options, 2).await;
    let error = refused.expect_err("a superuser app login was accepted");
    assert!(error.to_string().contains("superuser"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn ip_blocks_are_platform_data_only(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, _) = two_tenants(&db).await;
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    sqlx::query("INSERT INTO ip_blocks (network, origin, reason, blocked_until) VALUES ('192.0.2.7', 'automatic', 'x', now() + interval '1 hour')")
        .execute(&mut *tx)
        .await
        .expect("the platform scope blocks an address");
    tx.commit().await.expect("commit");

    // A tenant transaction neither sees, lifts nor adds a block.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM ip_blocks")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(seen, 0);
    let lifted = sqlx::query("UPDATE ip_blocks SET lifted_at = now()")
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(lifted.rows_affected(), 0);
    let added = sqlx::query("INSERT INTO ip_blocks (network, origin, reason) VALUES ('10.0.0.0/8', 'manual', 'x')")
        .execute(&mut *tx)
        .await;
    assert!(added.is_err(), "a tenant must not block addresses");
    drop(tx);

    // Nor does the sign-in scope or a connection outside any scope; nobody deletes history.
    let mut conn = auth_scope(&db).await;
    let seen = crate::rows_or_denied(&mut conn, "SELECT count(*) FROM ip_blocks").await;
    assert!(matches!(seen, None | Some(0)), "{seen:?}");
    end_scope(conn).await;
    let mut conn = unscoped_connection(&db).await.expect("connection");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM ip_blocks")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(seen, 0);
    drop(conn);
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let deleted = sqlx::query("DELETE FROM ip_blocks").execute(&mut *tx).await;
    assert!(deleted.is_err(), "blocks are history: no DELETE grant");
}

/// A transaction whose caller went away while its BEGIN was on the wire (a client that
/// disconnected mid-request) leaves nothing behind on the connection. sqlx counts a transaction
/// only once its BEGIN has answered, so its connection went back to the pool still inside that
/// transaction: the next transaction's BEGIN was ignored, it ran under the abandoned one's scope
/// and role, and its COMMIT committed whatever both had written. Seen under load as "there is
/// already a transaction in progress" and permission errors on list pages.
#[sqlx::test(migrations = "../migrations")]
async fn a_transaction_abandoned_while_it_begins_leaves_nothing_behind(_: PgPoolOptions, options: PgConnectOptions) {
    // One connection, so every transaction below reuses the abandoned one's.
    let db = Db::connect(options, 1).await.expect("connect");
    let (alpha, _) = two_tenants(&db).await;
    // Polled by hand and dropped after a growing number of polls: one of them lands after the
    // BEGIN went out and before its answer came back.
    let waker = futures::task::noop_waker();
    for polls in 1..=60 {
        {
            let mut begin = std::pin::pin!(PlatformTx::begin(&db, PlatformGuard::for_system_task()));
            for _ in 0..polls {
                let mut cx = std::task::Context::from_waker(&waker);
                if begin.as_mut().poll(&mut cx).is_ready() {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
        let mut tx = TenantTx::begin(&db, alpha).await.expect("tenant tx");
        let row = sqlx::query(
            "SELECT current_user::text AS who, coalesce(current_setting('app.scope', true), '') AS scope, \
                    (SELECT count(*) FROM users) AS users",
        )
        .fetch_one(&mut *tx)
        .await
        .expect("who");
        tx.commit().await.expect("commit");
        assert_eq!(row.get::<String, _>("who"), "atrium_app", "after {polls} polls");
        assert_eq!(row.get::<String, _>("scope"), "", "after {polls} polls");
        assert_eq!(row.get::<i64, _>("users"), 2, "only alpha's users, after {polls} polls");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_challenges_and_second_factors_stay_in_their_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::auth::db::{NewChallenge, Purpose, insert_challenge};
    use atrium_app::auth::two_factor::db::update_clear;
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;
    let (alpha_user, beta_user) = (first_user(&db, alpha).await, first_user(&db, beta).await);
    // Issued where sign-in issues them: a member's in their tenant's transaction.
    for (tenant, user, token) in [(alpha, alpha_user, 1u8), (beta, beta_user, 2u8)] {
        let mut tx = TenantTx::begin(&db, tenant).await.expect("tx");
        sqlx::query("UPDATE users SET totp_secret = $2, totp_confirmed_at = now() WHERE user_id = $1")
            .bind(user)
            .bind([token; 20].as_slice())
            .execute(&mut *tx)
            .await
            .expect("factor");
        let challenge = NewChallenge {
            token_hash: &[token; 32],
            account: Account::Tenant(tenant, UserId(user)),
            purpose: Purpose::Verify,
            expires_at: chrono::Utc::now() + chrono::Duration::minutes(10),
            ip: None,
            user_agent: None,
        };
        insert_challenge(&mut tx, challenge).await.expect("challenge");
        tx.commit().await.expect("commit");
    }

    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let visible: Vec<Option<uuid::Uuid>> = sqlx::query_scalar("SELECT user_id FROM sign_in_challenges")
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert_eq!(visible, [Some(alpha_user)], "only alpha's own challenges are visible");
    let deleted = sqlx::query("DELETE FROM sign_in_challenges WHERE tenant_id = $1")
        .bind(beta.0)
        .execute(&mut *tx)
        .await
        .expect("delete");
    assert_eq!(deleted.rows_affected(), 0);
    let forged = sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, tenant_id, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, 'verify', now() + interval '1 day')",
    )
    .bind([9u8; 32].as_slice())
    .bind(beta.0)
    .bind(beta_user)
    .execute(&mut *tx)
    .await;
    assert!(
        forged.is_err(),
        "a challenge for another tenant's member must be refused"
    );
    drop(tx);
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let secrets: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE user_id = $1")
        .bind(beta_user)
        .fetch_all(&mut *tx)
        .await
        .expect("select");
    assert!(secrets.is_empty(), "alpha read beta's second factor");
    let cleared = update_clear(&mut tx, Account::Tenant(beta, UserId(beta_user)))
        .await
        .expect("update");
    assert!(!cleared, "alpha reset beta's second factor");
    drop(tx);

    // Outside any scope nothing; the auth scope, which answers sign-ins, sees both.
    let mut conn = unscoped_connection(&db).await.expect("connection");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_challenges")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(count, 0, "challenges leaked outside any scope");
    drop(conn);
    let mut conn = auth_scope(&db).await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_challenges")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(count, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn single_sign_on_requests_are_the_auth_scopes_only(_: PgPoolOptions, options: PgConnectOptions) {
    let db = connect(options).await;
    let (alpha, beta) = two_tenants(&db).await;
    let insert =
        "INSERT INTO sso_requests (state_hash, tenant_id, nonce, pkce_verifier, redirect_uri, next, expires_at)
                  VALUES ($1, $2, 'n0nce-n0nce-n0nce-n0nce', repeat('v', 43), 'https://x.test/cb', '/',
                          now() + interval '10 minutes')";
    // Written before anyone is signed in, in the auth scope.
    let mut conn = auth_scope(&db).await;
    for (tenant, state) in [(alpha, 1u8), (beta, 2u8)] {
        sqlx::query(insert)
            .bind([state; 32].as_slice())
            .bind(tenant.0)
            .execute(&mut *conn)
            .await
            .expect("request");
    }
    sqlx::query("COMMIT").execute(&mut *conn).await.expect("commit");
    drop(conn);

    // A workspace's own transaction sees none of them, not even its own, and cannot add one.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let seen = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sso_requests")
        .fetch_one(&mut *tx)
        .await;
    assert!(
        seen.is_err() || seen.is_ok_and(|count| count == 0),
        "a tenant read sign-ins under way"
    );
    drop(tx);
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let forged = sqlx::query(insert)
        .bind([9u8; 32].as_slice())
        .bind(alpha.0)
        .execute(&mut *tx)
        .await;
    assert!(forged.is_err(), "a tenant wrote a sign-in request");
    drop(tx);

    // The auth scope takes each once.
    let mut conn = auth_scope(&db).await;
    let take = "DELETE FROM sso_requests WHERE state_hash = $1 RETURNING tenant_id";
    let taken: Option<uuid::Uuid> = sqlx::query_scalar(take)
        .bind([1u8; 32].as_slice())
        .fetch_optional(&mut *conn)
        .await
        .expect("take");
    assert_eq!(taken, Some(alpha.0));
    let again: Option<uuid::Uuid> = sqlx::query_scalar(take)
        .bind([1u8; 32].as_slice())
        .fetch_optional(&mut *conn)
        .await
        .expect("take");
    assert!(again.is_none(), "taken twice");
}
