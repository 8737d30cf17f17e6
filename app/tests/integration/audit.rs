//! The audit hash chain on a real PostgreSQL: rows written through the app form valid chains per
//! tenant; tampering by UPDATE or DELETE (done here as the table owner, the way an attacker with
//! database access would) is found at the right link; concurrent writers still form one chain;
//! pruning to retention keeps the rest verifiable, also when two pruners overlap; secrets never
//! reach before/after.
//!
//! Tampering uses unchecked `sqlx::query` on an owner connection on purpose: the app role cannot
//! do it (asserted in rls.rs).

use atrium_app::audit::db::{
    Actor, AuditEvent, AuditReader, REDACTED, insert_audit_event, insert_audit_event_at, prune_expired,
    verify_all_chains, verify_chains,
};
use atrium_app::audit::types::{BreakReason, ChainReport};
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::ids::TenantId;
use chrono::{Duration, Utc};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

struct Fixture {
    db: Db,
    /// The owner (the migrating login): may bypass the app role's limits, like an intruder.
    owner: PgPool,
    options: PgConnectOptions,
    alpha: TenantId,
    beta: TenantId,
}

async fn fixture(options: PgConnectOptions) -> Fixture {
    let owner = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.clone())
        .await
        .expect("owner pool");
    let db = Db::connect(options.clone(), 10).await.expect("connect");
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let mut ids = Vec::new();
    for slug in ["alpha", "beta"] {
        let id: uuid::Uuid = sqlx::query_scalar("INSERT INTO tenants (name, slug) VALUES ($1, $1) RETURNING tenant_id")
            .bind(slug)
            .fetch_one(&mut *tx)
            .await
            .expect("tenant");
        ids.push(TenantId(id));
    }
    tx.commit().await.expect("commit");
    Fixture {
        db,
        owner,
        options,
        alpha: ids[0],
        beta: ids[1],
    }
}

fn event(tenant: Option<TenantId>, n: usize) -> AuditEvent<'static> {
    AuditEvent {
        tenant_id: tenant,
        action: "tenant.update",
        entity_type: "tenant",
        entity_id: Some(format!("entity-{n}")),
        before: Some(serde_json::json!({"name": format!("Name {n}"), "score": 1.5, "tags": ["a", "b"]})),
        after: Some(
            serde_json::json!({"name": format!("Name {}", n + 1), "score": -0.0, "nested": {"z": 1, "a": null}}),
        ),
    }
}

fn actor() -> Actor {
    let mut actor = Actor::system().with_request_id(Some("req-test".into()));
    actor.email = Some("tester@atrium.test".into());
    actor.ip = Some("192.0.2.1".into());
    actor
}

/// Appends `count` rows to a tenant's chain, one transaction each.
async fn write(f: &Fixture, tenant: TenantId, count: usize) {
    for n in 0..count {
        let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
        insert_audit_event(&mut tx, &actor(), event(Some(tenant), n))
            .await
            .expect("audit");
        tx.commit().await.expect("commit");
    }
}

async fn write_platform(f: &Fixture, count: usize) {
    for n in 0..count {
        let mut tx = PlatformTx::begin(&f.db, PlatformGuard::for_system_task())
            .await
            .expect("tx");
        insert_audit_event(&mut tx, &actor(), event(None, n))
            .await
            .expect("audit");
        tx.commit().await.expect("commit");
    }
}

async fn verify(f: &Fixture) -> ChainReport {
    verify_all_chains(&f.db, PlatformGuard::for_system_task())
        .await
        .expect("verify")
}

async fn audit_id_at(f: &Fixture, tenant: TenantId, seq: i64) -> i64 {
    sqlx::query_scalar("SELECT audit_id FROM audit_events WHERE tenant_id = $1 AND chain_seq = $2")
        .bind(tenant.0)
        .bind(seq)
        .fetch_one(&f.owner)
        .await
        .expect("row")
}

