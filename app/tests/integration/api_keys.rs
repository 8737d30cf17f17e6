//! API keys on a real PostgreSQL, as the application's non-superuser role: only hashes are
//! stored; `authenticate` accepts live keys and refuses revoked, expired, unknown and malformed
//! ones and those of suspended tenants; rotation honours its grace period; the plan's quota holds;
//! one tenant can neither see nor change another's keys; HMAC signatures are checked.
//!
//! The owner pool (the migrating login, a superuser here) plays the clock and the intruder: it
//! moves times into the past and attacks the policies with hand-written SQL.

use atrium_app::api_keys::auth::{
    KeyAuthError, NONCE_HEADER, SIGNATURE_HEADER, SignedRequest, TIMESTAMP_HEADER, authenticate, sign,
};
use atrium_app::api_keys::service::{NewApiKey, create_key, revoke_key, rotate_key, set_require_signed_ingest};
use atrium_app::api_keys::types::{ApiKeyScope, ApiKeyStatus, IssuedApiKey, KeyExpiry, RotationGrace};
use atrium_app::audit::db::Actor;
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx, unscoped_connection};
use atrium_app::error::AppError;
use atrium_app::ids::{ApiKeyId, TenantId, UserId};
use atrium_app::plans::types::Limit;
use atrium_app::tenants::types::Plan;
use axum::http::{HeaderMap, HeaderValue};
use chrono::Utc;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

struct Fixture {
    db: Db,
    owner: PgPool,
    /// Free plan: at most 3 active keys.
    alpha: TenantId,
    beta: TenantId,
    alice: UserId,
}

async fn fixture(options: PgConnectOptions) -> Fixture {
    let owner = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.clone())
        .await
        .expect("owner pool");
    let db = Db::connect(options, 6).await.expect("connect");
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let mut ids = Vec::new();
    for (slug, plan) in [("alpha", "free"), ("beta", "professional")] {
        let id: uuid::Uuid = sqlx::query_scalar(
            "INSERT INTO tenants (name, slug, plan) VALUES ($1, $1, $2::tenant_plan) RETURNING tenant_id",
        )
        .bind(slug)
        .bind(plan)
        .fetch_one(&mut *tx)
        .await
        .expect("tenant");
        ids.push(TenantId(id));
    }
    tx.commit().await.expect("commit");
    let mut tx = TenantTx::begin(&db, ids[0]).await.expect("tx");
    let alice: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO users (tenant_id, email, name, password_hash, role) VALUES ($1, 'alice@alpha.test', 'Alice', 'x', 'admin') RETURNING user_id",
    )
    .bind(ids[0].0)
    .fetch_one(&mut *tx)
    .await
    .expect("user");
    tx.commit().await.expect("commit");
    Fixture {
        db,
        owner,
        alpha: ids[0],
        beta: ids[1],
        alice: UserId(alice),
    }
}

fn actor() -> Actor {
    Actor {
        kind: "user",
        email: Some("alice@alpha.test".into()),
        ..Actor::default()
    }
}

fn new_key(name: &str, scopes: &[ApiKeyScope]) -> NewApiKey {
    NewApiKey {
        name: name.into(),
        scopes: scopes.to_vec(),
        expiry: KeyExpiry::Never,
    }
}

async fn create(f: &Fixture, tenant: TenantId, name: &str) -> Result<IssuedApiKey, AppError> {
    let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
    let issued = create_key(
        &mut tx,
        &actor(),
        Some(f.alice),
        &new_key(name, &[ApiKeyScope::MetricsWrite]),
    )
    .await?;
    tx.commit().await.expect("commit");
    Ok(issued)
}

async fn revoke(f: &Fixture, tenant: TenantId, id: ApiKeyId) -> Result<(), AppError> {
    let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
    revoke_key(&mut tx, &actor(), id).await?;
    tx.commit().await.expect("commit");
    Ok(())
}

