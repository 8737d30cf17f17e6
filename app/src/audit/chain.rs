//! The audit hash chain, without any I/O: the canonical form of a row, its hash, and the walk
//! that finds the first broken link.
//!
//! Three formats exist. Format 1 hashes every field as written, personal data included. Format 2
//! (every row written since the data-rights release; older chains are re-sealed on upgrade, see
//! `reseal.rs`) hashes the row with its personal values masked plus a salted digest of them
//! (`personal.rs`), so erasing a person rewrites those values without touching any hash. Format 3
//! is format 2 plus the platform administrator who acted in a member's name (support access),
//! written only for such rows.
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

/// How a row was serialised for its hash; stored in `audit_events.format`, and its tag is the
/// first field of the serialisation, so old rows stay verifiable by the rules they were written
/// with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Every field hashed as stored.
    V1,
    /// Personal values masked, covered by the salted `personal_digest` instead.
    V2,
    /// `V2` plus `impersonator_id`: an action taken during support access.
    V3,
}

impl Format {
    pub fn tag(self) -> &'static str {
        match self {
            Self::V1 => "atrium.audit.v1",
            Self::V2 => "atrium.audit.v2",
            Self::V3 => "atrium.audit.v3",
        }
    }
    pub fn stored(self) -> i16 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
            Self::V3 => 3,
        }
    }
    /// Unknown numbers read as format 2, whose check then fails: a forged format cannot pass.
    pub fn from_stored(value: i16) -> Self {
        match value {
            1 => Self::V1,
            3 => Self::V3,
            _ => Self::V2,
        }
    }
    /// Whether personal values are masked and covered by the salted digest (formats 2 and 3).
    pub fn sealed(self) -> bool {
        self != Self::V1
    }
}

/// The `prev_hash` of a chain's first row.
pub const GENESIS: [u8; 32] = [0; 32];

/// Everything a row's hash covers, in the form it is stored (timestamps at PostgreSQL's
/// microsecond precision, JSON as `jsonb` returns it).
#[derive(Debug, Clone, PartialEq)]
pub struct RowContent {
    pub format: Format,
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
    /// Format 2: the salted digest of the personal values (`personal::digest`).
    pub personal_digest: Option<Vec<u8>>,
    /// Format 3: the platform administrator who acted in the actor's name (support access).
    pub impersonator_id: Option<Uuid>,
}

impl RowContent {
    /// What the personal digest covers.
    pub fn personal_parts(&self) -> super::personal::PersonalParts<'_> {
        super::personal::PersonalParts {
            entity_type: &self.entity_type,
            actor_email: self.actor_email.as_deref(),
            ip: self.ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            before: self.before.as_ref(),
            after: self.after.as_ref(),
        }
    }

    /// Seals the row's personal values under `salt` (format 2, or 3 with an impersonator).
    pub fn seal_personal(&mut self, salt: &[u8]) {
        self.format = if self.impersonator_id.is_some() {
            Format::V3
        } else {
            Format::V2
        };
        self.personal_digest = Some(super::personal::digest(salt, &self.personal_parts()).to_vec());
    }
}

/// A chained row as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub audit_id: i64,
    pub content: RowContent,
    pub prev_hash: Vec<u8>,
    pub row_hash: Vec<u8>,
    /// Format 2: the digest's salt, or `None` once the row's personal data was erased.
    pub personal_salt: Option<Vec<u8>>,
    pub erased: bool,
}

/// A time as stored by PostgreSQL: truncated to whole microseconds.
pub fn stored_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

