//! Writing and reading audit rows. Writers pass the connection of the transaction that makes the
//! change, so the audit row commits or rolls back with it; each row is appended to its tenant's
//! hash chain (see `chain.rs`) while that chain's head row is locked.

use super::chain::{self, RowContent, StoredRow, Verifier};
use super::types::{AuditEntry, AuditQuery, BrokenLink, ChainReport, SECURITY_ACTIONS, TenantFilter};
use crate::auth::types::Principal;
use crate::db::keyset::{IdKind, Order, PlatformTable, Window, capped_count, platform_total};
use crate::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use crate::ids::TenantId;
use crate::paging::{Page, SortDir};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// Who acted and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<uuid::Uuid>,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The `x-request-id` of the request that acted, to find it in the server's logs.
    pub request_id: Option<String>,
    /// The platform administrator acting in this member's name (support access), if any.
    pub impersonator: Option<uuid::Uuid>,
}

impl Actor {
    pub fn of(principal: &Principal, ip: Option<String>, user_agent: Option<String>) -> Self {
        let (kind, id) = match principal {
            Principal::Platform { platform_user_id, .. } => ("platform_user", platform_user_id.0),
            Principal::Tenant { user_id, .. } => ("user", user_id.0),
        };
        Self {
            kind,
            id: Some(id),
            email: Some(principal.email().to_owned()),
            ip,
            user_agent,
            request_id: None,
            impersonator: principal.impersonator().map(|who| who.platform_user_id.0),
        }
    }
    pub fn anonymous(ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            kind: "anonymous",
            id: None,
            email: None,
            ip,
            user_agent,
            request_id: None,
            impersonator: None,
        }
    }
    pub fn system() -> Self {
        Self {
            kind: "system",
            ..Self::default()
        }
    }
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }
}

/// One audit entry. `before`/`after` hold the entity's JSON; secrets are redacted on insert
/// whatever the caller passes (`redact_secrets`).
pub struct AuditEvent<'a> {
    pub tenant_id: Option<TenantId>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// What replaces a secret's value in before/after.
pub const REDACTED: &str = "[redacted]";

/// Whether a JSON key names a secret (passwords and their hashes, tokens, keys, TOTP seeds…).
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "hash",
        "api_key",
        "apikey",
        "private_key",
        "totp",
        "backup_code",
        "credential",
        "session",
        "cookie",
    ]
    .iter()
    .any(|needle| key.contains(needle))
}

/// Replaces the value of every secret-named key, at any depth, so no caller can leak a password
/// hash or token into the append-only trail by serialising a whole struct.
pub fn redact_secrets(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, item)| {
                    let item = if is_secret_key(&key) && !item.is_null() {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redact_secrets(item)
                    };
                    (key, item)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_secrets).collect()),
        other => other,
    }
}

/// Appends an audit row to its chain, in the caller's transaction, stamped now.
pub async fn insert_audit_event(
    conn: &mut PgConnection,
    actor: &Actor,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    insert_audit_event_at(conn, actor, event, Utc::now()).await
}

