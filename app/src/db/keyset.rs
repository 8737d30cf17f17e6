//! Keyset paging over a closed set of sort orders: the ORDER BY, the "rows behind this cursor"
//! condition and the neighbouring pages' cursors, so that any page of a list is one ordered
//! range of an index, however deep it is and however large the tenant.

use crate::paging::{Cursor, ListQuery, Page, SortDir, Total};
use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// How a sort key travels in a cursor and is compared in SQL.
#[derive(Debug, Clone, Copy)]
pub enum KeyKind {
    /// A text column (already in the form that sorts, e.g. the stored `lower(name)`).
    Text,
    /// A `timestamptz` column that is never NULL (`'-infinity'` stands in for "never").
    Time,
    /// An `integer` column (a stored rank).
    Int,
}

/// One sort key: a column of the query's own aliases (from code, never from input). It must be
/// a plain column, not an expression: under row-level security PostgreSQL uses a condition as
/// an index condition only when every function in it is leakproof, which `lower()`, `coalesce`
/// and enum comparisons are not; such keys are stored as generated columns instead.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub expr: &'static str,
    pub kind: KeyKind,
}

impl Key {
    pub const fn text(expr: &'static str) -> Key {
        Key {
            expr,
            kind: KeyKind::Text,
        }
    }

    pub const fn time(expr: &'static str) -> Key {
        Key {
            expr,
            kind: KeyKind::Time,
        }
    }

    pub const fn int(expr: &'static str) -> Key {
        Key {
            expr,
            kind: KeyKind::Int,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum IdKind {
    Uuid,
    BigInt,
}

/// A sort order: its keys, then the unique id that breaks ties. Each order has an index on
/// exactly these expressions (led by `tenant_id` for a tenant's list) that answers it in order.
#[derive(Debug)]
pub struct Order {
    pub keys: &'static [Key],
    pub id: &'static str,
    pub id_kind: IdKind,
}

/// A cursor value parsed into the type its key compares as.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Time(Option<DateTime<Utc>>),
    Int(i32),
    Uuid(Uuid),
    BigInt(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    After,
    Before,
}

/// One page request resolved against an order: direction, the parsed cursor, page size.
#[derive(Debug)]
pub struct Window {
    order: &'static Order,
    dir: SortDir,
    bound: Option<(Side, Vec<Value>)>,
    per_page: u32,
    page: u32,
}

/// The text form PostgreSQL gives a `timestamptz` under sqlx's `TimeZone=UTC`
/// (`2026-12-05 16:40:01.123456+00`), or `-infinity` for the NULL stand-in.
fn parse_time(text: &str) -> Option<Option<DateTime<Utc>>> {
    if text == "-infinity" {
        return Some(None);
    }
    let naive = text.strip_suffix("+00")?;
    NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| Some(t.and_utc()))
}

impl Order {
    /// Sorted by `keys`, ties broken by the uuid column `id`.
    pub const fn by_uuid(id: &'static str, keys: &'static [Key]) -> Order {
        Order {
            keys,
            id,
            id_kind: IdKind::Uuid,
        }
    }

    /// Parses a cursor's parts into typed values; anything malformed yields `None` (first page).
    fn parse(&self, cursor: &Cursor) -> Option<Vec<Value>> {
        if cursor.keys.len() != self.keys.len() {
            return None;
        }
        let mut values = Vec::with_capacity(self.keys.len() + 1);
        for (key, raw) in self.keys.iter().zip(&cursor.keys) {
            values.push(match key.kind {
                KeyKind::Text => Value::Text(raw.clone()),
                KeyKind::Time => Value::Time(parse_time(raw)?),
                KeyKind::Int => Value::Int(raw.parse().ok()?),
            });
        }
        values.push(match self.id_kind {
            IdKind::Uuid => Value::Uuid(Uuid::parse_str(&cursor.id).ok()?),
            IdKind::BigInt => Value::BigInt(cursor.id.parse().ok()?),
        });
        Some(values)
    }

    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.keys.iter().map(|key| key.expr).chain(std::iter::once(self.id))
    }
}

impl Window {
    pub fn new(order: &'static Order, dir: SortDir, query: &ListQuery) -> Self {
        Self::from_parts(
            order,
            dir,
            [query.after.as_deref(), query.before.as_deref()],
            query.page,
            query.per_page,
        )
    }

