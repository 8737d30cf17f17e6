//! How each language writes numbers, dates and spans of time: the locale data the catalogues
//! cannot hold (digits, separators, month names), kept to the two languages Atrium speaks.
//!
//! English keeps the forms the product has always shown (ISO dates in UTC, `5m`), so logs, exports
//! and copied values read the same as before. Arabic follows CLDR's `ar`: Arabic-Indic digits, the
//! Arabic decimal separator, month names, and the Arabic letter mark before a minus sign so the
//! bidi algorithm keeps the sign beside its number. Every function is pure and depends only on its
//! arguments, so the server's render and the browser's hydration always agree.

use crate::preferences::Language;
use chrono::{DateTime, Datelike, Timelike, Utc};

/// `text`, a number written with ASCII digits, `.` and `-` (what Rust's formatting gives), in
/// `language`'s digits. Only for numbers: names, addresses and identifiers that hold digits
/// (`web-3`) keep theirs.
pub fn digits(language: Language, text: &str) -> String {
    match language {
        Language::En => text.to_owned(),
        Language::Ar => {
            let mut out = String::with_capacity(text.len() * 2);
            let mut previous_digit = false;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
                match c {
                    '0'..='9' => out.push(char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c)),
                    '.' if previous_digit && next_digit => out.push('\u{066B}'),
                    ',' if previous_digit && next_digit => out.push('\u{066C}'),
                    '-' if !previous_digit && next_digit => out.push_str("\u{061C}-"),
                    '%' if previous_digit => out.push('\u{066A}'),
                    other => out.push(other),
                }
                previous_digit = c.is_ascii_digit();
            }
            out
        }
    }
}

/// A whole number.
pub fn integer(language: Language, value: i64) -> String {
    digits(language, &value.to_string())
}

/// A measured value: up to three decimals, no trailing zeros; very large and very small values
/// in scientific notation.
pub fn decimal(language: Language, value: f64) -> String {
    let text = if !value.is_finite() {
        value.to_string()
    } else {
        let text = format!("{value:.3}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" { "0".to_owned() } else { text.to_owned() }
    };
    digits(language, &text)
}

const ARABIC_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// How much of a moment to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Day,
    Hour,
    Minute,
    Second,
}

/// A moment in UTC at `precision`. English: `2026-12-07 13:05 UTC`; Arabic: `٧ ديسمبر ٢٠٢٦،
/// ١٣:٠٥ UTC`. Always UTC, so the server and the browser write the same text.
pub fn moment(language: Language, time: DateTime<Utc>, precision: Precision) -> String {
    let clock = match precision {
        Precision::Day => None,
        Precision::Hour => Some(format!("{:02}:00", time.hour())),
        Precision::Minute => Some(format!("{:02}:{:02}", time.hour(), time.minute())),
        Precision::Second => Some(format!("{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second())),
    };
    match language {
        Language::En => {
            let date = format!("{:04}-{:02}-{:02}", time.year(), time.month(), time.day());
            match clock {
                None => date,
                Some(clock) => format!("{date} {clock} UTC"),
            }
        }
        Language::Ar => {
            let month = ARABIC_MONTHS[time.month0() as usize];
            let date = format!("{} {month} {}", time.day(), time.year());
            let text = match clock {
                None => date,
                Some(clock) => format!("{date}، {clock} UTC"),
            };
            digits(language, &text)
        }
    }
}

/// A span of seconds in its largest exact unit. English keeps the rule syntax (`5m`, `2h`), which
/// is also what the forms take; Arabic writes the unit's letter (`٥ د`).
pub fn span(language: Language, seconds: i64) -> String {
    let (count, unit) = match seconds {
        0 => (0, 0),
        s if s % 86_400 == 0 => (s / 86_400, 3),
        s if s % 3600 == 0 => (s / 3600, 2),
        s if s % 60 == 0 => (s / 60, 1),
        s => (s, 0),
    };
    match language {
        Language::En => format!("{count}{}", ["s", "m", "h", "d"][unit]),
        Language::Ar => format!("{} {}", integer(language, count), ["ث", "د", "س", "ي"][unit]),
    }
}

/// How long ago `then` was at `now`, as the catalogue's words for it: the unit and the count that
/// fit it best (seconds under a minute are "just now"). The caller looks the key up with `count`.
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> (&'static str, i64) {
    const AGO: [&str; 3] = ["relative-minutes-ago", "relative-hours-ago", "relative-days-ago"];
    const AHEAD: [&str; 3] = ["relative-minutes-ahead", "relative-hours-ahead", "relative-days-ahead"];
    let seconds = (now - then).num_seconds();
    let keys = if seconds < 0 { AHEAD } else { AGO };
    let (unit, count) = match seconds.abs() {
        s if s < 60 => return ("relative-now", 0),
        s if s < 3600 => (0, s / 60),
        s if s < 86_400 => (1, s / 3600),
        s => (2, s / 86_400),
    };
    (keys[unit], count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn english_numbers_are_unchanged_and_arabic_ones_use_arabic_indic_digits() {
        assert_eq!(decimal(Language::En, 1234.5), "1234.5");
        assert_eq!(decimal(Language::Ar, 1234.5), "١٢٣٤٫٥");
        assert_eq!(decimal(Language::Ar, -0.25), "\u{61C}-٠٫٢٥");
        assert_eq!(decimal(Language::Ar, 3.0), "٣");
        assert_eq!(digits(Language::Ar, "12%"), "١٢٪");
        assert_eq!(digits(Language::Ar, "1,234"), "١٬٢٣٤");
        // A separator that is not between digits stays what it is.
        assert_eq!(digits(Language::Ar, "1. 2"), "١. ٢");
    }

    #[test]
    fn moments_follow_each_language() {
        let time = Utc.with_ymd_and_hms(2026, 12, 7, 13, 5, 9).unwrap();
        assert_eq!(moment(Language::En, time, Precision::Minute), "2026-12-07 13:05 UTC");
        assert_eq!(moment(Language::En, time, Precision::Second), "2026-12-07 13:05:09 UTC");
        assert_eq!(moment(Language::En, time, Precision::Hour), "2026-12-07 13:00 UTC");
        assert_eq!(moment(Language::En, time, Precision::Day), "2026-12-07");
        assert_eq!(
            moment(Language::Ar, time, Precision::Minute),
            "٧ ديسمبر ٢٠٢٦، ١٣:٠٥ UTC"
        );
        assert_eq!(moment(Language::Ar, time, Precision::Day), "٧ ديسمبر ٢٠٢٦");
    }

    #[test]
    fn spans_take_their_largest_exact_unit() {
        assert_eq!(span(Language::En, 300), "5m");
        assert_eq!(span(Language::En, 90), "90s");
        assert_eq!(span(Language::En, 7200), "2h");
        assert_eq!(span(Language::Ar, 300), "٥ د");
        assert_eq!(span(Language::Ar, 172_800), "٢ ي");
    }

    #[test]
    fn relative_times_pick_the_unit_that_fits() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
        let ago = |seconds| relative(now - chrono::Duration::seconds(seconds), now);
        assert_eq!(ago(30), ("relative-now", 0));
        assert_eq!(ago(59 * 60), ("relative-minutes-ago", 59));
        assert_eq!(ago(3 * 3600 + 10), ("relative-hours-ago", 3));
        assert_eq!(ago(50 * 3600), ("relative-days-ago", 2));
        assert_eq!(ago(-2 * 3600), ("relative-hours-ahead", 2));
    }
}