/// The canonical serialisation: a JSON array with a fixed field order, no whitespace, object keys
/// sorted by their UTF-8 bytes, timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. JSON escaping makes
/// the encoding unambiguous (no field can spill into the next). Format 2 drops the actor's email,
/// address and agent, masks personal values in before/after and adds the personal digest.
pub fn canonical(row: &RowContent) -> String {
    let text = |value: &Option<String>| value.as_deref().map_or(Value::Null, |v| Value::String(v.to_owned()));
    let uuid = |value: Option<Uuid>| value.map_or(Value::Null, |v| Value::String(v.to_string()));
    let head = [
        Value::String(row.format.tag().to_owned()),
        uuid(row.tenant_id),
        Value::from(row.chain_seq),
        Value::String(row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        Value::String(row.actor_kind.clone()),
        uuid(row.actor_id),
    ];
    let fields: Vec<Value> = match row.format {
        Format::V1 => head
            .into_iter()
            .chain([
                text(&row.actor_email),
                Value::String(row.action.clone()),
                Value::String(row.entity_type.clone()),
                text(&row.entity_id),
                row.before.clone().unwrap_or(Value::Null),
                row.after.clone().unwrap_or(Value::Null),
                text(&row.ip),
                text(&row.user_agent),
                text(&row.request_id),
            ])
            .collect(),
        Format::V2 | Format::V3 => {
            let masked = |doc: &Option<Value>| {
                doc.as_ref()
                    .map_or(Value::Null, |doc| super::personal::mask(&row.entity_type, doc))
            };
            head.into_iter()
                .chain([
                    Value::String(row.action.clone()),
                    Value::String(row.entity_type.clone()),
                    text(&row.entity_id),
                    masked(&row.before),
                    masked(&row.after),
                    text(&row.request_id),
                    row.personal_digest
                        .as_deref()
                        .map_or(Value::Null, |digest| Value::String(hex::encode(digest))),
                ])
                .chain((row.format == Format::V3).then(|| uuid(row.impersonator_id)))
                .collect()
        }
    };
    canonical_json(&Value::Array(fields))
}

/// `value` in canonical form (sorted keys, no whitespace).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_canonical(value, &mut out);
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
    erased: u64,
}