    /// From the parts of a list request: the `[after, before]` cursors as they came, the page's
    /// number and its size.
    pub fn from_parts(
        order: &'static Order,
        dir: SortDir,
        [after, before]: [Option<&str>; 2],
        page: u32,
        per_page: u32,
    ) -> Self {
        let parsed = |raw: Option<&str>| raw.and_then(Cursor::decode).and_then(|c| order.parse(&c));
        let bound = match (parsed(after), parsed(before)) {
            (Some(values), _) => Some((Side::After, values)),
            (None, Some(values)) => Some((Side::Before, values)),
            (None, None) => None,
        };
        Self {
            order,
            dir,
            page: if bound.is_some() { page.max(2) } else { 1 },
            bound,
            per_page,
        }
    }

    /// Whether rows are read in the order shown (else read backwards, then reversed).
    fn forward(&self) -> bool {
        let before = matches!(self.bound, Some((Side::Before, _)));
        (self.dir == SortDir::Asc) != before
    }

    /// `, (key)::text AS keyset_0, …, (id)::text AS keyset_id` for the select list: the row's
    /// sort values exactly as PostgreSQL compares them, for its cursor.
    pub fn push_select(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        for (i, key) in self.order.keys.iter().enumerate() {
            qb.push(format_args!(", ({})::text AS keyset_{i}", key.expr));
        }
        qb.push(format_args!(", ({})::text AS keyset_id", self.order.id));
    }

    /// ` AND (keys…, id) > (cursor…)` (or `<`), when the page starts at a cursor. A row
    /// comparison on an index's columns is an index condition, so the scan starts right there.
    pub fn push_condition(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        let Some((_, values)) = &self.bound else { return };
        qb.push(" AND (");
        qb.push(self.order.columns().collect::<Vec<_>>().join(", "));
        qb.push(if self.forward() { ") > (" } else { ") < (" });
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            match value.clone() {
                Value::Text(text) => {
                    qb.push_bind(text);
                }
                Value::Time(Some(time)) => {
                    qb.push_bind(time);
                }
                Value::Time(None) => {
                    qb.push("'-infinity'::timestamptz");
                }
                Value::Int(rank) => {
                    qb.push_bind(rank);
                }
                Value::Uuid(id) => {
                    qb.push_bind(id);
                }
                Value::BigInt(id) => {
                    qb.push_bind(id);
                }
            }
        }
        qb.push(")");
    }

    /// ` ORDER BY keys…, id LIMIT per_page + 1` (one extra row tells whether another page follows).
    pub fn push_order(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        let dir = if self.forward() { "ASC" } else { "DESC" };
        let order: Vec<String> = self.order.columns().map(|column| format!("{column} {dir}")).collect();
        qb.push(" ORDER BY ").push(order.join(", "));
        qb.push(" LIMIT ").push_bind(i64::from(self.per_page) + 1);
    }

    /// The page from the rows the query returned, with the neighbouring pages' cursors.
    pub fn finish<T>(
        &self,
        mut rows: Vec<PgRow>,
        total: Total,
        map: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
    ) -> Result<Page<T>, sqlx::Error> {
        let more = rows.len() > self.per_page as usize;
        rows.truncate(self.per_page as usize);
        let before = matches!(self.bound, Some((Side::Before, _)));
        if before {
            rows.reverse();
        }
        let cursor = |row: &PgRow| -> Result<String, sqlx::Error> {
            let keys = (0..self.order.keys.len())
                .map(|i| row.try_get::<String, _>(format!("keyset_{i}").as_str()))
                .collect::<Result<Vec<_>, _>>()?;
            let id = row.try_get::<String, _>("keyset_id")?;
            Ok(Cursor { id, keys }.encode())
        };
        // Reading forward, another page follows when the extra row came; one precedes whenever
        // this page started at a cursor. Reading backward it is the other way round.
        let (has_prev, has_next) = match self.bound {
            None => (false, more),
            Some((Side::After, _)) => (true, more),
            Some((Side::Before, _)) => (more, true),
        };
        let prev = match rows.first() {
            Some(row) if has_prev => Some(cursor(row)?),
            _ => None,
        };
        let next = match rows.last() {
            Some(row) if has_next => Some(cursor(row)?),
            _ => None,
        };
        let items = rows.iter().map(map).collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            total,
            page: if prev.is_some() { self.page } else { 1 },
            per_page: self.per_page,
            prev,
            next,
        })
    }
}

