//! Parsing and validating an ingestion request body into points, before anything touches the
//! database. Pure and synchronous so every rule is unit-tested; each refused point is reported
//! with its index and a stable reason code, so partial acceptance is always explicit.
//!
//! A JSON body is first read into typed points (`TypedPoint`), which costs no `Value` tree; only
//! when that fails anywhere is it read again as `Value`s, which name each point's problem. The
//! typed reading is stricter than the other, never looser, and both apply the same checks.

use super::MetricName;
use crate::labels::LabelKey;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Labels a point may carry, and how big they may be.
pub const MAX_LABELS: usize = 16;
/// The longest label key; the rule itself is [`LabelKey`]'s.
pub const MAX_LABEL_KEY: usize = LabelKey::MAX_LEN;
pub const MAX_LABEL_VALUE: usize = 128;

/// Request limits (from configuration).
#[derive(Debug, Clone, Copy)]
pub struct IngestLimits {
    pub max_points: usize,
    pub max_bytes: usize,
    /// Points older than this (relative to the server's clock) are refused.
    pub max_age: Duration,
    /// Points further ahead than this are refused.
    pub max_future: Duration,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self {
            max_points: 10_000,
            max_bytes: 1024 * 1024,
            max_age: Duration::hours(168),
            max_future: Duration::seconds(300),
        }
    }
}

/// How the body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `[point, …]` or `{"points": [point, …]}`.
    Json,
    /// One point per line (`application/x-ndjson`); a malformed line refuses only that point.
    NdJson,
}

impl BodyFormat {
    /// From the Content-Type header; anything that is not NDJSON is read as JSON.
    pub fn from_content_type(content_type: Option<&str>) -> Self {
        let essence = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" | "application/jsonlines" => {
                Self::NdJson
            }
            _ => Self::Json,
        }
    }
}

/// A point that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPoint {
    pub index: usize,
    pub metric: MetricName,
    pub ts: DateTime<Utc>,
    pub value: f64,
    /// Sorted by key, so equal label sets serialize identically. Shared: the points of one
    /// series in a batch carry the same set, read and checked once.
    pub labels: Labels,
}

/// A point's labels.
pub type Labels = Arc<BTreeMap<String, String>>;

/// Why one point was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    InvalidJson,
    NotAnObject,
    UnknownField,
    MissingMetric,
    InvalidMetricName,
    MissingValue,
    InvalidValue,
    InvalidTimestamp,
    TimestampTooOld,
    TimestampInFuture,
    InvalidLabels,
    SeriesLimitReached,
    MetricLimitReached,
}

impl RejectReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::NotAnObject => "not_an_object",
            Self::UnknownField => "unknown_field",
            Self::MissingMetric => "missing_metric",
            Self::InvalidMetricName => "invalid_metric_name",
            Self::MissingValue => "missing_value",
            Self::InvalidValue => "invalid_value",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampInFuture => "timestamp_in_future",
            Self::InvalidLabels => "invalid_labels",
            Self::SeriesLimitReached => "series_limit_reached",
            Self::MetricLimitReached => "metric_limit_reached",
        }
    }
}

/// One refused point, as the response lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    pub index: usize,
    #[serde(rename = "code")]
    pub reason: RejectReason,
    pub message: String,
}

impl Rejection {
    fn new(index: usize, reason: RejectReason, message: impl Into<String>) -> Self {
        Self {
            index,
            reason,
            message: message.into(),
        }
    }
}

/// Why the whole request was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchError {
    /// Syntax error in a JSON body, with its 1-based position.
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON that is neither an array nor `{"points": [...]}`.
    InvalidShape,
    TooManyPoints {
        max: usize,
        got: usize,
    },
    Empty,
}

/// The outcome of parsing: the good points and every refused one.
#[derive(Debug, Default)]
pub struct ParsedBatch {
    pub points: Vec<ValidPoint>,
    pub rejected: Vec<Rejection>,
}

impl ParsedBatch {
    pub fn total(&self) -> usize {
        self.points.len() + self.rejected.len()
    }
}

