//! The audit hash chain, without any I/O: the canonical form of a row, its hash, and the walk
//! that finds the first broken link.
//!
//! Each chain (one per tenant, plus the platform chain) is a sequence `chain_seq = 1, 2, …`.
//! A row's hash is `SHA-256(prev_hash ‖ canonical(row))`, where `prev_hash` is the previous
//! row's hash, or 32 zero bytes for the first row, or a pruning checkpoint's hash. Changing any
//! field changes the row's hash; deleting a row leaves a gap in `chain_seq` and a `prev_hash`
//! that points at nothing; deleting the newest rows leaves the chain head pointing past the end.

use super::types::BreakReason;
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Names the serialisation below; a future format changes this tag, so old rows stay verifiable
/// by the rules they were written with.
pub const FORMAT: &str = "atrium.audit.v1";

/// The `prev_hash` of a chain's first row.
pub const GENESIS: [u8; 32] = [0; 32];

/// Everything a row's hash covers, in the form it is stored (timestamps at PostgreSQL's
/// microsecond precision, JSON as `jsonb` returns it).
#[derive(Debug, Clone, PartialEq)]
pub struct RowContent {
    pub tenant_id: Option<Uuid>,
    pub chain_seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// A chained row as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub audit_id: i64,
    pub content: RowContent,
    pub prev_hash: Vec<u8>,
    pub row_hash: Vec<u8>,
}

/// A time as stored by PostgreSQL: truncated to whole microseconds.
pub fn stored_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

