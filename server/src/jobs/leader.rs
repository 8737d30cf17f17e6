//! Leadership of the periodic jobs: one replica at a time runs a job's passes, elected by a
//! PostgreSQL session-level advisory lock that the leader holds across ticks.
//!
//! Every replica runs `led` for every job. Each loop keeps a connection of its own
//! (`db::detached_connection`: it never goes back to the pool, so a lock can never leak into
//! another request's connection) and at every tick
//! - as a follower tries `pg_try_advisory_lock` on it. Whoever gets it leads, and keeps it until
//!   that connection closes;
//! - as the leader first checks that its connection is alive and still holds the lock, then runs
//!   the pass, checking again every `check_period` (the interval, at most 5 s) while the pass runs.
//!   A lost lock cancels the pass and makes the loop a follower, which contends again (on a new
//!   connection) a full interval later.
//!
//! When a leader's process dies its connections close and PostgreSQL releases the lock, so a
//! follower takes over at its next tick: within one interval. On shutdown (`StopJobs::stop`) a
//! leader cancels its pass and closes its connection at once instead of when the process ends.
//!
//! What this does not give: if only the leader's lock connection is cut (the process lives on),
//! its pass may run for up to one check period after PostgreSQL freed the lock for a successor.
//! Passes are therefore idempotent and safe to overlap (audit pruning locks each chain, analytics
//! maintenance was written to run on every replica); the lock removes the duplicate work, not a
//! correctness hazard. A silent network partition is noticed only as fast as TCP notices it (the
//! lock check times out after 10 s; PostgreSQL's side depends on its `tcp_keepalives_*`).
//!
//! Lock keys: the two-`int4` form of advisory locks, `(JOBS_LOCK_SPACE, FNV-1a-32(job name))`.
//! PostgreSQL keeps two-key locks apart from one-`bigint`-key locks (`pg_locks.objsubid` 2 vs 1),
//! and every other advisory lock in Atrium takes one bigint (API key quotas, partition creation),
//! so no job can collide with them; `JOBS_LOCK_SPACE` sets jobs apart from any other
//! two-key user, and a test pins the keys and checks they differ. Renaming a job changes its key:
//! during a rolling deploy old and new replicas would both lead it, so job names never change.

use super::{Job, record};
use atrium_app::db::{Db, detached_connection};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// First key of every job lock: "jobs" in ASCII.
pub const JOBS_LOCK_SPACE: i32 = 0x6a6f_6273;

/// How long a lock query may take before its connection counts as dead.
const DB_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a leader runs a pass without checking that it still holds the lock.
const MAX_CHECK_PERIOD: Duration = Duration::from_secs(5);

/// A job's advisory lock key, for `pg_try_advisory_lock(int4, int4)`.
pub const fn lock_key(job: Job) -> (i32, i32) {
    (JOBS_LOCK_SPACE, fnv1a_32(job.name().as_bytes()).cast_signed())
}

/// FNV-1a, 32 bits: tiny, stable across Rust versions and platforms (unlike `std::hash`).
const fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

/// This process in the election: its id (in logs and `job_leaders`) and the signal that stops
/// all its led loops.
#[derive(Debug, Clone)]
pub struct Replica {
    id: Arc<str>,
    stop: watch::Receiver<bool>,
}

/// Stops every led loop of a `Replica`: each cancels its pass, and a leader closes its lock
/// connection so that another replica takes over at its next tick. Dropping it stops nothing.
#[derive(Debug)]
pub struct StopJobs(watch::Sender<bool>);

