//! Label keys: the one place the label-name rule lives. Ingestion, alert rule labels and
//! group-by keys, silence matchers and chart filters all parse through [`LabelKey::parse`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// A label key: `[a-zA-Z_][a-zA-Z0-9_]{0,63}`, as Prometheus label names. Deserializing checks
/// the rule too, so a `LabelKey` read back from JSON is as trustworthy as one parsed from a form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LabelKey(String);

/// A string that is not a label key. Each caller words its own message (the form field, the
/// ingestion reason); this one's `Display` states the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidLabelKey;

impl fmt::Display for InvalidLabelKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "label keys match [a-zA-Z_][a-zA-Z0-9_]{{0,{}}}",
            LabelKey::MAX_LEN - 1
        )
    }
}

impl std::error::Error for InvalidLabelKey {}

impl LabelKey {
    /// The longest key, in bytes (all of them ASCII).
    pub const MAX_LEN: usize = 64;

    /// Accepts exactly `[a-zA-Z_][a-zA-Z0-9_]{0,63}`; no trimming, so callers trim what they split.
    pub fn parse(raw: &str) -> Result<Self, InvalidLabelKey> {
        let mut bytes = raw.bytes();
        let valid = matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
            && raw.len() <= Self::MAX_LEN
            && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidLabelKey)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for LabelKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for LabelKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LabelKey {
    type Error = InvalidLabelKey;
    fn try_from(value: String) -> Result<Self, InvalidLabelKey> {
        Self::parse(&value)
    }
}

impl From<LabelKey> for String {
    fn from(key: LabelKey) -> String {
        key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_prometheus_rules() {
        for good in ["host", "_x9", "A", "_", "k".repeat(64).as_str()] {
            assert_eq!(
                LabelKey::parse(good).map(|k| k.to_string()),
                Ok(good.to_owned()),
                "{good}"
            );
        }
        for bad in ["", "9x", "a-b", "a b", " host", "héte", "k".repeat(65).as_str()] {
            assert_eq!(LabelKey::parse(bad), Err(InvalidLabelKey), "{bad}");
        }
    }

    #[test]
    fn deserializing_checks_the_rule() {
        let key: LabelKey = serde_json::from_str(r#""region""#).expect("valid key");
        assert_eq!(key.as_str(), "region");
        assert_eq!(serde_json::to_string(&key).expect("serializes"), r#""region""#);
        assert!(serde_json::from_str::<LabelKey>(r#""1region""#).is_err());
    }

    #[test]
    fn the_error_states_the_rule() {
        assert_eq!(
            InvalidLabelKey.to_string(),
            "label keys match [a-zA-Z_][a-zA-Z0-9_]{0,63}"
        );
    }
}