pub fn parse_batch(
    body: &[u8],
    format: BodyFormat,
    limits: &IngestLimits,
    now: DateTime<Utc>,
) -> Result<ParsedBatch, BatchError> {
    if format == BodyFormat::Json
        && let Some((points, labels)) = typed_items(body)
    {
        check_count(points.len(), limits)?;
        return Ok(collect(
            points
                .into_iter()
                .enumerate()
                .map(|(index, point)| typed_point(index, point, &labels, limits, now)),
        ));
    }
    let items: Vec<Result<Value, Rejection>> = match format {
        BodyFormat::Json => json_items(body)?.into_iter().map(Ok).collect(),
        BodyFormat::NdJson => ndjson_items(body),
    };
    check_count(items.len(), limits)?;
    Ok(collect(items.into_iter().enumerate().map(|(index, item)| {
        item.and_then(|value| validate_point(index, value, limits, now))
            .map_err(|mut rejection| {
                rejection.index = index;
                rejection
            })
    })))
}

fn check_count(points: usize, limits: &IngestLimits) -> Result<(), BatchError> {
    if points == 0 {
        return Err(BatchError::Empty);
    }
    if points > limits.max_points {
        return Err(BatchError::TooManyPoints {
            max: limits.max_points,
            got: points,
        });
    }
    Ok(())
}

fn collect(results: impl Iterator<Item = Result<ValidPoint, Rejection>>) -> ParsedBatch {
    let mut batch = ParsedBatch::default();
    for result in results {
        match result {
            Ok(point) => batch.points.push(point),
            Err(rejection) => batch.rejected.push(rejection),
        }
    }
    batch
}

/// A point whose fields all have the right JSON types (absent and `null` read as `None`, as in
/// `validate_point`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedPoint<'a> {
    #[serde(borrow, default)]
    metric: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(borrow, default)]
    ts: Option<TypedTs<'a>>,
    /// Read as text first: a batch repeats a few label sets thousands of times, and each distinct
    /// text is parsed and checked once (`LabelSets`).
    #[serde(borrow, default)]
    labels: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TypedTs<'a> {
    Millis(i64),
    Text(#[serde(borrow)] Cow<'a, str>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedBody<'a> {
    #[serde(borrow)]
    points: Vec<TypedPoint<'a>>,
}

/// Every point of a well-formed body with its label sets, or `None` when any part of it is not
/// (the `Value` reading then says what).
fn typed_items(body: &[u8]) -> Option<(Vec<TypedPoint<'_>>, LabelSets<'_>)> {
    let points: Vec<TypedPoint> = match body.iter().find(|b| !b.is_ascii_whitespace())? {
        b'[' => serde_json::from_slice(body).ok()?,
        _ => serde_json::from_slice::<TypedBody>(body).ok()?.points,
    };
    let labels = LabelSets::of(&points)?;
    Some((points, labels))
}

/// Each distinct label text of a batch, read and checked once: the shared set, or why it is
/// refused.
struct LabelSets<'a>(HashMap<&'a str, Result<Labels, String>>);