/// `insert_audit_event` with an explicit time, for importing history and for tests of retention
/// (the chain order is `chain_seq`, whatever the times say).
pub async fn insert_audit_event_at(
    conn: &mut PgConnection,
    actor: &Actor,
    event: AuditEvent<'_>,
    occurred_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let tenant_id = event.tenant_id.map(|id| id.0);
    let (before, after) = stored_json(conn, event.before.map(redact_secrets), event.after.map(redact_secrets)).await?;
    let (last_seq, last_hash) = lock_head(conn, tenant_id).await?;
    let mut content = RowContent {
        format: chain::Format::V2,
        tenant_id,
        chain_seq: last_seq + 1,
        occurred_at: chain::stored_time(occurred_at),
        actor_kind: actor.kind.to_owned(),
        actor_id: actor.id,
        actor_email: actor.email.clone(),
        action: event.action.to_owned(),
        entity_type: event.entity_type.to_owned(),
        entity_id: event.entity_id,
        before,
        after,
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
        request_id: actor.request_id.clone(),
        personal_digest: None,
        impersonator_id: actor.impersonator,
    };
    let salt = super::personal::new_salt();
    content.seal_personal(&salt);
    let row_hash = chain::row_hash(&last_hash, &content).to_vec();
    sqlx::query!(
        "INSERT INTO audit_events (tenant_id, occurred_at, actor_kind, actor_id, actor_email, action,
                                   entity_type, entity_id, before, after, ip, user_agent, request_id,
                                   chain_seq, prev_hash, row_hash, format, personal_salt, personal_digest,
                                   impersonator_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        content.tenant_id,
        content.occurred_at,
        content.actor_kind,
        content.actor_id,
        content.actor_email,
        content.action,
        content.entity_type,
        content.entity_id,
        content.before,
        content.after,
        content.ip,
        content.user_agent,
        content.request_id,
        content.chain_seq,
        last_hash,
        row_hash,
        content.format.stored(),
        &salt[..],
        content.personal_digest,
        content.impersonator_id,
    )
    .execute(&mut *conn)
    .await?;
    match tenant_id {
        Some(tenant_id) => {
            sqlx::query!(
                "UPDATE audit_chain_heads SET last_seq = $2, last_hash = $3, updated_at = now() WHERE tenant_id = $1",
                tenant_id,
                content.chain_seq,
                row_hash
            )
            .execute(&mut *conn)
            .await?
        }
        None => sqlx::query!(
            "UPDATE audit_chain_heads SET last_seq = $1, last_hash = $2, updated_at = now() WHERE tenant_id IS NULL",
            content.chain_seq,
            row_hash
        )
        .execute(&mut *conn)
        .await?,
    };
    Ok(())
}

/// The JSON exactly as `jsonb` will give it back (number forms, key order, escapes), so the hash
/// computed now is the hash verification recomputes from the stored row.
async fn stored_json(
    conn: &mut PgConnection,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(Option<Value>, Option<Value>), sqlx::Error> {
    if before.is_none() && after.is_none() {
        return Ok((None, None));
    }
    let row = sqlx::query!(
        r#"SELECT $1::jsonb AS "before?: Value", $2::jsonb AS "after?: Value""#,
        before,
        after
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.before, row.after))
}

/// Locks the chain's head row (creating it for a chain's first row) and returns its last link.
/// The lock is held until the caller's transaction ends, which serialises appends to one chain.
async fn lock_head(conn: &mut PgConnection, tenant_id: Option<Uuid>) -> Result<(i64, Vec<u8>), sqlx::Error> {
    for _ in 0..2 {
        let head = match tenant_id {
            Some(tenant_id) => sqlx::query!(
                "SELECT last_seq, last_hash FROM audit_chain_heads WHERE tenant_id = $1 FOR UPDATE",
                tenant_id
            )
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| (row.last_seq, row.last_hash)),
            None => {
                sqlx::query!("SELECT last_seq, last_hash FROM audit_chain_heads WHERE tenant_id IS NULL FOR UPDATE")
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| (row.last_seq, row.last_hash))
            }
        };
        if let Some(head) = head {
            return Ok(head);
        }
        // Two first appends racing: the loser waits on the unique key, then finds the row.
        sqlx::query!(
            "INSERT INTO audit_chain_heads (tenant_id) VALUES ($1)
             ON CONFLICT ON CONSTRAINT audit_chain_heads_tenant_key DO NOTHING",
            tenant_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Err(sqlx::Error::RowNotFound)
}

/// A read transaction over the audit rows the principal may see: one tenant's (`TenantTx`) or
/// all of them (`PlatformTx`, platform administrators). Row-level security does the limiting.
pub enum AuditReader {
    Tenant(TenantTx),
    Platform(PlatformTx),
}

impl AuditReader {
    fn conn(&mut self) -> &mut PgConnection {
        match self {
            Self::Tenant(tx) => tx,
            Self::Platform(tx) => tx,
        }
    }
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Tenant(tx) => tx.commit().await,
            Self::Platform(tx) => tx.commit().await,
        }
    }
}