/// Counting stops at this many rows: past it a list shows "1,000+". Counting up to the cap
/// costs about 0.2 ms; counting 10,000 rows costs 6 ms, more than the whole page.
pub const COUNT_CAP: i64 = 1_000;

/// A count capped at [`COUNT_CAP`] from a capped `count(*)` query's result.
pub fn capped(count: i64) -> Total {
    let count = u64::try_from(count).unwrap_or(0);
    if count > COUNT_CAP as u64 {
        Total::AtLeast(COUNT_CAP as u64)
    } else {
        Total::Exact(count)
    }
}

/// ` AND (a ILIKE $p OR b ILIKE $p …)` over `columns` when `text` is not empty: a list's search,
/// its wildcards literal.
pub fn push_search(qb: &mut QueryBuilder<'_, Postgres>, text: &str, columns: &[&str]) {
    if text.is_empty() {
        return;
    }
    let pattern = crate::paging::like_pattern(text);
    qb.push(" AND (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push(format_args!("{column} ILIKE ")).push_bind(pattern.clone());
    }
    qb.push(")");
}

/// How many rows of `from` (a table and its alias) pass the `WHERE …` that `filter` appends,
/// counted no further than one past [`COUNT_CAP`].
pub async fn capped_count(
    conn: &mut sqlx::PgConnection,
    from: &str,
    filter: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
) -> Result<Total, sqlx::Error> {
    let mut count = QueryBuilder::new(format!("SELECT count(*) FROM (SELECT 1 FROM {from}"));
    filter(&mut count);
    count.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") matched");
    Ok(capped(count.build_query_scalar().fetch_one(conn).await?))
}

/// PostgreSQL's plan (JSON) for the statement `statement` appends: how a list's tests (and
/// anyone asking why a list is slow) see that each order and cursor is one index range.
pub async fn explain(
    conn: &mut sqlx::PgConnection,
    statement: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
) -> Result<String, sqlx::Error> {
    let mut explain = QueryBuilder::new("EXPLAIN (FORMAT JSON) ");
    statement(&mut explain);
    let plan: serde_json::Value = explain.build_query_scalar().fetch_one(conn).await?;
    Ok(plan.to_string())
}

/// The total of a platform-wide list without a filter: counted exactly up to the cap, beyond
/// it PostgreSQL's own estimate of the table's rows (kept by autovacuum's ANALYZE), which the
/// platform scope may see since it sees every row. Never for a tenant's list: the estimate
/// counts every tenant's rows.
pub async fn platform_total(conn: &mut sqlx::PgConnection, table: PlatformTable) -> Result<Total, sqlx::Error> {
    let table = table.name();
    // Both in one statement: the estimate is one catalogue row, and a second statement would be
    // a second round trip on every page of the list.
    let (counted, estimate): (i64, f32) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT $1) rows), \
                (SELECT reltuples FROM pg_class WHERE oid = $2::regclass)"
    ))
    .bind(COUNT_CAP + 1)
    .bind(table)
    .fetch_one(&mut *conn)
    .await?;
    if counted <= COUNT_CAP {
        return Ok(Total::Exact(u64::try_from(counted).unwrap_or(0)));
    }
    // Never below what was just counted (the statistics may predate the latest rows).
    Ok(Total::About((estimate.max(0.0) as u64).max(COUNT_CAP as u64 + 1)))
}

/// The tables a platform-wide list may estimate (a closed set: the name is spliced into SQL).
#[derive(Debug, Clone, Copy)]
pub enum PlatformTable {
    Users,
    Tenants,
    AuditEvents,
}