impl<'a> LabelSets<'a> {
    /// `None` when a label text is not an object of strings (the `Value` reading names it).
    fn of(points: &[TypedPoint<'a>]) -> Option<Self> {
        let mut sets = HashMap::new();
        for raw in points.iter().filter_map(|point| point.labels) {
            if sets.contains_key(raw.get()) {
                continue;
            }
            let map: BTreeMap<Cow<'a, str>, Cow<'a, str>> = serde_json::from_str(raw.get()).ok()?;
            sets.insert(raw.get(), checked_labels(map));
        }
        Some(Self(sets))
    }

    fn get(&self, raw: Option<&RawValue>) -> Result<Labels, String> {
        match raw {
            None => Ok(Labels::default()),
            Some(raw) => self
                .0
                .get(raw.get())
                .cloned()
                .unwrap_or_else(|| Err("`labels` must be an object of strings".to_owned())),
        }
    }
}

fn checked_labels(map: BTreeMap<Cow<'_, str>, Cow<'_, str>>) -> Result<Labels, String> {
    if map.len() > MAX_LABELS {
        return Err(format!("at most {MAX_LABELS} labels"));
    }
    map.into_iter()
        .map(|(key, value)| {
            label(&key, &value)?;
            Ok((key.into_owned(), value.into_owned()))
        })
        .collect::<Result<BTreeMap<_, _>, String>>()
        .map(Arc::new)
}

fn typed_point(
    index: usize,
    point: TypedPoint<'_>,
    label_sets: &LabelSets<'_>,
    limits: &IngestLimits,
    now: DateTime<Utc>,
) -> Result<ValidPoint, Rejection> {
    let metric = match point.metric {
        None => return Err(Rejection::new(index, RejectReason::MissingMetric, MISSING_METRIC)),
        Some(name) => metric_name(index, &name)?,
    };
    let value = match point.value {
        None => return Err(Rejection::new(index, RejectReason::MissingValue, MISSING_VALUE)),
        Some(value) => finite(index, Some(value))?,
    };
    let ts = match point.ts {
        None => now,
        Some(TypedTs::Text(text)) => rfc3339(index, &text)?,
        Some(TypedTs::Millis(millis)) => epoch_millis(index, Some(millis))?,
    };
    let ts = in_range(index, ts, limits, now)?;
    let labels = label_sets
        .get(point.labels)
        .map_err(|message| Rejection::new(index, RejectReason::InvalidLabels, message))?;
    Ok(ValidPoint {
        index,
        metric,
        ts,
        value,
        labels,
    })
}

const MISSING_METRIC: &str = "`metric` is required";
const MISSING_VALUE: &str = "`value` is required";
const INVALID_TS: &str = "`ts` must be RFC 3339 or epoch milliseconds";

fn metric_name(index: usize, name: &str) -> Result<MetricName, Rejection> {
    MetricName::parse(name).map_err(|_| {
        Rejection::new(
            index,
            RejectReason::InvalidMetricName,
            "metric names match [a-z0-9_.]{1,128}",
        )
    })
}

fn finite(index: usize, value: Option<f64>) -> Result<f64, Rejection> {
    value
        .filter(|v| v.is_finite())
        .ok_or_else(|| Rejection::new(index, RejectReason::InvalidValue, "`value` must be a finite number"))
}

fn rfc3339(index: usize, text: &str) -> Result<DateTime<Utc>, Rejection> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| Rejection::new(index, RejectReason::InvalidTimestamp, INVALID_TS))
}

fn epoch_millis(index: usize, millis: Option<i64>) -> Result<DateTime<Utc>, Rejection> {
    millis
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(|| Rejection::new(index, RejectReason::InvalidTimestamp, INVALID_TS))
}

fn in_range(
    index: usize,
    ts: DateTime<Utc>,
    limits: &IngestLimits,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Rejection> {
    if ts < now - limits.max_age {
        return Err(Rejection::new(
            index,
            RejectReason::TimestampTooOld,
            format!("`ts` is more than {} hours in the past", limits.max_age.num_hours()),
        ));
    }
    if ts > now + limits.max_future {
        return Err(Rejection::new(
            index,
            RejectReason::TimestampInFuture,
            format!(
                "`ts` is more than {} seconds in the future",
                limits.max_future.num_seconds()
            ),
        ));
    }
    Ok(ts)
}

fn too_many_labels(index: usize) -> Rejection {
    Rejection::new(
        index,
        RejectReason::InvalidLabels,
        format!("at most {MAX_LABELS} labels"),
    )
}

/// One label's rules (the key's are `LabelKey`'s).
fn label(key: &str, value: &str) -> Result<(), String> {
    LabelKey::parse(key).map_err(|invalid| invalid.to_string())?;
    if value.chars().count() > MAX_LABEL_VALUE {
        return Err(format!("label values are at most {MAX_LABEL_VALUE} characters"));
    }
    Ok(())
}

fn json_items(body: &[u8]) -> Result<Vec<Value>, BatchError> {
    let value: Value = serde_json::from_slice(body).map_err(|error| BatchError::InvalidJson {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(mut object) if object.len() == 1 => match object.remove("points") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err(BatchError::InvalidShape),
        },
        _ => Err(BatchError::InvalidShape),
    }
}

fn ndjson_items(body: &[u8]) -> Vec<Result<Value, Rejection>> {
    body.split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(line_no, line)| {
            serde_json::from_slice(line).map_err(|error| {
                Rejection::new(
                    0,
                    RejectReason::InvalidJson,
                    format!("line {}, column {}: {error}", line_no + 1, error.column()),
                )
            })
        })
        .collect()
}

