//! Parse, don't validate: input newtypes that can only hold acceptable values. Each parser returns
//! the catalogue message to show next to the field.

use crate::i18n::{t, t_args};
use serde::{Deserialize, Serialize};

/// How long a replaced secret keeps working next to its successor (an API key's grace period, a
/// channel's signing-secret overlap): none, 1 hour, 24 hours or 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverlapPeriod {
    /// The previous secret stops at once.
    None,
    OneHour,
    OneDay,
    SevenDays,
}

/// A value that is none of `OverlapPeriod::ALL`; each form says in its own words what to choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownOverlap;

impl OverlapPeriod {
    pub const ALL: [Self; 4] = [Self::None, Self::OneHour, Self::OneDay, Self::SevenDays];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::OneHour => "1h",
            Self::OneDay => "24h",
            Self::SevenDays => "7d",
        }
    }
    pub fn parse(value: &str) -> Result<Self, UnknownOverlap> {
        Self::ALL
            .into_iter()
            .find(|period| period.as_str() == value.trim())
            .ok_or(UnknownOverlap)
    }
    pub fn duration(self) -> Option<chrono::Duration> {
        match self {
            Self::None => None,
            Self::OneHour => Some(chrono::Duration::hours(1)),
            Self::OneDay => Some(chrono::Duration::hours(24)),
            Self::SevenDays => Some(chrono::Duration::days(7)),
        }
    }
    /// (value, label) pairs for a select; labels are the catalogue's `<label_prefix>-<value>`.
    pub fn options(label_prefix: &str) -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|period| {
                (
                    period.as_str().to_owned(),
                    t(&format!("{label_prefix}-{}", period.as_str())),
                )
            })
            .collect()
    }
}

pub const NAME_MAX: usize = 120;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// A person's or organisation's display name: trimmed, 1–120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        // Control characters break layouts and logs; names never need them. They go before the
        // checks, so a name of nothing but control characters is empty (found by fuzzing: it
        // used to pass as "" and fail the table's length check with a 500).
        let cleaned: String = raw.chars().filter(|c| !c.is_control()).collect();
        let value = cleaned.trim();
        if value.is_empty() {
            return Err(t("valid-required"));
        }
        if value.chars().count() > NAME_MAX {
            return Err(t_args("valid-too-long", &[("max", &NAME_MAX.to_string())]));
        }
        Ok(Self(value.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An email address, lowercased. Deliberately simple: one `@`, a non-empty local part, a dotted
/// domain, no spaces. Deliverability is proven by sending, not by regex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(t("valid-required"));
        }
        if value.chars().count() > EMAIL_MAX {
            return Err(t_args("valid-too-long", &[("max", &EMAIL_MAX.to_string())]));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:".contains(c))
            }
            None => false,
        };
        if valid { Ok(Self(value)) } else { Err(t("valid-email")) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: length limits only (NIST 800-63B), no composition rules.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let count = raw.chars().count();
        if count < PASSWORD_MIN {
            return Err(t_args("valid-password", &[("min", &PASSWORD_MIN.to_string())]));
        }
        if count > PASSWORD_MAX {
            return Err(t_args("valid-too-long", &[("max", &PASSWORD_MAX.to_string())]));
        }
        Ok(Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Acme  ").map(DisplayName::into_inner),
            Ok("Acme".into())
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(121)).is_err());
        assert!(DisplayName::parse(&"é".repeat(120)).is_ok());
        assert_eq!(
            DisplayName::parse("a\u{7}b").map(DisplayName::into_inner),
            Ok("ab".into())
        );
        // Only control characters is no name at all; spaces behind one are trimmed too.
        assert!(DisplayName::parse("\u{2}").is_err());
        assert!(DisplayName::parse(" \u{2}\n").is_err());
        assert_eq!(
            DisplayName::parse("\u{2} Acme").map(DisplayName::into_inner),
            Ok("Acme".into())
        );
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").map(|e| e.0),
            Ok("ada@example.com".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
            "a@x..com",
            "<a>@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn passwords_have_length_limits_only() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough pass").is_ok());
        assert!(NewPassword::parse(&"x".repeat(257)).is_err());
        assert_eq!(
            format!("{:?}", NewPassword::parse("long enough pass")),
            "Ok(NewPassword(..))"
        );
    }
}