/// The filter's SQL arguments, computed once.
struct FilterArgs {
    tenant_id: Option<Uuid>,
    platform_only: bool,
    actor: String,
    actor_pattern: String,
    action: String,
    action_pattern: String,
    entity_type: String,
    entity_id: String,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    security_only: bool,
    security_actions: Vec<String>,
}

impl FilterArgs {
    fn new(query: &AuditQuery) -> Self {
        let (from, until) = query.time_range();
        Self {
            tenant_id: match query.tenant {
                TenantFilter::Tenant(id) => Some(id.0),
                _ => None,
            },
            platform_only: query.tenant == TenantFilter::Platform,
            actor: query.actor.clone(),
            actor_pattern: query.actor_pattern(),
            action: query.action.clone(),
            action_pattern: query.action_pattern(),
            entity_type: query.entity_type.clone(),
            entity_id: query.entity_id.clone(),
            from,
            until,
            security_only: query.security_only,
            security_actions: SECURITY_ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        }
    }
}

/// Up to `limit` entries matching `query`, newest first, older than `before_id` when given
/// (keyset pagination for exports), skipping `offset` (the page view).
async fn select_entries(
    conn: &mut PgConnection,
    args: &FilterArgs,
    before_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    sqlx::query_as!(
        AuditEntry,
        r#"SELECT e.audit_id AS "audit_id!", e.occurred_at AS "occurred_at!",
                  e.tenant_id AS "tenant_id?: TenantId", t.name AS "tenant_name?",
                  e.actor_kind AS "actor_kind!", e.actor_id AS "actor_id?", e.actor_email AS "actor_email?",
                  e.action AS "action!", e.entity_type AS "entity_type!", e.entity_id AS "entity_id?",
                  e.before AS "before?: Value", e.after AS "after?: Value", e.ip AS "ip?",
                  e.user_agent AS "user_agent?", e.request_id AS "request_id?", e.chain_seq AS "chain_seq?",
                  e.impersonator_id AS "impersonator_id?"
           FROM audit_events e LEFT JOIN tenants t ON t.tenant_id = e.tenant_id
           WHERE ($1::uuid IS NULL OR e.tenant_id = $1)
             AND (NOT $2::bool OR e.tenant_id IS NULL)
             AND ($3::text = '' OR e.actor_email ILIKE $4 OR e.actor_id::text = $3)
             AND ($5::text = '' OR e.action LIKE $6)
             AND ($7::text = '' OR e.entity_type = $7)
             AND ($8::text = '' OR e.entity_id = $8)
             AND ($9::timestamptz IS NULL OR e.occurred_at >= $9)
             AND ($10::timestamptz IS NULL OR e.occurred_at < $10)
             AND (NOT $11::bool OR e.action = ANY($12::text[]))
             AND ($13::bigint IS NULL OR e.audit_id < $13)
           ORDER BY e.audit_id DESC
           LIMIT $14 OFFSET $15"#,
        args.tenant_id,
        args.platform_only,
        args.actor,
        args.actor_pattern,
        args.action,
        args.action_pattern,
        args.entity_type,
        args.entity_id,
        args.from,
        args.until,
        args.security_only,
        &args.security_actions,
        before_id,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await
}

/// `WHERE …` for the audit page and its count: the same filter as [`select_entries`].
fn push_audit_filter(qb: &mut QueryBuilder<'_, Postgres>, args: &FilterArgs) {
    qb.push(" WHERE true");
    if let Some(tenant) = args.tenant_id {
        qb.push(" AND e.tenant_id = ").push_bind(tenant);
    }
    if args.platform_only {
        qb.push(" AND e.tenant_id IS NULL");
    }
    if !args.actor.is_empty() {
        qb.push(" AND (e.actor_email ILIKE ")
            .push_bind(args.actor_pattern.clone())
            .push(" OR e.actor_id::text = ")
            .push_bind(args.actor.clone())
            .push(")");
    }
    if !args.action.is_empty() {
        qb.push(" AND e.action LIKE ").push_bind(args.action_pattern.clone());
    }
    if !args.entity_type.is_empty() {
        qb.push(" AND e.entity_type = ").push_bind(args.entity_type.clone());
    }
    if !args.entity_id.is_empty() {
        qb.push(" AND e.entity_id = ").push_bind(args.entity_id.clone());
    }
    if let Some(from) = args.from {
        qb.push(" AND e.occurred_at >= ").push_bind(from);
    }
    if let Some(until) = args.until {
        qb.push(" AND e.occurred_at < ").push_bind(until);
    }
    if args.security_only {
        qb.push(" AND e.action = ANY(")
            .push_bind(args.security_actions.clone())
            .push(")");
    }
}

/// Newest first, by id: the (tenant_id, audit_id) index answers a tenant's trail in order.
static NEWEST_FIRST: Order = Order {
    keys: &[],
    id: "e.audit_id",
    id_kind: IdKind::BigInt,
};

fn entry_from_row(row: &PgRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        audit_id: row.try_get("audit_id")?,
        occurred_at: row.try_get("occurred_at")?,
        tenant_id: row.try_get::<Option<uuid::Uuid>, _>("tenant_id")?.map(TenantId),
        tenant_name: row.try_get("tenant_name")?,
        actor_kind: row.try_get("actor_kind")?,
        actor_id: row.try_get("actor_id")?,
        actor_email: row.try_get("actor_email")?,
        action: row.try_get("action")?,
        entity_type: row.try_get("entity_type")?,
        entity_id: row.try_get("entity_id")?,
        before: row.try_get("before")?,
        after: row.try_get("after")?,
        ip: row.try_get("ip")?,
        user_agent: row.try_get("user_agent")?,
        request_id: row.try_get("request_id")?,
        chain_seq: row.try_get("chain_seq")?,
        impersonator_id: row.try_get("impersonator_id")?,
    })
}