fn validate_point(
    index: usize,
    value: Value,
    limits: &IngestLimits,
    now: DateTime<Utc>,
) -> Result<ValidPoint, Rejection> {
    let reject = |reason, message: &str| Rejection::new(index, reason, message);
    let Value::Object(object) = value else {
        return Err(reject(RejectReason::NotAnObject, "each point must be a JSON object"));
    };
    if let Some(field) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "metric" | "ts" | "value" | "labels"))
    {
        return Err(reject(
            RejectReason::UnknownField,
            &format!("unknown field `{field}` (expected metric, ts, value, labels)"),
        ));
    }
    let metric = match object.get("metric") {
        None | Some(Value::Null) => return Err(reject(RejectReason::MissingMetric, MISSING_METRIC)),
        Some(Value::String(name)) => metric_name(index, name)?,
        Some(_) => return Err(reject(RejectReason::InvalidMetricName, "`metric` must be a string")),
    };
    let value = match object.get("value") {
        None | Some(Value::Null) => return Err(reject(RejectReason::MissingValue, MISSING_VALUE)),
        Some(Value::Number(number)) => finite(index, number.as_f64())?,
        Some(_) => return Err(reject(RejectReason::InvalidValue, "`value` must be a number")),
    };
    let ts = match object.get("ts") {
        None | Some(Value::Null) => now,
        Some(Value::String(text)) => rfc3339(index, text)?,
        Some(Value::Number(number)) => epoch_millis(index, number.as_i64())?,
        Some(_) => return Err(reject(RejectReason::InvalidTimestamp, INVALID_TS)),
    };
    let ts = in_range(index, ts, limits, now)?;
    let labels = match object.get("labels") {
        None | Some(Value::Null) => Labels::default(),
        Some(Value::Object(map)) => Arc::new(parse_labels(index, map)?),
        Some(_) => {
            return Err(reject(
                RejectReason::InvalidLabels,
                "`labels` must be an object of strings",
            ));
        }
    };
    Ok(ValidPoint {
        index,
        metric,
        ts,
        value,
        labels,
    })
}