impl PlatformTable {
    fn name(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Tenants => "tenants",
            Self::AuditEvents => "audit_events",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ORDER: Order = Order {
        keys: &[
            Key {
                expr: "u.role_key",
                kind: KeyKind::Text,
            },
            Key {
                expr: "u.login_key",
                kind: KeyKind::Time,
            },
        ],
        id: "u.user_id",
        id_kind: IdKind::Uuid,
    };

    fn query(after: Option<&str>, before: Option<&str>, dir: SortDir) -> Window {
        let list = ListQuery {
            after: after.map(str::to_owned),
            before: before.map(str::to_owned),
            page: 3,
            ..ListQuery::default()
        };
        Window::new(&ORDER, dir, &list)
    }

    fn sql(window: &Window) -> String {
        let mut qb = QueryBuilder::new("SELECT 1 FROM users u WHERE true");
        window.push_condition(&mut qb);
        window.push_order(&mut qb);
        qb.sql().to_owned()
    }

    const ID: &str = "0b6f6c2e-8f4e-4a55-9d8e-1d2b3c4d5e6f";

    #[test]
    fn a_cursor_is_parsed_into_typed_values_or_ignored() {
        let good = Cursor {
            id: ID.into(),
            keys: vec!["4".into(), "2026-12-05 16:40:01.5+00".into()],
        };
        assert!(query(Some(&good.encode()), None, SortDir::Asc).bound.is_some());
        let never = Cursor {
            id: ID.into(),
            keys: vec!["1".into(), "-infinity".into()],
        };
        assert!(query(Some(&never.encode()), None, SortDir::Asc).bound.is_some());
        for bad in [
            Cursor {
                id: "not-a-uuid".into(),
                keys: vec!["4".into(), "-infinity".into()],
            },
            Cursor {
                id: ID.into(),
                keys: vec!["4".into(), "yesterday".into()],
            },
            Cursor {
                id: ID.into(),
                keys: vec!["4".into()],
            },
        ] {
            let window = query(Some(&bad.encode()), None, SortDir::Asc);
            assert!(window.bound.is_none(), "{bad:?}");
            assert_eq!(window.page, 1);
        }
    }

    #[test]
    fn direction_and_side_choose_the_comparison_and_the_scan() {
        let cursor = Cursor {
            id: ID.into(),
            keys: vec!["4".into(), "-infinity".into()],
        }
        .encode();
        let after_asc = sql(&query(Some(&cursor), None, SortDir::Asc));
        assert!(after_asc.contains(
            "AND (u.role_key, u.login_key, u.user_id) > ($1, '-infinity'::timestamptz, $2) \
             ORDER BY u.role_key ASC, u.login_key ASC, u.user_id ASC LIMIT $3"
        ));
        let before_asc = sql(&query(None, Some(&cursor), SortDir::Asc));
        assert!(before_asc.contains(") < (") && before_asc.contains("u.user_id DESC LIMIT"));
        let after_desc = sql(&query(Some(&cursor), None, SortDir::Desc));
        assert!(after_desc.contains(") < (") && after_desc.contains("u.user_id DESC LIMIT"));
        let before_desc = sql(&query(None, Some(&cursor), SortDir::Desc));
        assert!(before_desc.contains(") > (") && before_desc.contains("u.user_id ASC LIMIT"));
        let first = sql(&query(None, None, SortDir::Asc));
        assert!(!first.contains(" AND ("));
    }

    #[test]
    fn counts_stop_at_the_cap() {
        assert_eq!(capped(12), Total::Exact(12));
        assert_eq!(capped(COUNT_CAP), Total::Exact(1_000));
        assert_eq!(capped(COUNT_CAP + 1), Total::AtLeast(1_000));
    }

    #[test]
    fn postgres_timestamps_parse() {
        assert_eq!(parse_time("-infinity"), Some(None));
        let parsed = parse_time("2026-12-05 16:40:01.123456+00").flatten().expect("parsed");
        assert_eq!(parsed.to_rfc3339(), "2026-12-05T16:40:01.123456+00:00");
        assert_eq!(parse_time("2026-12-05 16:40:01"), None);
        assert_eq!(
            parse_time("2026-12-05 16:40:01+00")
                .flatten()
                .expect("parsed")
                .timestamp(),
            1_796_488_801
        );
    }
}