async fn rotate(f: &Fixture, tenant: TenantId, id: ApiKeyId, grace: RotationGrace) -> Result<IssuedApiKey, AppError> {
    let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
    let issued = rotate_key(&mut tx, &actor(), id, grace).await?;
    tx.commit().await.expect("commit");
    Ok(issued)
}

fn bearer(key: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {key}")).expect("header"),
    );
    headers
}

/// An ingestion request for `body`, as the signatures in these tests cover it.
fn ingest(body: &[u8]) -> SignedRequest<'_> {
    SignedRequest {
        method: "POST",
        path_and_query: "/api/v1/metrics",
        body,
    }
}

fn signed(key: &str, signing_secret: &str, timestamp: i64, nonce: &str, body: &[u8]) -> HeaderMap {
    let mut headers = bearer(key);
    headers.insert(
        TIMESTAMP_HEADER,
        HeaderValue::from_str(&timestamp.to_string()).expect("header"),
    );
    headers.insert(NONCE_HEADER, HeaderValue::from_str(nonce).expect("header"));
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sign(signing_secret, timestamp, nonce, &ingest(body))).expect("header"),
    );
    headers
}

async fn auth_error(f: &Fixture, headers: &HeaderMap) -> KeyAuthError {
    match authenticate(&f.db, headers).await {
        Ok(principal) => panic!("expected a refusal, got {principal:?}"),
        Err(error) => error,
    }
}

/// Runs owner SQL (bypassing RLS) with one uuid parameter.
async fn owner_exec(f: &Fixture, sql: &str, id: uuid::Uuid) {
    sqlx::query(sql).bind(id).execute(&f.owner).await.expect("owner sql");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_hash_of_a_key_is_stored(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let issued = create(&f, f.alpha, "ingest").await.expect("create");
    assert!(issued.key.starts_with(&format!("atr_{}_", issued.summary.prefix)));
    assert!(issued.signing_secret.starts_with("ats_"));
    // Everything after `atr_<prefix>_`: base64url has `_` in its alphabet, so the text after the
    // last `_` could be a few characters that turn up in any row (a CI run failed on that).
    let secret_part = issued
        .key
        .strip_prefix(&format!("atr_{}_", issued.summary.prefix))
        .expect("secret part")
        .to_owned();
    let row: (Vec<u8>, String) =
        sqlx::query_as("SELECT secret_hash, row_to_json(k)::text FROM api_keys k WHERE api_key_id = $1")
            .bind(issued.summary.api_key_id.0)
            .fetch_one(&f.owner)
            .await
            .expect("row");
    assert_eq!(row.0, Sha256::digest(issued.key.as_bytes()).to_vec());
    assert!(
        !row.1.contains(&issued.key) && !row.1.contains(&secret_part),
        "the key appears in its row: {}",
        row.1
    );
    // The audit trail names the key but holds neither secret.
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT action || coalesce(before::text, '') || coalesce(after::text, '') FROM audit_events ORDER BY audit_id",
    )
    .fetch_all(&f.owner)
    .await
    .expect("audit");
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].starts_with("api_key.create") && audit[0].contains("ingest"),
        "{}",
        audit[0]
    );
    let signing_part = issued.signing_secret.trim_start_matches("ats_");
    assert!(!audit[0].contains(&secret_part) && !audit[0].contains(signing_part));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_key_authenticates_with_its_tenant_scopes_and_plan(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let issued = create(&f, f.alpha, "ingest").await.expect("create");
    let principal = authenticate(&f.db, &bearer(&issued.key)).await.expect("authenticated");
    assert_eq!(principal.tenant_id, f.alpha);
    assert_eq!(principal.api_key_id, issued.summary.api_key_id);
    assert_eq!(principal.scopes, [ApiKeyScope::MetricsWrite]);
    assert_eq!(principal.plan, Plan::Free);
    assert!(!principal.require_signed);
    assert_eq!(principal.require(ApiKeyScope::MetricsWrite), Ok(()));
    assert_eq!(
        principal.require(ApiKeyScope::MetricsRead),
        Err(KeyAuthError::MissingScope(ApiKeyScope::MetricsRead))
    );

    // last_used_at is recorded, then at most once a minute.
    let used = |f: &Fixture| {
        let owner = f.owner.clone();
        let id = issued.summary.api_key_id.0;
        async move {
            sqlx::query_scalar::<_, Option<chrono::DateTime<Utc>>>(
                "SELECT last_used_at FROM api_keys WHERE api_key_id = $1",
            )
            .bind(id)
            .fetch_one(&owner)
            .await
            .expect("last used")
        }
    };
    assert!(used(&f).await.is_some());
    let id = issued.summary.api_key_id.0;
    owner_exec(
        &f,
        "UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE api_key_id = $1",
        id,
    )
    .await;
    let before = used(&f).await;
    authenticate(&f.db, &bearer(&issued.key)).await.expect("authenticated");
    assert_eq!(used(&f).await, before, "a use 30 s after the last is not written");
    owner_exec(
        &f,
        "UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE api_key_id = $1",
        id,
    )
    .await;
    let before = used(&f).await;
    authenticate(&f.db, &bearer(&issued.key)).await.expect("authenticated");
    assert!(used(&f).await > before, "a use 2 minutes after the last is written");
}