impl Replica {
    pub fn new(id: impl Into<Arc<str>>) -> (Self, StopJobs) {
        let (stop, stopped) = watch::channel(false);
        (
            Self {
                id: id.into(),
                stop: stopped,
            },
            StopJobs(stop),
        )
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Resolves once `StopJobs::stop` has been called (never if the handle was dropped unused).
    async fn stopped(&mut self) {
        if self.stop.wait_for(|stopped| *stopped).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl StopJobs {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// Runs `job` every `interval` for as long as this replica leads it, until `replica` is stopped.
///
/// Every tick (the first at once): contend for or confirm leadership, then, if leading, call
/// `pass` with the current time. The pass's `Ok` is a one-line summary and its `Err` the failure;
/// both are logged and recorded in `job_leaders`, and a failed pass is simply retried at the next
/// tick. A pass is cancelled (dropped at an await) when the lock is lost or the replica stops, so
/// it must leave nothing half-done between awaits (commit or roll back whole transactions). A slow
/// pass delays the next tick rather than bunching ticks up.
pub async fn led<F, Fut>(db: Db, mut replica: Replica, job: Job, interval: Duration, mut pass: F)
where
    F: FnMut(DateTime<Utc>) -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let check_period = interval.min(MAX_CHECK_PERIOD);
    let mut seat = Seat {
        db,
        job,
        replica: replica.id.clone(),
        conn: None,
        term: None,
        stepped_down: false,
        unreachable: false,
    };
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if std::mem::take(&mut seat.stepped_down) {
            // Contend again a whole interval from now, not at once (nor at a tick missed during
            // the pass): a follower ticking meanwhile gets the lock first, so a replica that keeps
            // losing its connection does not keep snatching leadership back from healthy ones.
            ticker.reset();
        }
        tokio::select! {
            biased;
            () = replica.stopped() => break,
            _ = ticker.tick() => {}
        }
        let Some(term) = seat.lead().await else {
            continue;
        };
        match record::update_pass_started(&seat.db, job, term).await {
            Ok(true) => {}
            Ok(false) => {
                seat.step_down("the job record names another leader").await;
                continue;
            }
            // The lock, not the record, decides who leads: run the pass anyway.
            Err(error) => tracing::warn!(job = job.name(), %error, "could not record the start of a pass"),
        }
        let now = Utc::now();
        tracing::debug!(job = job.name(), term, "{job} pass started");
        let result = tokio::select! {
            biased;
            () = replica.stopped() => {
                tracing::info!(job = job.name(), "stopping: the running {job} pass is cancelled");
                // Still the leader: say so in the record, briefly, then let go.
                let cancelled = Err("cancelled: the replica is shutting down".to_owned());
                let recorded = record::update_pass_finished(&seat.db, job, term, &cancelled);
                let _ = tokio::time::timeout(Duration::from_secs(2), recorded).await;
                break;
            }
            () = seat.lost(check_period) => {
                seat.step_down("its lock connection is gone (the running pass is cancelled)").await;
                continue;
            }
            result = pass(now) => result,
        };
        let outcome = match result {
            Ok(summary) => {
                tracing::info!(job = job.name(), term, summary = %summary, "{job} pass done");
                Ok(summary)
            }
            Err(error) => {
                let error = format!("{error:#}");
                tracing::error!(job = job.name(), term, %error, "{job} pass failed");
                Err(error)
            }
        };
        if let Err(error) = record::update_pass_finished(&seat.db, job, term, &outcome).await {
            tracing::warn!(job = job.name(), %error, "could not record the end of a pass");
        }
    }
    seat.release().await;
}

/// One loop's place in the election: its connection and, while it leads, its term.
struct Seat {
    db: Db,
    job: Job,
    replica: Arc<str>,
    /// Kept across ticks by leader and follower alike; `None` after a failure until the next try.
    conn: Option<PgConnection>,
    /// `Some` while leading: the term recorded when this loop took over.
    term: Option<i64>,
    /// Set when leadership was lost, so that `led` waits a full interval before contending again.
    stepped_down: bool,
    /// Whether the database could not be reached at the last try (logged once per outage).
    unreachable: bool,
}

impl Seat {
    /// Confirms a held leadership or tries to take a free one; the term while leading.
    async fn lead(&mut self) -> Option<i64> {
        if let Some(term) = self.term {
            if self.holds_lock().await {
                return Some(term);
            }
            self.step_down("its lock connection is gone").await;
            return None;
        }
        self.try_take().await
    }

    async fn try_take(&mut self) -> Option<i64> {
        let (space, key) = lock_key(self.job);
        let conn = match self.conn.take() {
            Some(conn) => Ok(conn),
            None => tokio::time::timeout(DB_TIMEOUT, detached_connection(&self.db))
                .await
                .unwrap_or(Err(sqlx::Error::PoolTimedOut)),
        };
        let mut conn = match conn {
            Ok(conn) => conn,
            Err(error) => {
                self.unreachable(&error);
                return None;
            }
        };
        let acquired = tokio::time::timeout(
            DB_TIMEOUT,
            sqlx::query_scalar!(
                r#"SELECT pg_try_advisory_lock($1::int4, $2::int4) AS "acquired!""#,
                space,
                key
            )
            .fetch_one(&mut conn),
        )
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut));
        match acquired {
            Ok(false) => {
                self.reachable();
                self.conn = Some(conn);
                None
            }
            Ok(true) => {
                self.reachable();
                self.conn = Some(conn);
                match record::insert_leadership(&self.db, self.job, &self.replica).await {
                    Ok(term) => {
                        tracing::info!(job = self.job.name(), replica = %self.replica, term, "took leadership of {}", self.job);
                        self.term = Some(term);
                        Some(term)
                    }
                    Err(error) => {
                        // Lead only on the record: operators must see who leads. Try again later.
                        tracing::warn!(job = self.job.name(), %error, "could not record taking leadership; letting it go");
                        self.close().await;
                        None
                    }
                }
            }
            // Dropped, not closed: whatever state it is in, it is gone (and a lock it might have
            // been granted meanwhile with it).
            Err(error) => {
                self.unreachable(&error);
                None
            }
        }
    }