impl Verifier {
    /// Starts after the newest pruning checkpoint `(chain_seq, row_hash)`, or at the genesis.
    pub fn new(checkpoint: Option<(i64, Vec<u8>)>) -> Self {
        let (last_seq, prev_hash) = checkpoint.unwrap_or((0, GENESIS.to_vec()));
        Self {
            next_seq: last_seq + 1,
            prev_hash,
            rows: 0,
            erased: 0,
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
        if row.content.format.sealed() {
            match (&row.personal_salt, row.erased) {
                (Some(salt), _) => {
                    let digest = super::personal::digest(salt, &row.content.personal_parts());
                    if row.content.personal_digest.as_deref() != Some(&digest[..]) {
                        return Err(at(BreakReason::PersonalAltered));
                    }
                }
                // Erased: the personal values are pseudonyms now and nothing vouches for them.
                (None, true) => self.erased += 1,
                (None, false) => return Err(at(BreakReason::PersonalAltered)),
            }
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&row.row_hash);
        self.rows += 1;
        Ok(())
    }

    /// Ends the walk against the chain head: the last row seen must be the head's. Returns the
    /// number of rows checked and, of those, the rows whose personal data was erased.
    pub fn finish(self, head_seq: i64, head_hash: &[u8]) -> Result<(u64, u64), Break> {
        if self.next_seq - 1 != head_seq || self.prev_hash != head_hash {
            return Err(Break {
                chain_seq: self.next_seq,
                audit_id: None,
                reason: BreakReason::TailMissing,
            });
        }
        Ok((self.rows, self.erased))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn content(seq: i64) -> RowContent {
        RowContent {
            format: Format::V1,
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
            personal_digest: None,
            impersonator_id: None,
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
                    personal_salt: None,
                    erased: false,
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
        verifier.finish(head.0, head.1).map(|(rows, _)| rows)
    }

    #[test]
    fn format_3_covers_the_impersonator() {
        let mut row = content(1);
        row.seal_personal(&[1; 16]);
        assert_eq!(row.format, Format::V2);
        let plain = row_hash(&GENESIS, &row);
        row.impersonator_id = Some(Uuid::from_u128(42));
        row.seal_personal(&[1; 16]);
        assert_eq!(row.format, Format::V3, "an impersonated row is written as format 3");
        let impersonated = row_hash(&GENESIS, &row);
        assert_ne!(plain, impersonated);
        row.impersonator_id = Some(Uuid::from_u128(43));
        assert_ne!(
            row_hash(&GENESIS, &row),
            impersonated,
            "another administrator, another hash"
        );
        assert!(canonical(&row).ends_with(&format!("\"{}\"]", Uuid::from_u128(43))));
        assert_eq!(Format::from_stored(3), Format::V3);
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

    /// A format-2 chain of `len` rows whose personal values are sealed under `salt`.
    fn chain_v2(len: i64) -> Vec<StoredRow> {
        let mut prev = GENESIS.to_vec();
        (1..=len)
            .map(|seq| {
                let mut content = content(seq);
                content.entity_type = "user".into();
                content.after = Some(json!({"email": "bo@acme.test", "name": "Bo", "role": "viewer"}));
                let salt = vec![u8::try_from(seq).unwrap_or(0); 16];
                content.seal_personal(&salt);
                let hash = row_hash(&prev, &content).to_vec();
                let row = StoredRow {
                    audit_id: seq * 10,
                    content,
                    prev_hash: prev.clone(),
                    row_hash: hash.clone(),
                    personal_salt: Some(salt),
                    erased: false,
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn verify_counting(rows: &[StoredRow], head: (i64, &[u8])) -> Result<(u64, u64), Break> {
        let mut verifier = Verifier::new(None);
        for row in rows {
            verifier.check(row)?;
        }
        verifier.finish(head.0, head.1)
    }

    #[test]
    fn format_2_hashes_no_personal_value() {
        let rows = chain_v2(1);
        let text = canonical(&rows[0].content);
        assert!(text.starts_with(r#"["atrium.audit.v2","#), "{text}");
        for personal in ["ann@acme.test", "bo@acme.test", "\"Bo\"", "127.0.0.1"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
        assert!(
            text.contains(r#"{"email":"[personal]","name":"[personal]","role":"viewer"}"#),
            "{text}"
        );
    }

    #[test]
    fn erasing_personal_values_keeps_a_format_2_chain_intact() {
        let mut rows = chain_v2(3);
        let last = rows[2].row_hash.clone();
        assert_eq!(verify_counting(&rows, (3, &last)), Ok((3, 0)));
        let erased = &mut rows[1];
        erased.content.actor_email = Some("erased-1@erased.invalid".into());
        erased.content.ip = None;
        erased.content.after = Some(json!({"email": "erased-2@erased.invalid", "name": "erased", "role": "viewer"}));
        erased.personal_salt = None;
        erased.erased = true;
        assert_eq!(verify_counting(&rows, (3, &last)), Ok((3, 1)));
    }

    #[test]
    fn a_changed_personal_value_is_found_while_sealed() {
        let mut rows = chain_v2(3);
        let last = rows[2].row_hash.clone();
        rows[1].content.actor_email = Some("mallory@acme.test".into());
        let broken = verify_counting(&rows, (3, &last)).expect_err("broken");
        assert_eq!((broken.chain_seq, broken.reason), (2, BreakReason::PersonalAltered));
        // Dropping the salt without the erasure mark is no way around it.
        let mut rows = chain_v2(3);
        rows[1].personal_salt = None;
        let broken = verify_counting(&rows, (3, &last)).expect_err("broken");
        assert_eq!(broken.reason, BreakReason::PersonalAltered);
        // Erasure covers personal values only: the role is still hashed.
        let mut rows = chain_v2(3);
        rows[1].personal_salt = None;
        rows[1].erased = true;
        rows[1].content.after = Some(json!({"email": "x", "name": "y", "role": "admin"}));
        let broken = verify_counting(&rows, (3, &last)).expect_err("broken");
        assert_eq!(broken.reason, BreakReason::RowAltered);
    }
}
