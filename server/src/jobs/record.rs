//! The `job_leaders` table: what a leader records of its leadership and its passes, and what
//! `GET /api/v1/system/jobs` reads back. Platform data: written in the platform scope as a system
//! task, read only after a `system:monitor` check.

use super::Job;
use super::leader::{JOBS_LOCK_SPACE, lock_key};
use atrium_app::db::{Db, PlatformGuard, PlatformTx};
use chrono::{DateTime, Utc};

/// The longest summary or error kept; the log has the whole text.
const MAX_TEXT: usize = 500;

/// Records that `replica` now leads `job` and returns its term (one more than the last leader's).
pub async fn insert_leadership(db: &Db, job: Job, replica: &str) -> Result<i64, sqlx::Error> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let term = sqlx::query_scalar!(
        r#"INSERT INTO job_leaders (job, leader_replica, leader_since, term)
           VALUES ($1, $2, now(), 1)
           ON CONFLICT (job) DO UPDATE
              SET leader_replica = excluded.leader_replica,
                  leader_since = excluded.leader_since,
                  term = job_leaders.term + 1
           RETURNING term"#,
        job.name(),
        replica
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(term)
}

/// Stamps the start of a pass; `false` when the record names another term (someone else took
/// over since), in which case nothing is written.
pub async fn update_pass_started(db: &Db, job: Job, term: i64) -> Result<bool, sqlx::Error> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let updated = sqlx::query!(
        "UPDATE job_leaders SET last_pass_started_at = now() WHERE job = $1 AND term = $2",
        job.name(),
        term
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(updated == 1)
}

/// Stamps the end of a pass with its outcome: the summary, or the error text.
pub async fn update_pass_finished(
    db: &Db,
    job: Job,
    term: i64,
    outcome: &Result<String, String>,
) -> Result<(), sqlx::Error> {
    let (label, summary, error) = match outcome {
        Ok(summary) => ("ok", Some(one_line(summary)), None),
        Err(error) => ("error", None, Some(one_line(error))),
    };
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    sqlx::query!(
        "UPDATE job_leaders
            SET last_pass_finished_at = now(), last_outcome = $3, last_summary = $4, last_error = $5,
                pass_count = pass_count + 1
          WHERE job = $1 AND term = $2",
        job.name(),
        term,
        label,
        summary,
        error
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// One job's row.
#[derive(Debug, Clone)]
pub struct JobLeaderRow {
    pub job: String,
    pub leader_replica: String,
    pub leader_since: DateTime<Utc>,
    pub term: i64,
    pub pass_count: i64,
    pub last_pass_started_at: Option<DateTime<Utc>>,
    pub last_pass_finished_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<String>,
    pub last_summary: Option<String>,
    pub last_error: Option<String>,
}

/// Every job's row (jobs never led have none).
pub async fn select_job_leaders(tx: &mut PlatformTx) -> Result<Vec<JobLeaderRow>, sqlx::Error> {
    sqlx::query_as!(
        JobLeaderRow,
        "SELECT job, leader_replica, leader_since, term, pass_count, last_pass_started_at,
                last_pass_finished_at, last_outcome, last_summary, last_error
           FROM job_leaders ORDER BY job"
    )
    .fetch_all(&mut **tx)
    .await
}

/// The jobs whose advisory lock some session of this database holds right now, i.e. that are
/// led at this moment (the record alone cannot tell a live leader from a dead one).
pub async fn select_held_job_locks(tx: &mut PlatformTx) -> Result<Vec<Job>, sqlx::Error> {
    let held = sqlx::query_scalar!(
        r#"SELECT objid::bigint AS "objid!" FROM pg_locks
           WHERE locktype = 'advisory' AND granted AND objsubid = 2
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND classid = $1::int4::oid"#,
        JOBS_LOCK_SPACE
    )
    .fetch_all(&mut **tx)
    .await?;
    // pg_locks shows the int4 key as an unsigned oid.
    Ok(Job::ALL
        .into_iter()
        .filter(|job| held.contains(&i64::from(lock_key(*job).1.cast_unsigned())))
        .collect())
}

/// `text` on one line (newlines of multi-line errors become "; ") and at most `MAX_TEXT`
/// characters.
fn one_line(text: &str) -> String {
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match joined.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_kept_to_one_short_line() {
        assert_eq!(one_line("ok"), "ok");
        assert_eq!(one_line("a\n  b\n\nc "), "a; b; c");
        let long = "é".repeat(MAX_TEXT + 10);
        let cut = one_line(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT + 1);
        assert!(cut.ends_with('…'));
    }
}
