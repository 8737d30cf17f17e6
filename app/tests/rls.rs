//! Row-level security on a real PostgreSQL, as the application's non-superuser role: each scope
//! sees and changes exactly what DESIGN.md says it may.
//!
//! These tests deliberately run hand-written SQL (`sqlx::query`, unchecked) to attack the policies
//! the way a buggy query would; the application's own queries are compile-time checked.

use atrium_app::audit::db::{Actor, AuditEvent, insert_audit_event};
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx, unscoped_connection};
use atrium_app::ids::TenantId;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

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
    let updated = sqlx::query("UPDATE users SET name = 'x'")
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(
        updated.rows_affected(),
        0,
        "platform scope is read-only on tenant users"
    );
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