#[sqlx::test(migrations = "../migrations")]
async fn revoked_expired_unknown_and_malformed_keys_are_refused(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let revoked = create(&f, f.alpha, "to revoke").await.expect("create");
    authenticate(&f.db, &bearer(&revoked.key)).await.expect("works before");
    revoke(&f, f.alpha, revoked.summary.api_key_id).await.expect("revoke");
    assert_eq!(auth_error(&f, &bearer(&revoked.key)).await, KeyAuthError::InvalidKey);
    assert!(matches!(
        revoke(&f, f.alpha, revoked.summary.api_key_id).await,
        Err(AppError::Conflict(_))
    ));

    let expiring = create(&f, f.alpha, "to expire").await.expect("create");
    authenticate(&f.db, &bearer(&expiring.key)).await.expect("works before");
    owner_exec(
        &f,
        "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE api_key_id = $1",
        expiring.summary.api_key_id.0,
    )
    .await;
    assert_eq!(auth_error(&f, &bearer(&expiring.key)).await, KeyAuthError::InvalidKey);

    // Well-formed but never issued; a real key with one character changed.
    let unknown = format!("atr_abcdefgh_{}", "A".repeat(42) + "E");
    assert_eq!(auth_error(&f, &bearer(&unknown)).await, KeyAuthError::InvalidKey);
    let live = create(&f, f.alpha, "live").await.expect("create");
    let mut altered = live.key.clone();
    let last = altered.pop().expect("char");
    altered.push(if last == 'A' { 'Q' } else { 'A' });
    assert_eq!(auth_error(&f, &bearer(&altered)).await, KeyAuthError::InvalidKey);

    for malformed in [
        "nope",
        "atr_",
        "atr_ABCDEFGH_x",
        &live.key[..live.key.len() - 1],
        live.signing_secret.as_str(),
    ] {
        assert_eq!(
            auth_error(&f, &bearer(malformed)).await,
            KeyAuthError::InvalidKey,
            "{malformed}"
        );
    }
    assert_eq!(auth_error(&f, &HeaderMap::new()).await, KeyAuthError::MissingKey);
    let mut basic = HeaderMap::new();
    basic.insert("authorization", HeaderValue::from_static("Basic YTpi"));
    assert_eq!(auth_error(&f, &basic).await, KeyAuthError::MissingKey);
    // The live key is unaffected by all of the above.
    authenticate(&f.db, &bearer(&live.key)).await.expect("still works");
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_of_a_suspended_tenant_are_refused(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let issued = create(&f, f.alpha, "ingest").await.expect("create");
    owner_exec(
        &f,
        "UPDATE tenants SET status = 'suspended' WHERE tenant_id = $1",
        f.alpha.0,
    )
    .await;
    let error = auth_error(&f, &bearer(&issued.key)).await;
    assert_eq!(error, KeyAuthError::TenantSuspended);
    assert_eq!((error.status(), error.code()), (403, "tenant_suspended"));
    owner_exec(
        &f,
        "UPDATE tenants SET status = 'active' WHERE tenant_id = $1",
        f.alpha.0,
    )
    .await;
    authenticate(&f.db, &bearer(&issued.key)).await.expect("works again");
}

#[sqlx::test(migrations = "../migrations")]
async fn rotation_keeps_the_old_key_only_for_its_grace_period(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let old = create(&f, f.alpha, "rotating").await.expect("create");
    let id = old.summary.api_key_id;
    let new = rotate(&f, f.alpha, id, RotationGrace::OneHour).await.expect("rotate");
    assert_ne!(new.key, old.key);
    assert_ne!(new.signing_secret, old.signing_secret);
    assert_eq!(new.summary.api_key_id, id);
    assert_ne!(
        new.summary.prefix, old.summary.prefix,
        "the list shows the new key's prefix"
    );
    assert!(new.summary.grace_ends_at.is_some_and(|end| end > Utc::now()));
    assert_eq!(new.summary.status, ApiKeyStatus::Active);

    let body = b"{}";
    let now = Utc::now();
    for (key, secret) in [(&new.key, &new.signing_secret), (&old.key, &old.signing_secret)] {
        let principal = authenticate(&f.db, &bearer(key))
            .await
            .expect("both keys work during grace");
        assert_eq!(principal.api_key_id, id);
        // Each key signs with its own signing secret.
        let headers = signed(key, secret, now.timestamp(), "grace-period-nonce-1", body);
        assert!(principal.verify_signature(&headers, &ingest(body), now).is_ok());
    }
    let new_principal = authenticate(&f.db, &bearer(&new.key)).await.expect("new key");
    let crossed = signed(
        &new.key,
        &old.signing_secret,
        now.timestamp(),
        "grace-period-nonce-2",
        body,
    );
    assert_eq!(
        new_principal.verify_signature(&crossed, &ingest(body), now),
        Err(KeyAuthError::BadSignature)
    );

    // The grace period ends: the old key stops, the new one goes on.
    owner_exec(
        &f,
        "UPDATE api_keys SET previous_expires_at = now() - interval '1 second' WHERE api_key_id = $1",
        id.0,
    )
    .await;
    assert_eq!(auth_error(&f, &bearer(&old.key)).await, KeyAuthError::InvalidKey);
    authenticate(&f.db, &bearer(&new.key))
        .await
        .expect("new key still works");
}

#[sqlx::test(migrations = "../migrations")]
async fn rotation_without_grace_refuses_the_old_key_at_once(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let old = create(&f, f.alpha, "rotating").await.expect("create");
    let new = rotate(&f, f.alpha, old.summary.api_key_id, RotationGrace::None)
        .await
        .expect("rotate");
    assert_eq!(new.summary.grace_ends_at, None);
    assert_eq!(auth_error(&f, &bearer(&old.key)).await, KeyAuthError::InvalidKey);
    authenticate(&f.db, &bearer(&new.key)).await.expect("new key works");
    // A second rotation with grace keeps only the key it replaces.
    let newest = rotate(&f, f.alpha, old.summary.api_key_id, RotationGrace::SevenDays)
        .await
        .expect("rotate again");
    authenticate(&f.db, &bearer(&new.key))
        .await
        .expect("the replaced key is in grace");
    authenticate(&f.db, &bearer(&newest.key))
        .await
        .expect("the newest key works");
    assert_eq!(auth_error(&f, &bearer(&old.key)).await, KeyAuthError::InvalidKey);
    // Revoking ends the grace too, and a revoked key cannot be rotated back to life.
    revoke(&f, f.alpha, old.summary.api_key_id).await.expect("revoke");
    assert_eq!(auth_error(&f, &bearer(&new.key)).await, KeyAuthError::InvalidKey);
    assert_eq!(auth_error(&f, &bearer(&newest.key)).await, KeyAuthError::InvalidKey);
    assert!(matches!(
        rotate(&f, f.alpha, old.summary.api_key_id, RotationGrace::None).await,
        Err(AppError::Conflict(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_plan_quota_counts_only_active_keys(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let max: i64 = sqlx::query_scalar("SELECT value FROM plan_limits WHERE plan = 'free' AND limit_name = 'api_keys'")
        .fetch_one(&f.owner)
        .await
        .expect("the free plan's key limit");
    let mut keys = Vec::new();
    for n in 0..max {
        keys.push(create(&f, f.alpha, &format!("key {n}")).await.expect("within quota"));
    }
    match create(&f, f.alpha, "one too many").await {
        Err(
            error @ AppError::LimitReached {
                limit: Limit::ApiKeys,
                allowed,
                plan: Plan::Free,
            },
        ) => {
            assert_eq!(allowed, max as u64);
            let message = error.to_string();
            assert!(
                message.contains(&max.to_string()) && message.contains("Free"),
                "{message}"
            );
        }
        other => panic!("expected the quota to refuse, got {other:?}"),
    }
    // Revoked and expired keys free their places.
    revoke(&f, f.alpha, keys[0].summary.api_key_id).await.expect("revoke");
    create(&f, f.alpha, "replacement")
        .await
        .expect("a revoked key frees a place");
    assert!(create(&f, f.alpha, "again too many").await.is_err());
    owner_exec(
        &f,
        "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE api_key_id = $1",
        keys[1].summary.api_key_id.0,
    )
    .await;
    create(&f, f.alpha, "after expiry")
        .await
        .expect("an expired key frees a place");
    // Another tenant's quota is its own.
    create(&f, f.beta, "beta key").await.expect("beta has its own quota");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_can_neither_see_nor_change_a_key(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let alpha_key = create(&f, f.alpha, "alpha secret").await.expect("create");
    let id = alpha_key.summary.api_key_id;

    let mut tx = TenantTx::begin(&f.db, f.beta).await.expect("tx");
    assert!(
        atrium_app::api_keys::db::select_api_keys(&mut tx, None, [None, None], 1)
            .await
            .expect("list")
            .items
            .is_empty()
    );
    // Hand-written SQL fares no better than the app's own queries.
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(seen, 0);
    let changed = sqlx::query("UPDATE api_keys SET revoked_at = now(), name = 'pwned' WHERE api_key_id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(changed.rows_affected(), 0);
    let forged = sqlx::query(
        "INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, signing_secret, scopes)
         VALUES ($1, 'forged', 'zzzzzzzz', '\\x00', '\\x00', '{metrics:write}')",
    )
    .bind(f.alpha.0)
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "inserting a key into another tenant must fail");
    drop(tx);

    let mut tx = TenantTx::begin(&f.db, f.beta).await.expect("tx");
    assert_eq!(
        revoke_key(&mut tx, &actor(), id).await.map(|_| ()),
        Err(AppError::NotFound)
    );
    drop(tx);
    let mut tx = TenantTx::begin(&f.db, f.beta).await.expect("tx");
    assert!(matches!(
        rotate_key(&mut tx, &actor(), id, RotationGrace::None).await,
        Err(AppError::NotFound)
    ));
    drop(tx);

    let principal = authenticate(&f.db, &bearer(&alpha_key.key)).await.expect("untouched");
    assert_eq!(principal.tenant_id, f.alpha);
    let name: String = sqlx::query_scalar("SELECT name FROM api_keys WHERE api_key_id = $1")
        .bind(id.0)
        .fetch_one(&f.owner)
        .await
        .expect("name");
    assert_eq!(name, "alpha secret");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_api_key_scope_reads_keys_and_tenants_and_writes_nothing(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let issued = create(&f, f.alpha, "ingest").await.expect("create");
    let mut conn = unscoped_connection(&f.db).await.expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("SELECT set_config('app.scope', 'api_key', true), set_config('role', 'atrium_scope_api_key', true)")
        .execute(&mut *tx)
        .await
        .expect("scope");
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys")
        .fetch_one(&mut *tx)
        .await
        .expect("keys");
    assert_eq!(keys, 1);
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&mut *tx)
        .await
        .expect("tenants");
    assert_eq!(tenants, 2);
    for (table, statement) in [
        ("users", "SELECT count(*) FROM users"),
        ("audit_events", "SELECT count(*) FROM audit_events"),
    ] {
        let seen = crate::rows_or_denied(&mut tx, statement).await;
        assert!(
            matches!(seen, None | Some(0)),
            "the api_key scope sees {table}: {seen:?}"
        );
    }
    for statement in [
        "UPDATE api_keys SET revoked_at = now()",
        "UPDATE tenants SET require_signed_ingest = true",
        "DELETE FROM api_keys",
    ] {
        let changed = crate::rows_or_denied(&mut tx, statement).await;
        assert!(matches!(changed, None | Some(0)), "{statement}: {changed:?}");
    }
    tx.rollback().await.expect("rollback");
    authenticate(&f.db, &bearer(&issued.key)).await.expect("untouched");
}

#[sqlx::test(migrations = "../migrations")]
async fn signatures_are_checked_and_required_when_the_tenant_says_so(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let issued = create(&f, f.alpha, "signed").await.expect("create");
    let body = br#"{"metric":"cpu","value":0.5}"#;
    let now = Utc::now();
    let ts = now.timestamp();

    let principal = authenticate(&f.db, &bearer(&issued.key)).await.expect("auth");
    let request = ingest(body);
    assert_eq!(
        principal
            .verify_request(&f.db, &bearer(&issued.key), &request, now)
            .await,
        Ok(())
    );
    let good = signed(&issued.key, &issued.signing_secret, ts, "first-nonce-0001", body);
    assert_eq!(principal.verify_request(&f.db, &good, &request, now).await, Ok(()));
    // The same request again: its nonce is recorded, so it is a replay.
    let error = principal
        .verify_request(&f.db, &good, &request, now)
        .await
        .expect_err("replay");
    assert_eq!(
        (error, error.code()),
        (KeyAuthError::ReplayedRequest, "replayed_request")
    );
    let mut wrong = signed(&issued.key, &issued.signing_secret, ts, "second-nonce-0002", body);
    wrong.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sign(
            &issued.signing_secret,
            ts,
            "second-nonce-0002",
            &ingest(b"another body"),
        ))
        .expect("header"),
    );
    let error = principal
        .verify_request(&f.db, &wrong, &request, now)
        .await
        .expect_err("wrong signature");
    assert_eq!((error, error.code()), (KeyAuthError::BadSignature, "invalid_signature"));
    let stale = signed(&issued.key, &issued.signing_secret, ts - 301, "third-nonce-00003", body);
    let error = principal
        .verify_request(&f.db, &stale, &request, now)
        .await
        .expect_err("stale");
    assert_eq!((error, error.code()), (KeyAuthError::StaleSignature, "stale_signature"));
    // Refused requests recorded no nonce: only the one accepted signed request did.
    let nonces: Vec<String> = sqlx::query_scalar("SELECT nonce FROM signature_nonces ORDER BY nonce")
        .fetch_all(&f.owner)
        .await
        .expect("nonces");
    assert_eq!(nonces, ["first-nonce-0001"]);

    let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
    set_require_signed_ingest(&mut tx, &actor(), true)
        .await
        .expect("require");
    tx.commit().await.expect("commit");
    let strict = authenticate(&f.db, &bearer(&issued.key)).await.expect("auth");
    assert!(strict.require_signed);
    let error = strict
        .verify_request(&f.db, &bearer(&issued.key), &request, now)
        .await
        .expect_err("unsigned");
    assert_eq!(
        (error, error.code()),
        (KeyAuthError::SignatureRequired, "signature_required")
    );
    let fresh = signed(&issued.key, &issued.signing_secret, ts, "fourth-nonce-0004", body);
    assert_eq!(strict.verify_request(&f.db, &fresh, &request, now).await, Ok(()));
    assert_eq!(
        strict.verify_request(&f.db, &wrong, &request, now).await,
        Err(KeyAuthError::BadSignature)
    );
    let audit: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events ORDER BY audit_id")
        .fetch_all(&f.owner)
        .await
        .expect("audit");
    assert_eq!(audit, ["api_key.create", "tenant.require_signed_ingest"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn new_keys_are_validated_field_by_field(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let error = NewApiKey::parse(&"x".repeat(81), &[], "731").expect_err("invalid");
    for field in ["name", "scopes", "expires_in_days"] {
        assert!(error.field_error(field).is_some(), "{field}: {error:?}");
    }
    let parsed = NewApiKey::parse(" reader ", &["metrics:read".into()], "30").expect("valid");
    let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
    let issued = create_key(&mut tx, &actor(), Some(f.alice), &parsed)
        .await
        .expect("create");
    tx.commit().await.expect("commit");
    assert_eq!(issued.summary.name, "reader");
    assert_eq!(issued.summary.scopes, [ApiKeyScope::MetricsRead]);
    assert_eq!(issued.summary.created_by_name.as_deref(), Some("Alice"));
    let expires = issued.summary.expires_at.expect("expiry");
    let days = (expires - Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "{days} hours");
}

#[sqlx::test(migrations = "../migrations")]
async fn nonces_are_kept_per_key_under_row_level_security_and_expire(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let alpha = create(&f, f.alpha, "alpha signer").await.expect("alpha key");
    let beta = create(&f, f.beta, "beta signer").await.expect("beta key");
    let body = b"[]";
    let now = Utc::now();
    let ts = now.timestamp();
    let nonce = "shared-nonce-0123456789";
    // The same nonce with two tenants' keys: each is a first use for its own key.
    for issued in [&alpha, &beta] {
        let headers = signed(&issued.key, &issued.signing_secret, ts, nonce, body);
        let principal = authenticate(&f.db, &headers).await.expect("auth");
        assert_eq!(
            principal.verify_request(&f.db, &headers, &ingest(body), now).await,
            Ok(()),
            "{}",
            issued.summary.name
        );
    }
    // Each tenant's transaction sees its own nonce only (the app role, so RLS applies).
    for tenant in [f.alpha, f.beta] {
        let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
        let seen: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT tenant_id FROM signature_nonces")
            .fetch_all(&mut *tx)
            .await
            .expect("select");
        assert_eq!(seen, [tenant.0]);
        // Writing another tenant's nonce is refused by the policy's WITH CHECK.
        let other = if tenant == f.alpha { &beta } else { &alpha };
        let forged = sqlx::query(
            "INSERT INTO signature_nonces (tenant_id, api_key_id, nonce, expires_at)
             VALUES ($1, $2, 'forged-nonce-000000', now() + interval '1 minute')",
        )
        .bind(if tenant == f.alpha { f.beta.0 } else { f.alpha.0 })
        .bind(other.summary.api_key_id.0)
        .execute(&mut *tx)
        .await;
        assert!(forged.is_err(), "a tenant wrote another tenant's nonce");
    }

    // The clean-up pass deletes only nonces whose window has closed.
    sqlx::query("UPDATE signature_nonces SET expires_at = now() - interval '1 second' WHERE tenant_id = $1")
        .bind(f.alpha.0)
        .execute(&f.owner)
        .await
        .expect("age alpha's nonce");
    let deleted = atrium_app::api_keys::auth::delete_expired_nonces(&f.db)
        .await
        .expect("clean up");
    assert_eq!(deleted, 1);
    let left: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT tenant_id FROM signature_nonces")
        .fetch_all(&f.owner)
        .await
        .expect("left");
    assert_eq!(left, [f.beta.0]);
}