/// One page of the audit trail for the audit page, by cursor: as fast on page 1,000 as on
/// page 1. The count stops at the cap; the whole platform trail unfiltered is estimated.
pub async fn select_audit_page(reader: &mut AuditReader, query: &AuditQuery) -> Result<Page<AuditEntry>, sqlx::Error> {
    let args = FilterArgs::new(query);
    let platform = matches!(reader, AuditReader::Platform(_));
    let conn = reader.conn();
    let unfiltered = AuditQuery {
        tenant: query.tenant,
        page: query.page,
        per_page: query.per_page,
        after: query.after.clone(),
        before: query.before.clone(),
        ..AuditQuery::default()
    };
    let total = if *query == unfiltered && platform {
        platform_total(conn, PlatformTable::AuditEvents).await?
    } else {
        capped_count(conn, "audit_events e", |qb| push_audit_filter(qb, &args)).await?
    };
    let window = Window::from_parts(
        &NEWEST_FIRST,
        SortDir::Desc,
        [query.after.as_deref(), query.before.as_deref()],
        query.page,
        query.per_page,
    );
    let mut page = QueryBuilder::new(
        "SELECT e.audit_id, e.occurred_at, e.tenant_id, t.name AS tenant_name, e.actor_kind, e.actor_id, \
         e.actor_email, e.action, e.entity_type, e.entity_id, e.before, e.after, e.ip, e.user_agent, \
         e.request_id, e.chain_seq, e.impersonator_id",
    );
    window.push_select(&mut page);
    page.push(" FROM audit_events e LEFT JOIN tenants t ON t.tenant_id = e.tenant_id");
    push_audit_filter(&mut page, &args);
    window.push_condition(&mut page);
    window.push_order(&mut page);
    let rows = page.build().fetch_all(&mut *conn).await?;
    window.finish(rows, total, entry_from_row)
}

