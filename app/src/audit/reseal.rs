//! Re-sealing format-1 audit chains as format 2 at start-up, so that the people in them can be
//! erased without breaking verification (see `chain.rs`).
//!
//! A chain is re-sealed only after it verifies intact under the rules its rows were written
//! with; each row then gets a salt and a personal digest and the chain is re-hashed from its
//! checkpoint (or genesis) to its head, in one transaction holding the head's lock. The chain's
//! next row, `audit.reseal`, records the head it replaced, so a head hash anchored outside the
//! database before the upgrade can still be matched. A broken chain is left as it is: its break
//! stays visible to `atrium audit verify`, and erasing someone in it is refused.

use super::chain::{self, Format, GENESIS};
use super::db::{Actor, AuditEvent, insert_audit_event, select_chain_rows, verify_chain};
use crate::ids::TenantId;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// What one start-up pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResealReport {
    pub chains: u64,
    pub rows: u64,
    /// Chains with format-1 rows left alone because they do not verify.
    pub broken: u64,
}

/// Re-seals every chain that still holds format-1 rows. `pool` connects as the owner (the
/// migration's login): the app role may not update audit rows.
pub async fn reseal_format_1_chains(pool: &PgPool) -> Result<ResealReport, sqlx::Error> {
    let chains: Vec<Option<Uuid>> = sqlx::query_scalar!(
        r#"SELECT DISTINCT tenant_id AS "tenant_id?" FROM audit_events WHERE format = 1 AND chain_seq IS NOT NULL"#
    )
    .fetch_all(pool)
    .await?;
    let mut report = ResealReport::default();
    for tenant_id in chains {
        // The owner's own transaction, in the platform scope: the scoped transactions of
        // `db::tx` switch to the app role, which may not update audit rows.
        #[allow(clippy::disallowed_methods)]
        let mut tx = pool.begin().await?;
        sqlx::query_scalar!("SELECT set_config('app.scope', 'platform', true)")
            .fetch_one(&mut *tx)
            .await?;
        match reseal_chain(&mut tx, tenant_id).await? {
            Some(rows) => {
                tx.commit().await?;
                report.chains += 1;
                report.rows += rows;
                tracing::info!(tenant_id = ?tenant_id, rows, "re-sealed an audit chain as format 2");
            }
            None => {
                tx.rollback().await?;
                report.broken += 1;
                tracing::warn!(
                    tenant_id = ?tenant_id,
                    "an audit chain with format-1 rows does not verify; left as it is (see `atrium audit verify`)"
                );
            }
        }
    }
    Ok(report)
}

/// Re-seals one chain in the caller's transaction; `None` when it does not verify.
async fn reseal_chain(conn: &mut PgConnection, tenant_id: Option<Uuid>) -> Result<Option<u64>, sqlx::Error> {
    let head = sqlx::query!(
        "SELECT last_seq, last_hash FROM audit_chain_heads WHERE tenant_id IS NOT DISTINCT FROM $1 FOR UPDATE",
        tenant_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(head) = head else { return Ok(None) };
    if verify_chain(conn, tenant_id, head.last_seq, &head.last_hash)
        .await?
        .is_err()
    {
        return Ok(None);
    }
    let checkpoint = sqlx::query!(
        "SELECT chain_seq, row_hash FROM audit_checkpoints WHERE tenant_id IS NOT DISTINCT FROM $1
         ORDER BY chain_seq DESC LIMIT 1",
        tenant_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (mut after, mut prev) = checkpoint.map_or((0, GENESIS.to_vec()), |c| (c.chain_seq, c.row_hash));
    let mut rows = 0u64;
    loop {
        let chunk = select_chain_rows(conn, tenant_id, after, head.last_seq).await?;
        let Some(last) = chunk.last() else { break };
        after = last.content.chain_seq;
        let mut ids = Vec::with_capacity(chunk.len());
        let mut salts: Vec<Option<Vec<u8>>> = Vec::with_capacity(chunk.len());
        let mut digests = Vec::with_capacity(chunk.len());
        let mut prevs = Vec::with_capacity(chunk.len());
        let mut hashes = Vec::with_capacity(chunk.len());
        for mut row in chunk {
            if row.content.format == Format::V1 {
                let salt = super::personal::new_salt().to_vec();
                row.content.seal_personal(&salt);
                row.personal_salt = Some(salt);
            }
            let hash = chain::row_hash(&prev, &row.content).to_vec();
            ids.push(row.audit_id);
            salts.push(row.personal_salt);
            digests.push(row.content.personal_digest.unwrap_or_default());
            prevs.push(std::mem::replace(&mut prev, hash.clone()));
            hashes.push(hash);
            rows += 1;
        }
        sqlx::query!(
            "UPDATE audit_events e
                SET format = 2, personal_salt = u.salt, personal_digest = u.digest,
                    prev_hash = u.prev_hash, row_hash = u.row_hash
               FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[])
                    AS u(audit_id, salt, digest, prev_hash, row_hash)
              WHERE e.audit_id = u.audit_id",
            &ids,
            &salts as &[Option<Vec<u8>>],
            &digests,
            &prevs,
            &hashes,
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "UPDATE audit_chain_heads SET last_hash = $2, updated_at = now() WHERE tenant_id IS NOT DISTINCT FROM $1",
        tenant_id,
        prev
    )
    .execute(&mut *conn)
    .await?;
    let event = AuditEvent {
        tenant_id: tenant_id.map(TenantId),
        action: "audit.reseal",
        entity_type: "audit_chain",
        entity_id: None,
        before: Some(serde_json::json!({
            "format": 1,
            "last_seq": head.last_seq,
            // Not "…hash": secret-looking keys are redacted on insert.
            "last_link": hex::encode(&head.last_hash),
        })),
        after: Some(serde_json::json!({ "format": 2, "rows": rows })),
    };
    insert_audit_event(conn, &Actor::system(), event).await?;
    Ok(Some(rows))
}