    /// Whether this loop's connection answers and still holds the job's lock.
    async fn holds_lock(&mut self) -> bool {
        let (space, key) = lock_key(self.job);
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        let held = sqlx::query_scalar!(
            r#"SELECT EXISTS (
                   SELECT 1 FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                     AND classid = $1::int4::oid AND objid = $2::int4::oid AND objsubid = 2
               ) AS "held!""#,
            space,
            key
        )
        .fetch_one(conn);
        matches!(tokio::time::timeout(DB_TIMEOUT, held).await, Ok(Ok(true)))
    }

    /// Resolves when the lock is lost, checking every `period`; pending while it is held.
    async fn lost(&mut self, period: Duration) {
        loop {
            tokio::time::sleep(period).await;
            if !self.holds_lock().await {
                return;
            }
        }
    }

    /// Stops leading without closing politely: the connection is dead or its state unknown, and
    /// dropping it ends its session (and with it any lock) either way.
    async fn step_down(&mut self, reason: &str) {
        self.conn = None;
        if self.term.take().is_some() {
            self.stepped_down = true;
            tracing::warn!(job = self.job.name(), replica = %self.replica, "lost leadership of {}: {reason}", self.job);
        }
    }

    /// On stop: closes the connection, which releases the lock at once.
    async fn release(mut self) {
        let leading = self.term.is_some();
        self.close().await;
        if leading {
            tracing::info!(job = self.job.name(), replica = %self.replica, "released leadership of {}", self.job);
        }
    }

    async fn close(&mut self) {
        self.term = None;
        if let Some(conn) = self.conn.take() {
            // A polite Terminate; if the server does not answer soon, dropping closes the socket.
            let _ = tokio::time::timeout(Duration::from_secs(2), sqlx::Connection::close(conn)).await;
        }
    }

    fn unreachable(&mut self, error: &sqlx::Error) {
        if !self.unreachable {
            tracing::warn!(job = self.job.name(), %error, "cannot reach the database to contend for leadership of {}", self.job);
        }
        self.unreachable = true;
        self.conn = None;
    }

    fn reachable(&mut self) {
        if self.unreachable {
            tracing::info!(job = self.job.name(), "the database is reachable again");
        }
        self.unreachable = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "" and "a" and "foobar".
        assert_eq!(fnv1a_32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a_32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a_32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn job_lock_keys_are_pinned_and_distinct() {
        // Pinned: a changed key would let old and new replicas both lead during a deploy.
        let keys: Vec<(i32, i32)> = Job::ALL.iter().map(|job| lock_key(*job)).collect();
        assert!(keys.iter().all(|(space, _)| *space == 0x6a6f_6273));
        let mut seconds: Vec<i32> = keys.iter().map(|(_, key)| *key).collect();
        assert_eq!(
            seconds,
            [
                0x3ce7_0430_u32.cast_signed(), // audit_pruning
                0xdb3f_6e33_u32.cast_signed(), // analytics_maintenance
                0x188e_a910_u32.cast_signed(), // alert_evaluation
                0xa6ce_44c4_u32.cast_signed(), // session_cleanup
                0xc8fd_497a_u32.cast_signed(), // signature_nonce_cleanup
                0xbdda_737d_u32.cast_signed(), // tenant_erasure
            ]
        );
        seconds.sort_unstable();
        seconds.dedup();
        assert_eq!(seconds.len(), Job::ALL.len(), "no two jobs share a lock");
    }

    #[tokio::test]
    async fn stop_is_seen_by_every_clone_and_dropping_the_handle_stops_nothing() {
        let (mut replica, stop) = Replica::new("r1");
        let mut clone = replica.clone();
        stop.stop();
        tokio::time::timeout(Duration::from_secs(1), replica.stopped())
            .await
            .expect("stopped");
        tokio::time::timeout(Duration::from_secs(1), clone.stopped())
            .await
            .expect("the clone too");

        let (mut replica, stop) = Replica::new("r2");
        drop(stop);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), replica.stopped())
                .await
                .is_err()
        );
        assert_eq!(replica.id(), "r2");
    }
}