/// The next export chunk: up to `limit` matching entries older than `before_id`, newest first.
pub async fn select_audit_chunk(
    reader: &mut AuditReader,
    query: &AuditQuery,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    select_entries(reader.conn(), &FilterArgs::new(query), before_id, limit, 0).await
}

/// How many chained rows verification reads per statement.
const VERIFY_CHUNK: i64 = 1000;

/// Verifies every chain the reader can see (its tenant's, or all for the platform). Use a
/// snapshot transaction (`begin_snapshot`) so concurrent appends and pruning cannot interleave.
pub async fn verify_chains(reader: &mut AuditReader) -> Result<ChainReport, sqlx::Error> {
    let conn = reader.conn();
    let heads = sqlx::query!(
        r#"SELECT h.tenant_id AS "tenant_id?", t.name AS "tenant_name?", h.last_seq, h.last_hash
           FROM audit_chain_heads h LEFT JOIN tenants t ON t.tenant_id = h.tenant_id
           ORDER BY h.tenant_id NULLS FIRST"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut report = ChainReport {
        unchained: u64::try_from(
            sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM audit_events WHERE chain_seq IS NULL"#)
                .fetch_one(&mut *conn)
                .await?,
        )
        .unwrap_or(0),
        ..ChainReport::default()
    };
    for head in heads {
        report.chains += 1;
        match verify_chain(conn, head.tenant_id, head.last_seq, &head.last_hash).await? {
            Ok((rows, erased)) => {
                report.rows += rows;
                report.erased += erased;
            }
            Err(broken) => report.broken.push(BrokenLink {
                tenant_id: head.tenant_id.map(TenantId),
                tenant_name: head.tenant_name,
                chain_seq: broken.chain_seq,
                audit_id: broken.audit_id,
                reason: broken.reason,
            }),
        }
    }
    Ok(report)
}

