//! A list's substring search in two steps: gather the matching ids through the trigram indexes,
//! then page over those ids in the list's order.
//!
//! Left to itself, PostgreSQL answers `name ILIKE '%farouk%' ORDER BY name LIMIT 101` by walking
//! the name index and testing every row, or by a sequential scan: it prices the `pg_trgm` bitmap
//! scan above both. At 100,000 users that walk took 30–175 ms (175 ms for a name that sorts
//! last, whose matches sit at the end of the index), the bitmap scan 10–30 ms. So the gathering
//! statement is planned with plain index and sequential scans switched off for it alone, which
//! leaves the trigram bitmap scans (or, for a term too short for trigrams, a bitmap over the
//! tenant's index), and stops one past [`GATHER_CAP`]. Up to that many matches are then read by
//! id and sorted; more is a common term, whose matches the ordered index walk meets early. A term
//! without three letters or digits in a row has no trigram to look up, and goes straight to the
//! walk with a capped count.
//!
//! Under row-level security the trigram index is usable only because ILIKE's function is marked
//! leakproof (migration `search_leakproof`); without the mark this still returns the same rows.

use super::keyset::{COUNT_CAP, capped_count};
use crate::paging::Total;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

/// Most ids a search gathers to read by id and sort. At 100,000 users, 4,000 matches gathered
/// and sorted took 30 ms where walking the name index to them took 137 ms; beyond this many the
/// matches are dense enough for the walk.
pub const GATHER_CAP: i64 = 5_000;

/// What a search matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matches {
    /// No more than [`GATHER_CAP`]: every matching id.
    Few(Vec<Uuid>),
    /// More than [`GATHER_CAP`].
    Many,
    /// Not gathered (a term without trigrams): counted up to [`COUNT_CAP`] by the walk.
    Counted(Total),
}

impl Matches {
    /// The list's total: exact up to [`COUNT_CAP`], "1,000+" beyond, as every capped count.
    pub fn total(&self) -> Total {
        match self {
            Matches::Few(ids) if ids.len() as i64 <= COUNT_CAP => Total::Exact(ids.len() as u64),
            Matches::Few(_) | Matches::Many => Total::AtLeast(COUNT_CAP as u64),
            Matches::Counted(total) => *total,
        }
    }

    /// ` AND id = ANY(…)` when the matches are few, so the page reads them by id; nothing
    /// otherwise. The search condition itself stays in the statement (rows may have changed
    /// since the ids were gathered).
    pub fn push_ids(&self, qb: &mut QueryBuilder<'_, Postgres>, id: &str) {
        if let Matches::Few(ids) = self {
            qb.push(format_args!(" AND {id} = ANY("))
                .push_bind(ids.clone())
                .push(")");
        }
    }
}

/// Runs `statement` planned with bitmap scans only, restoring the two settings afterwards (they
/// are transaction-local, so an error that ends the transaction restores them too).
async fn with_bitmap_scans<T>(
    conn: &mut PgConnection,
    statement: impl AsyncFnOnce(&mut PgConnection) -> Result<T, sqlx::Error>,
) -> Result<T, sqlx::Error> {
    let (seqscan, indexscan): (String, String) = sqlx::query_as(
        "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), \
                set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)",
    )
    .fetch_one(&mut *conn)
    .await
    .map(|(seqscan, indexscan, _, _): (String, String, String, String)| (seqscan, indexscan))?;
    let result = statement(&mut *conn).await;
    sqlx::query("SELECT set_config('enable_seqscan', $1, true), set_config('enable_indexscan', $2, true)")
        .bind(seqscan)
        .bind(indexscan)
        .execute(&mut *conn)
        .await?;
    result
}

/// Whether `text` holds a trigram `pg_trgm` can look up: three letters or digits in a row.
pub fn has_trigram(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_alphanumeric() { run + 1 } else { 0 };
        if run >= 3 {
            return true;
        }
    }
    false
}

/// The gathering statement: up to one past the cap of `id` from `from` (a table and its alias)
/// passing the `WHERE …` that `filter` appends (which holds the search).
fn push_gather(
    qb: &mut QueryBuilder<'_, Postgres>,
    from: &str,
    id: &str,
    filter: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
) {
    qb.push(format_args!("SELECT {id} AS id FROM {from}"));
    filter(qb);
    qb.push(" LIMIT ").push_bind(GATHER_CAP + 1);
}

/// What the search for `text` matches: gathered through the trigram indexes when the term has a
/// trigram, else counted (capped) as the walk will find them.
pub async fn gather(
    conn: &mut PgConnection,
    from: &str,
    id: &str,
    text: &str,
    filter: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
) -> Result<Matches, sqlx::Error> {
    if !has_trigram(text) {
        return Ok(Matches::Counted(capped_count(conn, from, filter).await?));
    }
    let mut qb = QueryBuilder::new("SELECT coalesce(array_agg(id), '{}') FROM (");
    push_gather(&mut qb, from, id, filter);
    qb.push(") matched");
    let ids: Vec<Uuid> = with_bitmap_scans(conn, async |conn| qb.build_query_scalar().fetch_one(conn).await).await?;
    Ok(if ids.len() as i64 > GATHER_CAP {
        Matches::Many
    } else {
        Matches::Few(ids)
    })
}

/// PostgreSQL's plan (JSON) for [`gather`]'s statement, planned as `gather` plans it.
pub async fn explain_gather(
    conn: &mut PgConnection,
    from: &str,
    id: &str,
    filter: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
) -> Result<String, sqlx::Error> {
    let mut qb = QueryBuilder::new("EXPLAIN (FORMAT JSON) ");
    push_gather(&mut qb, from, id, filter);
    let plan: serde_json::Value =
        with_bitmap_scans(conn, async |conn| qb.build_query_scalar().fetch_one(conn).await).await?;
    Ok(plan.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_has_a_trigram_with_three_letters_or_digits_in_a_row() {
        for term in ["wei", "Zoë", "user12", "a.b farouk", "123"] {
            assert!(has_trigram(term), "{term}");
        }
        for term in ["", "a", "ab", "ab c", "a.b.c", "%_%", "é-é"] {
            assert!(!has_trigram(term), "{term}");
        }
    }

    #[test]
    fn totals_are_exact_up_to_the_count_cap() {
        assert_eq!(Matches::Few(vec![Uuid::nil(); 3]).total(), Total::Exact(3));
        assert_eq!(Matches::Few(vec![Uuid::nil(); 1_001]).total(), Total::AtLeast(1_000));
        assert_eq!(Matches::Many.total(), Total::AtLeast(1_000));
        assert_eq!(Matches::Counted(Total::Exact(7)).total(), Total::Exact(7));
    }
}