/// The canonical serialisation: a JSON array with a fixed field order, no whitespace, object keys
/// sorted by their UTF-8 bytes, timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. JSON escaping makes
/// the encoding unambiguous (no field can spill into the next).
pub fn canonical(row: &RowContent) -> String {
    let text = |value: &Option<String>| value.as_deref().map_or(Value::Null, |v| Value::String(v.to_owned()));
    let uuid = |value: Option<Uuid>| value.map_or(Value::Null, |v| Value::String(v.to_string()));
    let fields = [
        Value::String(FORMAT.to_owned()),
        uuid(row.tenant_id),
        Value::from(row.chain_seq),
        Value::String(row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        Value::String(row.actor_kind.clone()),
        uuid(row.actor_id),
        text(&row.actor_email),
        Value::String(row.action.clone()),
        Value::String(row.entity_type.clone()),
        text(&row.entity_id),
        row.before.clone().unwrap_or(Value::Null),
        row.after.clone().unwrap_or(Value::Null),
        text(&row.ip),
        text(&row.user_agent),
        text(&row.request_id),
    ];
    let mut out = String::with_capacity(256);
    write_canonical(&Value::Array(fields.into()), &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sorted explicitly: serde_json's map order depends on its `preserve_order` feature,
            // which any crate in the build could switch on.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The hash a row must store, given the previous row's hash.
pub fn row_hash(prev_hash: &[u8], row: &RowContent) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(canonical(row).as_bytes());
    hasher.finalize().into()
}

/// Where a chain breaks: the position at which the expected chain and the stored rows part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub chain_seq: i64,
    pub audit_id: Option<i64>,
    pub reason: BreakReason,
}

/// Walks one chain in `chain_seq` order, row by row, so callers can stream rows from the
/// database in chunks.
#[derive(Debug, Clone)]
pub struct Verifier {
    next_seq: i64,
    prev_hash: Vec<u8>,
    rows: u64,
}

impl Verifier {
    /// Starts after the newest pruning checkpoint `(chain_seq, row_hash)`, or at the genesis.
    pub fn new(checkpoint: Option<(i64, Vec<u8>)>) -> Self {
        let (last_seq, prev_hash) = checkpoint.unwrap_or((0, GENESIS.to_vec()));
        Self {
            next_seq: last_seq + 1,
            prev_hash,
            rows: 0,
        }
    }

    /// Checks the next stored row.
    pub fn check(&mut self, row: &StoredRow) -> Result<(), Break> {
        let seq = row.content.chain_seq;
        let at = |reason| Break {
            chain_seq: seq,
            audit_id: Some(row.audit_id),
            reason,
        };
        if seq != self.next_seq {
            return Err(Break {
                chain_seq: self.next_seq,
                audit_id: Some(row.audit_id),
                reason: BreakReason::RowMissing,
            });
        }
        if row.prev_hash != self.prev_hash {
            return Err(at(BreakReason::LinkBroken));
        }
        if row.row_hash.as_slice() != row_hash(&row.prev_hash, &row.content) {
            return Err(at(BreakReason::RowAltered));
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&row.row_hash);
        self.rows += 1;
        Ok(())
    }

    /// Ends the walk against the chain head: the last row seen must be the head's. Returns the
    /// number of rows checked.
    pub fn finish(self, head_seq: i64, head_hash: &[u8]) -> Result<u64, Break> {
        if self.next_seq - 1 != head_seq || self.prev_hash != head_hash {
            return Err(Break {
                chain_seq: self.next_seq,
                audit_id: None,
                reason: BreakReason::TailMissing,
            });
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn content(seq: i64) -> RowContent {
        RowContent {
            tenant_id: Some(Uuid::from_u128(7)),
            chain_seq: seq,
            occurred_at: Utc
                .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
                .single()
                .map(|t| t + chrono::Duration::microseconds(123_456))
                .unwrap_or_default(),
            actor_kind: "user".into(),
            actor_id: Some(Uuid::from_u128(9)),
            actor_email: Some("ann@acme.test".into()),
            action: "tenant.update".into(),
            entity_type: "tenant".into(),
            entity_id: Some("t-1".into()),
            before: Some(json!({"name": "Acme", "plan": "free"})),
            after: Some(json!({"plan": "starter", "name": "Acme"})),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            request_id: Some("req-1".into()),
        }
    }

    fn chain(len: i64) -> Vec<StoredRow> {
        let mut prev = GENESIS.to_vec();
        (1..=len)
            .map(|seq| {
                let content = content(seq);
                let hash = row_hash(&prev, &content).to_vec();
                let row = StoredRow {
                    audit_id: seq * 10,
                    content,
                    prev_hash: prev.clone(),
                    row_hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn verify(rows: &[StoredRow], checkpoint: Option<(i64, Vec<u8>)>, head: (i64, &[u8])) -> Result<u64, Break> {
        let mut verifier = Verifier::new(checkpoint);
        for row in rows {
            verifier.check(row)?;
        }
        verifier.finish(head.0, head.1)
    }

    #[test]
    fn canonical_form_is_fixed_and_sorts_keys() {
        assert_eq!(
            canonical(&content(3)),
            r#"["atrium.audit.v1","00000000-0000-0000-0000-000000000007",3,"2026-11-20T12:00:00.123456Z","user","00000000-0000-0000-0000-000000000009","ann@acme.test","tenant.update","tenant","t-1",{"name":"Acme","plan":"free"},{"name":"Acme","plan":"starter"},"127.0.0.1",null,"req-1"]"#
        );
    }

    #[test]
    fn quotes_cannot_shift_fields() {
        let mut a = content(1);
        a.actor_email = Some(r#"a","b"#.into());
        a.action = "c".into();
        let mut b = content(1);
        b.actor_email = Some("a".into());
        b.action = r#"b","c"#.into();
        assert_ne!(row_hash(&GENESIS, &a), row_hash(&GENESIS, &b));
    }

    #[test]
    fn stored_time_drops_nanoseconds() {
        let t = Utc
            .timestamp_opt(1_700_000_000, 123_456_789)
            .single()
            .unwrap_or_default();
        assert_eq!(stored_time(t).timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(4);
        let last = rows[3].row_hash.clone();
        assert_eq!(verify(&rows, None, (4, &last)), Ok(4));
        assert_eq!(verify(&[], None, (0, &GENESIS)), Ok(0));
    }

    #[test]
    fn an_altered_field_is_found() {
        let mut rows = chain(4);
        let last = rows[3].row_hash.clone();
        rows[1].content.after = Some(json!({"plan": "enterprise", "name": "Acme"}));
        let broken = verify(&rows, None, (4, &last)).expect_err("broken");
        assert_eq!(
            (broken.chain_seq, broken.audit_id, broken.reason),
            (2, Some(20), BreakReason::RowAltered)
        );
    }

    #[test]
    fn a_rehashed_row_breaks_the_next_link() {
        let mut rows = chain(4);
        let last = rows[3].row_hash.clone();
        rows[1].content.action = "tenant.create".into();
        rows[1].row_hash = row_hash(&rows[1].prev_hash, &rows[1].content).to_vec();
        let broken = verify(&rows, None, (4, &last)).expect_err("broken");
        assert_eq!((broken.chain_seq, broken.reason), (3, BreakReason::LinkBroken));
    }

    #[test]
    fn a_deleted_middle_row_is_found() {
        let mut rows = chain(4);
        let last = rows[3].row_hash.clone();
        rows.remove(1);
        let broken = verify(&rows, None, (4, &last)).expect_err("broken");
        assert_eq!(
            (broken.chain_seq, broken.audit_id, broken.reason),
            (2, Some(30), BreakReason::RowMissing)
        );
    }

    #[test]
    fn deleted_newest_rows_are_found_at_the_head() {
        let mut rows = chain(4);
        let last = rows[3].row_hash.clone();
        rows.truncate(2);
        let broken = verify(&rows, None, (4, &last)).expect_err("broken");
        assert_eq!((broken.chain_seq, broken.reason), (3, BreakReason::TailMissing));
    }

    #[test]
    fn a_checkpoint_replaces_the_pruned_prefix() {
        let rows = chain(5);
        let last = rows[4].row_hash.clone();
        let checkpoint = Some((2, rows[1].row_hash.clone()));
        assert_eq!(verify(&rows[2..], checkpoint.clone(), (5, &last)), Ok(3));
        // Without it, the kept rows do not start a chain.
        assert!(verify(&rows[2..], None, (5, &last)).is_err());
        // A forged checkpoint hash does not match the first kept row.
        let forged = Some((2, vec![1; 32]));
        assert_eq!(
            verify(&rows[2..], forged, (5, &last)).map_err(|b| b.reason),
            Err(BreakReason::LinkBroken)
        );
        // Everything pruned: the checkpoint is the head.
        assert_eq!(verify(&[], Some((5, last.clone())), (5, &last)), Ok(0));
    }
}
