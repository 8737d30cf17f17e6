//! Field-by-field comparison of an audit row's before and after, for the row detail view.

use serde_json::Value;
use std::collections::BTreeSet;

/// One top-level field of the entity, as text on each side (`None` where the side lacks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub changed: bool,
}

/// Compares the top-level fields of two JSON objects, in field-name order. A side that is not an
/// object (or absent) is shown as a single field named `value`. Nested values are compared whole
/// and shown as compact JSON.
pub fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let fields = |value: Option<&Value>| -> Vec<(String, Value)> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(other) => vec![("value".to_owned(), other.clone())],
        }
    };
    let before = fields(before);
    let after = fields(after);
    let names: BTreeSet<&String> = before.iter().chain(after.iter()).map(|(k, _)| k).collect();
    let lookup = |side: &[(String, Value)], name: &str| side.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    names
        .into_iter()
        .map(|name| {
            let b = lookup(&before, name);
            let a = lookup(&after, name);
            FieldChange {
                field: name.clone(),
                changed: b != a,
                before: b.map(|v| display(&v)),
                after: a.map(|v| display(&v)),
            }
        })
        .collect()
}

/// Strings without their JSON quotes; everything else as compact JSON.
fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_added_and_removed_fields_are_marked() {
        let before = json!({"name": "Acme", "plan": "free", "old": 1});
        let after = json!({"name": "Acme", "plan": "starter", "new": {"a": [1]}});
        let changes = field_changes(Some(&before), Some(&after));
        let summary: Vec<(&str, Option<&str>, Option<&str>, bool)> = changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref(), c.changed))
            .collect();
        assert_eq!(
            summary,
            [
                ("name", Some("Acme"), Some("Acme"), false),
                ("new", None, Some(r#"{"a":[1]}"#), true),
                ("old", Some("1"), None, true),
                ("plan", Some("free"), Some("starter"), true),
            ]
        );
    }

    #[test]
    fn one_sided_rows_show_every_field_as_changed() {
        let after = json!({"email": "a@b.c"});
        let changes = field_changes(None, Some(&after));
        assert_eq!(changes.len(), 1);
        assert!(changes[0].changed && changes[0].before.is_none());
        assert!(field_changes(None, None).is_empty());
    }
}