/// Walks one chain from its newest checkpoint to its head: the rows checked and, of those, the
/// erased ones.
pub(super) async fn verify_chain(
    conn: &mut PgConnection,
    tenant_id: Option<Uuid>,
    head_seq: i64,
    head_hash: &[u8],
) -> Result<Result<(u64, u64), chain::Break>, sqlx::Error> {
    let checkpoint = match tenant_id {
        Some(tenant_id) => sqlx::query!(
            "SELECT chain_seq, row_hash FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY chain_seq DESC LIMIT 1",
            tenant_id
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| (row.chain_seq, row.row_hash)),
        None => sqlx::query!(
            "SELECT chain_seq, row_hash FROM audit_checkpoints WHERE tenant_id IS NULL ORDER BY chain_seq DESC LIMIT 1"
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| (row.chain_seq, row.row_hash)),
    };
    let mut after = checkpoint.as_ref().map_or(0, |(seq, _)| *seq);
    let mut verifier = Verifier::new(checkpoint);
    loop {
        let rows = select_chain_rows(conn, tenant_id, after, head_seq).await?;
        let Some(last) = rows.last() else { break };
        after = last.content.chain_seq;
        for row in &rows {
            if let Err(broken) = verifier.check(row) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(verifier.finish(head_seq, head_hash))
}

/// The next chained rows of a chain after position `after`, up to the head.
pub(super) async fn select_chain_rows(
    conn: &mut PgConnection,
    tenant_id: Option<Uuid>,
    after: i64,
    head_seq: i64,
) -> Result<Vec<StoredRow>, sqlx::Error> {
    macro_rules! rows {
        ($sql:literal $(, $arg:expr)*) => {
            sqlx::query!($sql $(, $arg)*)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|row| StoredRow {
                    audit_id: row.audit_id,
                    content: RowContent {
                        format: chain::Format::from_stored(row.format),
                        tenant_id: row.tenant_id,
                        chain_seq: row.chain_seq,
                        occurred_at: row.occurred_at,
                        actor_kind: row.actor_kind,
                        actor_id: row.actor_id,
                        actor_email: row.actor_email,
                        action: row.action,
                        entity_type: row.entity_type,
                        entity_id: row.entity_id,
                        before: row.before,
                        after: row.after,
                        ip: row.ip,
                        user_agent: row.user_agent,
                        request_id: row.request_id,
                        personal_digest: row.personal_digest,
                        impersonator_id: row.impersonator_id,
                    },
                    prev_hash: row.prev_hash,
                    row_hash: row.row_hash,
                    personal_salt: row.personal_salt,
                    erased: row.erased,
                })
                .collect()
        };
    }
    Ok(match tenant_id {
        Some(tenant_id) => rows!(
            r#"SELECT audit_id, tenant_id, chain_seq AS "chain_seq!", occurred_at, actor_kind, actor_id,
                      actor_email, action, entity_type, entity_id, before, after, ip, user_agent, request_id,
                      prev_hash AS "prev_hash!", row_hash AS "row_hash!", format, personal_salt, personal_digest,
                      impersonator_id,
                      erased_at IS NOT NULL AS "erased!"
               FROM audit_events
               WHERE tenant_id = $1 AND chain_seq > $2 AND chain_seq <= $3
               ORDER BY chain_seq LIMIT $4"#,
            tenant_id,
            after,
            head_seq,
            VERIFY_CHUNK
        ),
        None => rows!(
            r#"SELECT audit_id, tenant_id, chain_seq AS "chain_seq!", occurred_at, actor_kind, actor_id,
                      actor_email, action, entity_type, entity_id, before, after, ip, user_agent, request_id,
                      prev_hash AS "prev_hash!", row_hash AS "row_hash!", format, personal_salt, personal_digest,
                      impersonator_id,
                      erased_at IS NOT NULL AS "erased!"
               FROM audit_events
               WHERE tenant_id IS NULL AND chain_seq > $1 AND chain_seq <= $2
               ORDER BY chain_seq LIMIT $3"#,
            after,
            head_seq,
            VERIFY_CHUNK
        ),
    })
}

/// Every chain, verified in one snapshot: for `atrium audit verify` and other system work.
pub async fn verify_all_chains(db: &Db, guard: PlatformGuard) -> Result<ChainReport, sqlx::Error> {
    let mut reader = AuditReader::Platform(PlatformTx::begin_snapshot(db, guard).await?);
    let report = verify_chains(&mut reader).await?;
    reader.commit().await?;
    Ok(report)
}

/// Prunes every chain to its retention (see migration `…22_audit_pruning`), one short
/// transaction per chain, and returns the number of rows deleted. The server runs it on one
/// replica at a time (the job's leader, `server/src/jobs`); two passes at once would still be
/// correct, only wasteful: `audit_prune_chain` locks the chain head, so the second pass waits and
/// then finds nothing left to delete. Each chain is committed on its own, so a pass cut short
/// leaves every chain either pruned or untouched.
pub async fn prune_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let guard = PlatformGuard::for_system_task();
    let mut tx = PlatformTx::begin(db, guard).await?;
    let chains = sqlx::query_scalar!("SELECT tenant_id FROM audit_chain_heads")
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut deleted = 0u64;
    for tenant_id in chains {
        let mut tx = PlatformTx::begin(db, guard).await?;
        let rows = sqlx::query_scalar!(r#"SELECT audit_prune_chain($1) AS "deleted!""#, tenant_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        if rows > 0 {
            tracing::info!(tenant_id = ?tenant_id, rows, "pruned audit rows past retention");
        }
        deleted += u64::try_from(rows).unwrap_or(0);
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let value = json!({
            "email": "a@b.c",
            "password_hash": "$argon2id$v=19$…",
            "nested": {"api_key": "k", "Token": "t", "keep": 1},
            "list": [{"totp_secret": "s"}],
            "missing_secret": null
        });
        assert_eq!(
            redact_secrets(value),
            json!({
                "email": "a@b.c",
                "password_hash": REDACTED,
                "nested": {"api_key": REDACTED, "Token": REDACTED, "keep": 1},
                "list": [{"totp_secret": REDACTED}],
                "missing_secret": null
            })
        );
    }
}
