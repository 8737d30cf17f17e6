//! Silence matching: a silence mutes an alert's notifications while it is active and its rule
//! (if it names one) and every label matcher agree. Regex matchers are anchored, as in
//! Alertmanager: `host=~web-.*` matches `web-1`, not `my-web-1`.

use super::{MatchOp, Matcher, Silence};
use crate::ids::AlertRuleId;
use crate::labels::LabelKey;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Parses `label op value` (`env=prod`, `env!=dev`, `host=~web-.*`, `host!~db-.*`).
pub fn parse_matcher(text: &str) -> Result<Matcher, String> {
    let text = text.trim();
    // Longest operators first, so `=~` is not read as `=` followed by a value starting with `~`.
    let found = ["=~", "!~", "!=", "="]
        .iter()
        .filter_map(|op| text.find(op).map(|at| (at, *op)))
        .min_by_key(|(at, op)| (*at, usize::MAX - op.len()));
    let Some((at, op)) = found else {
        return Err(text.to_owned());
    };
    let label = text[..at].trim();
    let value = text[at + op.len()..].trim();
    let op = match op {
        "=~" => MatchOp::Re,
        "!~" => MatchOp::NotRe,
        "!=" => MatchOp::Ne,
        _ => MatchOp::Eq,
    };
    let Ok(label) = LabelKey::parse(label) else {
        return Err(text.to_owned());
    };
    if value.len() > 200 {
        return Err(text.to_owned());
    }
    if matches!(op, MatchOp::Re | MatchOp::NotRe) && compile(value).is_none() {
        return Err(text.to_owned());
    }
    Ok(Matcher {
        label,
        op,
        value: value.to_owned(),
    })
}

/// `env=prod, host=~web-.*` → matchers, or the first part that is not one.
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(parse_matcher)
        .collect()
}

fn compile(pattern: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 16)
        .build()
        .ok()
}

/// Whether one matcher accepts the label set. A missing label reads as the empty string (so
/// `env!=prod` matches alerts without `env`), as in Alertmanager.
pub fn matcher_matches(matcher: &Matcher, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(matcher.label.as_str()).map_or("", String::as_str);
    match matcher.op {
        MatchOp::Eq => value == matcher.value,
        MatchOp::Ne => value != matcher.value,
        MatchOp::Re => compile(&matcher.value).is_some_and(|re| re.is_match(value)),
        MatchOp::NotRe => compile(&matcher.value).is_some_and(|re| !re.is_match(value)),
    }
}

/// Whether `silence` mutes an alert of `rule_id` with `labels` at `now`.
pub fn silences(
    silence: &Silence,
    rule_id: AlertRuleId,
    labels: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> bool {
    silence.is_active(now)
        && silence.rule_id.is_none_or(|rule| rule == rule_id)
        && silence.matchers.iter().all(|m| matcher_matches(m, labels))
}

/// The first of `all` that mutes the alert, if any.
pub fn silenced_by<'a>(
    all: &'a [Silence],
    rule_id: AlertRuleId,
    labels: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Option<&'a Silence> {
    all.iter().find(|silence| silences(silence, rule_id, labels, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SilenceId;
    use chrono::Duration;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn silence(rule: Option<AlertRuleId>, matchers: &str, now: DateTime<Utc>) -> Silence {
        Silence {
            silence_id: SilenceId::new_random(),
            rule_id: rule,
            rule_name: None,
            matchers: parse_matchers(matchers).expect("valid matchers"),
            starts_at: now - Duration::minutes(5),
            ends_at: now + Duration::minutes(55),
            comment: "maintenance".into(),
            created_by_name: "Ada".into(),
            created_at: now,
        }
    }

    #[test]
    fn matchers_parse_with_every_operator() {
        let parsed = parse_matchers("env=prod, env!=dev, host=~web-.*, host!~db-[0-9]+").expect("valid");
        let ops: Vec<MatchOp> = parsed.iter().map(|m| m.op).collect();
        assert_eq!(ops, vec![MatchOp::Eq, MatchOp::Ne, MatchOp::Re, MatchOp::NotRe]);
        assert_eq!(parsed[2].value, "web-.*");
        assert_eq!(parse_matcher("url=a=b").expect("value may contain =").value, "a=b");
        for bad in ["env", "=prod", "1env=prod", "host=~(", "my-label=x"] {
            assert!(parse_matcher(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_table() {
        let set = labels(&[("env", "prod"), ("host", "web-1")]);
        let table = [
            ("env=prod", true),
            ("env=dev", false),
            ("env!=dev", true),
            ("team!=core", true),
            ("team=core", false),
            ("host=~web-.*", true),
            ("host=~web", false),
            ("host!~web-.*", false),
            ("host!~db-.*", true),
        ];
        for (text, expected) in table {
            let matcher = parse_matcher(text).expect("valid");
            assert_eq!(matcher_matches(&matcher, &set), expected, "{text}");
        }
    }

    #[test]
    fn silences_need_time_rule_and_all_matchers() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("valid");
        let rule = AlertRuleId::new_random();
        let other_rule = AlertRuleId::new_random();
        let set = labels(&[("env", "prod"), ("host", "web-1")]);
        let by_rule = silence(Some(rule), "", now);
        assert!(silences(&by_rule, rule, &set, now));
        assert!(!silences(&by_rule, other_rule, &set, now));
        let by_labels = silence(None, "env=prod, host=~web-.*", now);
        assert!(silences(&by_labels, other_rule, &set, now));
        assert!(!silences(&by_labels, rule, &labels(&[("env", "prod")]), now));
        assert!(!silences(&by_labels, rule, &set, now + Duration::hours(1)), "ended");
        assert!(
            !silences(&by_labels, rule, &set, now - Duration::minutes(10)),
            "not started"
        );
        let both = silence(Some(rule), "env=dev", now);
        assert!(!silences(&both, rule, &set, now));
        let all = [both, by_labels];
        assert_eq!(silenced_by(&all, rule, &set, now).map(|s| s.matchers.len()), Some(2));
    }
}