#[sqlx::test(migrations = "../migrations")]
async fn rows_written_by_the_app_form_one_valid_chain_per_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 3).await;
    write(&f, f.beta, 2).await;
    write_platform(&f, 2).await;
    let report = verify(&f).await;
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.chains, report.rows, report.unchained), (3, 7, 0));

    let seqs: Vec<(Option<uuid::Uuid>, i64)> =
        sqlx::query_as("SELECT tenant_id, chain_seq FROM audit_events ORDER BY tenant_id NULLS FIRST, chain_seq")
            .fetch_all(&f.owner)
            .await
            .expect("rows");
    let alpha: Vec<i64> = seqs
        .iter()
        .filter(|(t, _)| *t == Some(f.alpha.0))
        .map(|(_, s)| *s)
        .collect();
    assert_eq!(alpha, [1, 2, 3], "each chain counts from 1 without gaps");
    let platform: Vec<i64> = seqs.iter().filter(|(t, _)| t.is_none()).map(|(_, s)| *s).collect();
    assert_eq!(platform, [1, 2]);
    let request_ids: Vec<Option<String>> = sqlx::query_scalar("SELECT request_id FROM audit_events")
        .fetch_all(&f.owner)
        .await
        .expect("ids");
    assert!(request_ids.iter().all(|id| id.as_deref() == Some("req-test")));

    // A tenant verifies its own chain only.
    let mut reader = AuditReader::Tenant(TenantTx::begin_snapshot(&f.db, f.alpha).await.expect("tx"));
    let own = verify_chains(&mut reader).await.expect("verify");
    assert_eq!((own.chains, own.rows), (1, 3));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_update_of_a_middle_row_is_found_at_that_row(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 5).await;
    write(&f, f.beta, 2).await;
    let target = audit_id_at(&f, f.alpha, 3).await;
    sqlx::query("UPDATE audit_events SET after = '{\"name\": \"forged\"}' WHERE audit_id = $1")
        .bind(target)
        .execute(&f.owner)
        .await
        .expect("tamper");
    let report = verify(&f).await;
    assert_eq!(report.broken.len(), 1, "only alpha's chain is broken: {report:?}");
    let link = &report.broken[0];
    assert_eq!(
        (link.tenant_id, link.chain_seq, link.audit_id, link.reason),
        (Some(f.alpha), 3, Some(target), BreakReason::RowAltered)
    );
    assert_eq!(link.tenant_name.as_deref(), Some("alpha"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_changed_time_or_actor_breaks_the_chain_too(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 3).await;
    let target = audit_id_at(&f, f.alpha, 2).await;
    sqlx::query("UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE audit_id = $1")
        .bind(target)
        .execute(&f.owner)
        .await
        .expect("tamper");
    let report = verify(&f).await;
    assert_eq!(
        (report.broken[0].chain_seq, report.broken[0].reason),
        (2, BreakReason::RowAltered)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_middle_row_is_found_at_its_position(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 5).await;
    let after_gap = audit_id_at(&f, f.alpha, 4).await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = $1 AND chain_seq = 3")
        .bind(f.alpha.0)
        .execute(&f.owner)
        .await
        .expect("tamper");
    let report = verify(&f).await;
    let link = &report.broken[0];
    assert_eq!(
        (link.chain_seq, link.audit_id, link.reason),
        (3, Some(after_gap), BreakReason::RowMissing)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_the_newest_rows_is_found_at_the_head(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 4).await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = $1 AND chain_seq >= 3")
        .bind(f.alpha.0)
        .execute(&f.owner)
        .await
        .expect("tamper");
    let report = verify(&f).await;
    assert_eq!(
        (report.broken[0].chain_seq, report.broken[0].reason),
        (3, BreakReason::TailMissing)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_writers_still_form_one_valid_chain(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let tasks = 8;
    let per_task = 12;
    let mut handles = Vec::new();
    for task in 0..tasks {
        let db = f.db.clone();
        let (alpha, beta) = (f.alpha, f.beta);
        handles.push(tokio::spawn(async move {
            for n in 0..per_task {
                // Alternate chains, and let the first appends to a fresh chain race too.
                let tenant = if (task + n) % 3 == 0 { beta } else { alpha };
                let mut tx = TenantTx::begin(&db, tenant).await.expect("tx");
                insert_audit_event(&mut tx, &actor(), event(Some(tenant), task * 100 + n))
                    .await
                    .expect("audit");
                tx.commit().await.expect("commit");
            }
        }));
    }
    for handle in handles {
        handle.await.expect("task");
    }
    let report = verify(&f).await;
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.rows, (tasks * per_task) as u64);
    let max_seq: i64 = sqlx::query_scalar("SELECT max(chain_seq) FROM audit_events WHERE tenant_id = $1")
        .bind(f.alpha.0)
        .fetch_one(&f.owner)
        .await
        .expect("max");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE tenant_id = $1")
        .bind(f.alpha.0)
        .fetch_one(&f.owner)
        .await
        .expect("count");
    assert_eq!(max_seq, count, "no gaps, no duplicates");
}

#[sqlx::test(migrations = "../migrations")]
async fn pruning_to_retention_keeps_the_chain_verifiable(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    // Alpha keeps 30 days; its three oldest rows are 40 days old, the next two recent.
    sqlx::query("UPDATE tenants SET audit_retention_days = 30 WHERE tenant_id = $1")
        .bind(f.alpha.0)
        .execute(&f.owner)
        .await
        .expect("retention");
    for n in 0..5 {
        let at = if n < 3 {
            Utc::now() - Duration::days(40)
        } else {
            Utc::now()
        };
        let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
        insert_audit_event_at(&mut tx, &actor(), event(Some(f.alpha), n), at)
            .await
            .expect("audit");
        tx.commit().await.expect("commit");
    }
    // Beta keeps the default year: 40-day-old rows stay.
    let mut tx = TenantTx::begin(&f.db, f.beta).await.expect("tx");
    insert_audit_event_at(
        &mut tx,
        &actor(),
        event(Some(f.beta), 0),
        Utc::now() - Duration::days(40),
    )
    .await
    .expect("audit");
    tx.commit().await.expect("commit");

    assert_eq!(prune_expired(&f.db).await.expect("prune"), 3);
    let kept: Vec<i64> =
        sqlx::query_scalar("SELECT chain_seq FROM audit_events WHERE tenant_id = $1 ORDER BY chain_seq")
            .bind(f.alpha.0)
            .fetch_all(&f.owner)
            .await
            .expect("kept");
    assert_eq!(kept, [4, 5]);
    let checkpoint: (i64, i64) =
        sqlx::query_as("SELECT chain_seq, pruned_rows FROM audit_checkpoints WHERE tenant_id = $1")
            .bind(f.alpha.0)
            .fetch_one(&f.owner)
            .await
            .expect("checkpoint");
    assert_eq!(checkpoint, (3, 3));
    let report = verify(&f).await;
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.rows, 3);

    // Appending after a prune, and pruning again with nothing expired, keep it valid.
    write(&f, f.alpha, 1).await;
    assert_eq!(prune_expired(&f.db).await.expect("prune"), 0);
    assert!(verify(&f).await.is_intact());

    // A forged checkpoint (e.g. to hide more rows) does not match the first kept row.
    sqlx::query("UPDATE audit_checkpoints SET row_hash = sha256(row_hash)")
        .execute(&f.owner)
        .await
        .expect("tamper");
    let report = verify(&f).await;
    assert_eq!(
        (report.broken[0].chain_seq, report.broken[0].reason),
        (4, BreakReason::LinkBroken)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_pruners_at_once_delete_each_expired_row_once(_: PgPoolOptions, options: PgConnectOptions) {
    // Pruning takes no lock of its own: the server runs it on the job's leader only. Should two
    // replicas overlap anyway (a leader cut off from its lock finishing its pass), each chain's
    // head lock serializes them and the second finds nothing left.
    let f = fixture(options).await;
    let other_replica = Db::connect(f.options.clone(), 4).await.expect("connect");
    sqlx::query("UPDATE tenants SET audit_retention_days = 30")
        .execute(&f.owner)
        .await
        .expect("retention");
    for (tenant, old) in [(f.alpha, 6), (f.beta, 3)] {
        for n in 0..old + 2 {
            let at = if n < old {
                Utc::now() - Duration::days(40)
            } else {
                Utc::now()
            };
            let mut tx = TenantTx::begin(&f.db, tenant).await.expect("tx");
            insert_audit_event_at(&mut tx, &actor(), event(Some(tenant), n), at)
                .await
                .expect("audit");
            tx.commit().await.expect("commit");
        }
    }
    let (first, second) = tokio::join!(prune_expired(&f.db), prune_expired(&other_replica));
    assert_eq!(
        first.expect("prune") + second.expect("prune"),
        9,
        "each expired row once"
    );
    let checkpoints: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_checkpoints")
        .fetch_one(&f.owner)
        .await
        .expect("checkpoints");
    assert_eq!(
        checkpoints, 2,
        "one checkpoint per chain, none for the pass that found nothing"
    );
    let report = verify(&f).await;
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.rows, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_app_role_can_prune_only_through_the_retention_function(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    write(&f, f.alpha, 2).await;
    let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
    let pruned: i64 = sqlx::query_scalar("SELECT audit_prune_chain($1)")
        .bind(f.alpha.0)
        .fetch_one(&mut *tx)
        .await
        .expect("prune");
    assert_eq!(pruned, 0, "nothing is older than the retention");
    tx.commit().await.expect("commit");
    let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
    let forged = sqlx::query("INSERT INTO audit_checkpoints (tenant_id, chain_seq, row_hash, pruned_rows, cutoff) VALUES ($1, 1, sha256(''::bytea), 1, now())")
        .bind(f.alpha.0)
        .execute(&mut *tx)
        .await;
    assert!(forged.is_err(), "the app role may not write checkpoints");
    drop(tx);
    let mut tx = TenantTx::begin(&f.db, f.beta).await.expect("tx");
    let heads: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_chain_heads")
        .fetch_one(&mut *tx)
        .await
        .expect("heads");
    assert_eq!(heads, 0, "another tenant's chain head is invisible");
}

#[sqlx::test(migrations = "../migrations")]
async fn secrets_never_reach_before_or_after(_: PgPoolOptions, options: PgConnectOptions) {
    let f = fixture(options).await;
    let mut tx = TenantTx::begin(&f.db, f.alpha).await.expect("tx");
    let leaky = AuditEvent {
        tenant_id: Some(f.alpha),
        action: "user.update",
        entity_type: "user",
        entity_id: None,
        before: Some(serde_json::json!({"email": "a@b.c", "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$abc"})),
        after: Some(serde_json::json!({"email": "a@b.c", "session": {"token": "t0k3n"}})),
    };
    insert_audit_event(&mut tx, &actor(), leaky).await.expect("audit");
    tx.commit().await.expect("commit");
    let text: String = sqlx::query_scalar("SELECT before::text || after::text FROM audit_events")
        .fetch_one(&f.owner)
        .await
        .expect("row");
    assert!(!text.contains("argon2") && !text.contains("t0k3n"), "{text}");
    assert!(text.contains(REDACTED) && text.contains("a@b.c"), "{text}");
    assert!(verify(&f).await.is_intact());
}

/// Turns a tenant's chain back into format 1, the way a database written before format 2 holds
/// it: no salt or digest, every field hashed.
async fn downgrade_to_format_1(f: &Fixture, tenant: TenantId) -> Vec<u8> {
    use atrium_app::audit::chain::{Format, GENESIS, RowContent, row_hash};
    let rows: Vec<(i64, RowContent)> = sqlx::query_as::<
        _,
        (
            i64,
            Option<uuid::Uuid>,
            i64,
            chrono::DateTime<Utc>,
            String,
            Option<uuid::Uuid>,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<serde_json::Value>,
            Option<serde_json::Value>,
            Option<String>,
            Option<String>,
            Option<String>,
        ),
    >(
        "SELECT audit_id, tenant_id, chain_seq, occurred_at, actor_kind, actor_id, actor_email, action, entity_type,
                entity_id, before, after, ip, user_agent, request_id
           FROM audit_events WHERE tenant_id = $1 ORDER BY chain_seq",
    )
    .bind(tenant.0)
    .fetch_all(&f.owner)
    .await
    .expect("rows")
    .into_iter()
    .map(|r| {
        let content = RowContent {
            format: Format::V1,
            tenant_id: r.1,
            chain_seq: r.2,
            occurred_at: r.3,
            actor_kind: r.4,
            actor_id: r.5,
            actor_email: r.6,
            action: r.7,
            entity_type: r.8,
            entity_id: r.9,
            before: r.10,
            after: r.11,
            ip: r.12,
            user_agent: r.13,
            request_id: r.14,
            personal_digest: None,
            impersonator_id: None,
        };
        (r.0, content)
    })
    .collect();
    let mut prev = GENESIS.to_vec();
    for (audit_id, content) in rows {
        let hash = row_hash(&prev, &content).to_vec();
        sqlx::query(
            "UPDATE audit_events SET format = 1, personal_salt = NULL, personal_digest = NULL, prev_hash = $2,
                    row_hash = $3 WHERE audit_id = $1",
        )
        .bind(audit_id)
        .bind(&prev)
        .bind(&hash)
        .execute(&f.owner)
        .await
        .expect("downgrade");
        prev = hash;
    }
    sqlx::query("UPDATE audit_chain_heads SET last_hash = $2 WHERE tenant_id = $1")
        .bind(tenant.0)
        .bind(&prev)
        .execute(&f.owner)
        .await
        .expect("head");
    prev
}

#[sqlx::test(migrations = "../migrations")]
async fn format_1_chains_are_resealed_once_and_a_broken_one_is_left_alone(_: PgPoolOptions, options: PgConnectOptions) {
    use atrium_app::audit::reseal::{ResealReport, reseal_format_1_chains};
    let f = fixture(options).await;
    write(&f, f.alpha, 4).await;
    write(&f, f.beta, 3).await;
    let old_head = downgrade_to_format_1(&f, f.alpha).await;
    downgrade_to_format_1(&f, f.beta).await;
    // Format 1 verifies by its own rules.
    let report = verify(&f).await;
    assert!(report.is_intact(), "{report:?}");
    // Beta's chain is tampered with before the upgrade: it must not be laundered by re-sealing.
    sqlx::query("UPDATE audit_events SET action = 'tenant.forged' WHERE tenant_id = $1 AND chain_seq = 2")
        .bind(f.beta.0)
        .execute(&f.owner)
        .await
        .expect("tamper");

    let resealed = reseal_format_1_chains(&f.owner).await.expect("reseal");
    assert_eq!(
        resealed,
        ResealReport {
            chains: 1,
            rows: 4,
            broken: 1
        }
    );
    let formats: Vec<(uuid::Uuid, i16, i64)> =
        sqlx::query_as("SELECT tenant_id, format, count(*) FROM audit_events GROUP BY 1, 2 ORDER BY 1, 2")
            .fetch_all(&f.owner)
            .await
            .expect("formats");
    assert!(
        formats.contains(&(f.alpha.0, 2, 5)),
        "4 rows + the reseal row: {formats:?}"
    );
    assert!(formats.contains(&(f.beta.0, 1, 3)), "{formats:?}");
    let marker: serde_json::Value =
        sqlx::query_scalar("SELECT before FROM audit_events WHERE tenant_id = $1 AND action = 'audit.reseal'")
            .bind(f.alpha.0)
            .fetch_one(&f.owner)
            .await
            .expect("reseal row");
    assert_eq!(marker["last_link"], hex::encode(&old_head));
    assert_eq!(marker["last_seq"], 4);

    let report = verify(&f).await;
    assert_eq!(report.broken.len(), 1, "{report:?}");
    assert_eq!(report.broken[0].tenant_id, Some(f.beta));
    // A second pass finds only the broken chain, and changes nothing.
    let again = reseal_format_1_chains(&f.owner).await.expect("reseal");
    assert_eq!(
        again,
        ResealReport {
            chains: 0,
            rows: 0,
            broken: 1
        }
    );
}
