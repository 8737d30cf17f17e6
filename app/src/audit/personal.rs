//! Which parts of an audit row are personal data, and the salted digest that lets the chain
//! cover them without hashing them (chain format 2, see `chain.rs` and `docs/design-notes.md`).
//!
//! A format-2 row's hash covers its content with every personal value masked, plus a digest of
//! the personal values under a per-row random salt. Erasing a person rewrites only personal
//! values and drops the salt: the masked content, and so every hash, stays the same. Without the
//! salt, the digest stored in the chain says nothing that would let anyone recover or confirm
//! an erased email.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// What a personal value becomes in the hashed (masked) content.
pub const MASK: &str = "[personal]";

/// Entity types whose top-level `name` is a person's name.
const PERSON_ENTITIES: [&str; 2] = ["user", "platform_user"];

/// Whether `key` holds personal data in an entity of type `entity_type`. `top` is whether the key
/// is at the top level of the before/after document (a person's `name` only counts there; deeper
/// `name`s are rules, keys, channels…). The erase function in migration
/// `20261211000001_audit_personal_data` rewrites only keys this accepts.
pub fn is_personal_key(entity_type: &str, key: &str, top: bool) -> bool {
    key == "email"
        || key.ends_with("_email")
        || key.ends_with("_by_name")
        || key == "actor_name"
        || (top && key == "name" && PERSON_ENTITIES.contains(&entity_type))
}

/// `doc` with every non-null personal value replaced by [`MASK`], at any depth.
pub fn mask(entity_type: &str, doc: &Value) -> Value {
    fn walk(entity_type: &str, value: &Value, top: bool) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, item)| {
                        let item = if is_personal_key(entity_type, key, top) && !item.is_null() {
                            Value::String(MASK.to_owned())
                        } else {
                            walk(entity_type, item, false)
                        };
                        (key.clone(), item)
                    })
                    .collect::<Map<_, _>>(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|item| walk(entity_type, item, false)).collect()),
            other => other.clone(),
        }
    }
    walk(entity_type, doc, true)
}

/// The personal values of `doc` as `[[path, value], …]` in document order (object keys sorted),
/// where `path` is a JSON pointer: what the digest covers.
pub fn personal_values(entity_type: &str, doc: &Value) -> Value {
    fn walk(entity_type: &str, value: &Value, path: &str, top: bool, out: &mut Vec<Value>) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                for key in keys {
                    let item = &map[key];
                    let here = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    if is_personal_key(entity_type, key, top) && !item.is_null() {
                        out.push(Value::Array(vec![Value::String(here), item.clone()]));
                    } else {
                        walk(entity_type, item, &here, false, out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(entity_type, item, &format!("{path}/{i}"), false, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(entity_type, doc, "", true, &mut out);
    Value::Array(out)
}

/// The personal parts of one row, as stored.
#[derive(Debug, Clone, Copy)]
pub struct PersonalParts<'a> {
    pub entity_type: &'a str,
    pub actor_email: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// `SHA-256(salt ‖ canonical([actor_email, ip, user_agent, personal(before), personal(after)]))`.
pub fn digest(salt: &[u8], parts: &PersonalParts<'_>) -> [u8; 32] {
    let text = |value: Option<&str>| value.map_or(Value::Null, |v| Value::String(v.to_owned()));
    let doc = |value: Option<&Value>| value.map_or(Value::Null, |v| personal_values(parts.entity_type, v));
    let fields = Value::Array(vec![
        text(parts.actor_email),
        text(parts.ip),
        text(parts.user_agent),
        doc(parts.before),
        doc(parts.after),
    ]);
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(super::chain::canonical_json(&fields).as_bytes());
    hasher.finalize().into()
}

/// A fresh salt for a new row: 16 random bytes, so the digest of a guessable email cannot be
/// confirmed by anyone without the salt.
pub fn new_salt() -> [u8; 16] {
    rand::random()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_emails_everywhere_and_names_of_people_only() {
        let user =
            json!({"email": "a@b.c", "name": "Ann", "role": "admin", "nested": {"name": "x", "owner_email": "o@b.c"}});
        assert_eq!(
            mask("user", &user),
            json!({"email": MASK, "name": MASK, "role": "admin", "nested": {"name": "x", "owner_email": MASK}})
        );
        let rule = json!({"name": "CPU high", "created_by_name": "Ann", "missing_email": null});
        assert_eq!(
            mask("alert_rule", &rule),
            json!({"name": "CPU high", "created_by_name": MASK, "missing_email": null})
        );
    }

    #[test]
    fn personal_values_are_listed_by_pointer() {
        let doc = json!({"b": [{"email": "x@y.z"}], "a/b": {"actor_email": "p@q.r"}, "email": "e@f.g"});
        assert_eq!(
            personal_values("invitation", &doc),
            json!([
                ["/a~1b/actor_email", "p@q.r"],
                ["/b/0/email", "x@y.z"],
                ["/email", "e@f.g"]
            ])
        );
    }

    #[test]
    fn the_digest_depends_on_salt_and_every_personal_value() {
        let after = json!({"email": "a@b.c", "role": "admin"});
        let parts = PersonalParts {
            entity_type: "user",
            actor_email: Some("admin@b.c"),
            ip: Some("127.0.0.1"),
            user_agent: None,
            before: None,
            after: Some(&after),
        };
        let base = digest(&[1; 16], &parts);
        assert_ne!(base, digest(&[2; 16], &parts));
        let other = json!({"email": "z@b.c", "role": "admin"});
        assert_ne!(
            base,
            digest(
                &[1; 16],
                &PersonalParts {
                    after: Some(&other),
                    ..parts
                }
            )
        );
        assert_ne!(base, digest(&[1; 16], &PersonalParts { ip: None, ..parts }));
        // A non-personal value is the chain's business, not the digest's.
        let role = json!({"email": "a@b.c", "role": "viewer"});
        assert_eq!(
            base,
            digest(
                &[1; 16],
                &PersonalParts {
                    after: Some(&role),
                    ..parts
                }
            )
        );
    }
}