fn parse_labels(index: usize, map: &serde_json::Map<String, Value>) -> Result<BTreeMap<String, String>, Rejection> {
    if map.len() > MAX_LABELS {
        return Err(too_many_labels(index));
    }
    map.iter()
        .map(|(key, value)| {
            // The key's rule is reported before the value's type, as for a string value.
            label(key, value.as_str().unwrap_or_default())?;
            let text = value
                .as_str()
                .ok_or_else(|| format!("label `{key}` must be a string"))?;
            Ok((key.clone(), text.to_owned()))
        })
        .collect::<Result<_, String>>()
        .map_err(|message| Rejection::new(index, RejectReason::InvalidLabels, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    fn parse(body: &str) -> Result<ParsedBatch, BatchError> {
        parse_batch(body.as_bytes(), BodyFormat::Json, &IngestLimits::default(), now())
    }

    fn reasons(batch: &ParsedBatch) -> Vec<(usize, &'static str)> {
        batch.rejected.iter().map(|r| (r.index, r.reason.code())).collect()
    }

    #[test]
    fn accepts_both_json_shapes_and_both_timestamp_forms() {
        let body = r#"{"points":[
            {"metric":"cpu.load","value":1.5,"ts":"2026-11-21T11:59:00Z","labels":{"host":"a"}},
            {"metric":"cpu.load","value":2,"ts":1795262340000},
            {"metric":"cpu.load","value":-3.25}
        ]}"#;
        let batch = parse(body).expect("valid batch");
        assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
        assert_eq!(batch.points.len(), 3);
        assert_eq!(batch.points[0].labels.get("host").map(String::as_str), Some("a"));
        assert_eq!(batch.points[1].ts.timestamp_millis(), 1_795_262_340_000);
        assert_eq!(batch.points[2].ts, now(), "ts defaults to now");
        let array = parse(r#"[{"metric":"x","value":1}]"#).expect("bare array");
        assert_eq!(array.points.len(), 1);
    }

    #[test]
    fn a_label_text_repeated_in_a_batch_is_read_once_and_shared() {
        let body = r#"[
            {"metric":"x","value":1,"labels":{"host":"a","region":"eu"}},
            {"metric":"x","value":2,"labels":{"host":"a","region":"eu"}},
            {"metric":"x","value":3,"labels":{"region":"eu","host":"a"}},
            {"metric":"x","value":4,"labels":{"host":"bad key"}},
            {"metric":"x","value":5,"labels":{"bad-key":"v"}},
            {"metric":"x","value":6,"labels":{"bad-key":"v"}}
        ]"#;
        let batch = parse(body).expect("valid batch");
        let points = &batch.points;
        assert_eq!(points.len(), 4, "{:?}", batch.rejected);
        assert!(Arc::ptr_eq(&points[0].labels, &points[1].labels), "one text, one set");
        assert_eq!(points[0].labels, points[2].labels, "another order is the same set");
        assert_eq!(points[3].labels.get("host").map(String::as_str), Some("bad key"));
        assert_eq!(reasons(&batch), vec![(4, "invalid_labels"), (5, "invalid_labels")]);
    }

    #[test]
    fn each_bad_point_is_listed_with_its_index_and_reason() {
        let body = r#"[
            {"metric":"ok","value":1},
            {"metric":"Bad Name","value":1},
            {"value":1},
            {"metric":"x"},
            {"metric":"x","value":"12"},
            {"metric":"x","value":1,"ts":"yesterday"},
            {"metric":"x","value":1,"ts":"2026-11-01T00:00:00Z"},
            {"metric":"x","value":1,"ts":"2026-11-21T12:30:00Z"},
            {"metric":"x","value":1,"labels":{"bad-key":"v"}},
            {"metric":"x","value":1,"labels":{"k":5}},
            {"metric":"x","value":1,"valeu":2},
            7,
            {"metric":"ok","value":2}
        ]"#;
        let batch = parse(body).expect("valid JSON");
        assert_eq!(batch.points.iter().map(|p| p.index).collect::<Vec<_>>(), vec![0, 12]);
        assert_eq!(
            reasons(&batch),
            vec![
                (1, "invalid_metric_name"),
                (2, "missing_metric"),
                (3, "missing_value"),
                (4, "invalid_value"),
                (5, "invalid_timestamp"),
                (6, "timestamp_too_old"),
                (7, "timestamp_in_future"),
                (8, "invalid_labels"),
                (9, "invalid_labels"),
                (10, "unknown_field"),
                (11, "not_an_object"),
            ]
        );
    }

    #[test]
    fn syntax_errors_report_their_position() {
        let error = parse("[\n  {\"metric\": \"x\", \"value\": 1,}\n]").expect_err("trailing comma");
        match error {
            BatchError::InvalidJson { line, column, .. } => assert_eq!((line, column), (2, 30)),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            parse(r#"{"metric":"x"}"#).expect_err("object"),
            BatchError::InvalidShape
        );
        assert_eq!(parse("[]").expect_err("empty"), BatchError::Empty);
    }

    #[test]
    fn too_many_points_is_refused_whole() {
        let limits = IngestLimits {
            max_points: 2,
            ..IngestLimits::default()
        };
        let body = r#"[{"metric":"x","value":1},{"metric":"x","value":1},{"metric":"x","value":1}]"#;
        let error = parse_batch(body.as_bytes(), BodyFormat::Json, &limits, now()).expect_err("3 > 2");
        assert_eq!(error, BatchError::TooManyPoints { max: 2, got: 3 });
    }

    #[test]
    fn ndjson_refuses_only_the_malformed_line() {
        let body = "{\"metric\":\"x\",\"value\":1}\n\n{oops\n{\"metric\":\"x\",\"value\":3}\n";
        let batch = parse_batch(body.as_bytes(), BodyFormat::NdJson, &IngestLimits::default(), now()).expect("ok");
        assert_eq!(batch.points.len(), 2);
        assert_eq!(reasons(&batch), vec![(1, "invalid_json")]);
        assert!(
            batch.rejected[0].message.starts_with("line 3"),
            "{}",
            batch.rejected[0].message
        );
        assert_eq!(
            BodyFormat::from_content_type(Some("application/x-ndjson; charset=utf-8")),
            BodyFormat::NdJson
        );
        assert_eq!(
            BodyFormat::from_content_type(Some("application/json")),
            BodyFormat::Json
        );
    }

    /// Reads a JSON body the slow way only, for comparison with `parse_batch`.
    fn parse_as_values(body: &str) -> ParsedBatch {
        let items = json_items(body.as_bytes()).expect("valid JSON");
        collect(
            items
                .into_iter()
                .enumerate()
                .map(|(index, value)| validate_point(index, value, &IngestLimits::default(), now())),
        )
    }

    #[test]
    fn well_typed_points_are_judged_alike_by_both_readings() {
        let many_labels: serde_json::Map<String, Value> = (0..17)
            .map(|i| (format!("k{i:02}"), Value::String("v".into())))
            .collect();
        let body = serde_json::json!({"points": [
            {"metric": "ok", "value": 1, "ts": "2026-11-21T11:59:00Z", "labels": {"host": "a", "region": "eu"}},
            {"metric": "Bad Name", "value": 1},
            {"metric": "x", "value": 1, "ts": "yesterday"},
            {"metric": "x", "value": 1, "ts": 1_700_000_000_000i64},
            {"metric": "x", "value": 1, "ts": "2026-11-21T12:30:00Z"},
            {"metric": "x", "value": 1, "labels": {"bad-key": "v"}},
            {"metric": "x", "value": 1, "labels": {"k": "v".repeat(129)}},
            {"metric": "x", "value": 1, "labels": many_labels},
            {"value": 2},
            {"metric": null, "value": 2},
            {"metric": "x", "value": null},
            {"metric": "x", "value": 2, "ts": null, "labels": null},
            {"metric": "x", "value": 1e300, "ts": 1_795_262_340_000i64, "labels": {"é": "ü"}},
        ]})
        .to_string();
        assert!(typed_items(body.as_bytes()).is_some(), "every point is well typed");
        let typed = parse(&body).expect("valid");
        let slow = parse_as_values(&body);
        assert_eq!(typed.points, slow.points);
        assert_eq!(typed.rejected, slow.rejected);
        assert_eq!(typed.points.iter().map(|p| p.index).collect::<Vec<_>>(), vec![0, 11]);
        assert_eq!(
            reasons(&typed),
            vec![
                (1, "invalid_metric_name"),
                (2, "invalid_timestamp"),
                (3, "timestamp_too_old"),
                (4, "timestamp_in_future"),
                (5, "invalid_labels"),
                (6, "invalid_labels"),
                (7, "invalid_labels"),
                (8, "missing_metric"),
                (9, "missing_metric"),
                (10, "missing_value"),
                (12, "invalid_labels"),
            ]
        );
    }

    #[test]
    fn a_body_the_typed_reading_refuses_is_read_as_values() {
        for body in [
            r#"[{"metric":"x","value":"12"}]"#,
            r#"[{"metric":"x","value":1,"valeu":2}]"#,
            r#"[{"metric":"x","value":1,"ts":1.5}]"#,
            r#"[{"metric":"x","value":1,"value":2}]"#,
            r#"{"points":[{"metric":"x","value":1}],"extra":1}"#,
        ] {
            assert!(typed_items(body.as_bytes()).is_none(), "{body}");
        }
        let duplicate = parse(r#"[{"metric":"x","value":1,"value":2}]"#).expect("valid JSON");
        assert_eq!(duplicate.points[0].value, 2.0, "the last duplicate wins, as before");
    }
}
