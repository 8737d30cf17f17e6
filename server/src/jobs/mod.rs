//! Periodic background work. Every replica runs every job's loop, but one replica at a time leads
//! each job and runs its passes (`leader::led`, a PostgreSQL advisory lock held across ticks); the
//! others stand by and take over within one interval when the leader goes away.

pub mod leader;
pub mod record;

pub use leader::{Replica, StopJobs, led};

use anyhow::Context;
use atrium_app::db::Db;
use std::time::Duration;

/// The periodic jobs. Each one's name is its row in `job_leaders`, its word in the logs and the
/// source of its advisory lock key (`leader::lock_key`), so a name never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Deletes audit rows past their tenant's retention.
    AuditPruning,
    /// Creates raw-point partitions ahead, drops expired ones, deletes expired rollups.
    AnalyticsMaintenance,
    /// Evaluates alert rules (`alerts::evaluate`).
    AlertEvaluation,
    /// Deletes expired and idle sessions.
    SessionCleanup,
    /// Deletes signed requests' nonces whose timestamp window has closed.
    SignatureNonceCleanup,
    /// Purges workspaces whose requested erasure is due.
    TenantErasure,
}

impl Job {
    pub const ALL: [Self; 6] = [
        Self::AuditPruning,
        Self::AnalyticsMaintenance,
        Self::AlertEvaluation,
        Self::SessionCleanup,
        Self::SignatureNonceCleanup,
        Self::TenantErasure,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::AuditPruning => "audit_pruning",
            Self::AnalyticsMaintenance => "analytics_maintenance",
            Self::AlertEvaluation => "alert_evaluation",
            Self::SessionCleanup => "session_cleanup",
            Self::SignatureNonceCleanup => "signature_nonce_cleanup",
            Self::TenantErasure => "tenant_erasure",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|job| job.name() == name)
    }
}

impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How often each job runs (`ATRIUM_*_INTERVAL_SECS`, read by `config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobIntervals {
    pub audit_pruning: Duration,
    pub analytics_maintenance: Duration,
    pub alert_evaluation: Duration,
    pub session_cleanup: Duration,
    pub signature_nonce_cleanup: Duration,
    pub tenant_erasure: Duration,
}

impl Default for JobIntervals {
    fn default() -> Self {
        Self {
            audit_pruning: Duration::from_secs(3600),
            analytics_maintenance: Duration::from_secs(3600),
            alert_evaluation: Duration::from_secs(15),
            session_cleanup: Duration::from_secs(900),
            // The window is 300 s either way; rows live at most about that long past it.
            signature_nonce_cleanup: Duration::from_secs(300),
            // Erasures wait days; five minutes late is nothing, and an idle pass is one index probe.
            tenant_erasure: Duration::from_secs(300),
        }
    }
}

impl JobIntervals {
    pub fn of(&self, job: Job) -> Duration {
        match job {
            Job::AuditPruning => self.audit_pruning,
            Job::AnalyticsMaintenance => self.analytics_maintenance,
            Job::AlertEvaluation => self.alert_evaluation,
            Job::SessionCleanup => self.session_cleanup,
            Job::SignatureNonceCleanup => self.signature_nonce_cleanup,
            Job::TenantErasure => self.tenant_erasure,
        }
    }
}

/// Prunes the audit trail to each tenant's retention every `interval` while this replica leads
/// the job, until `replica` is stopped.
pub async fn audit_pruning(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::AuditPruning, interval, move |_now| {
        let db = pass_db.clone();
        async move {
            let rows = atrium_app::audit::db::prune_expired(&db)
                .await
                .context("pruning audit rows past retention")?;
            Ok(format!("{rows} audit row(s) past retention pruned"))
        }
    })
    .await;
}

/// Maintains analytics storage (`analytics::service::maintain`) every `interval` while this
/// replica leads the job, until `replica` is stopped.
pub async fn analytics_maintenance(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::AnalyticsMaintenance, interval, move |now| {
        let db = pass_db.clone();
        async move {
            let report = atrium_app::analytics::service::maintain(&db, now)
                .await
                .context("maintaining analytics storage")?;
            let dropped = match report.partitions_dropped.as_slice() {
                [] => "no partition dropped".to_owned(),
                names => format!("{} partition(s) dropped ({})", names.len(), names.join(", ")),
            };
            Ok(format!("{dropped}, {} rollup row(s) deleted", report.rollups_deleted))
        }
    })
    .await;
}

/// Evaluates every tenant's alert rules (`alerts::evaluate::evaluate_all`) at each tick.
pub async fn alert_evaluation(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::AlertEvaluation, interval, move |now| {
        let db = pass_db.clone();
        async move {
            let report = atrium_app::alerts::evaluate::evaluate_all(&db, now)
                .await
                .context("evaluating alert rules")?;
            Ok(report.summary())
        }
    })
    .await;
}

/// Deletes expired and idle sessions (and single sign-ons that never came back) every
/// `interval` while this replica leads the job, until `replica` is stopped. The lookup already
/// refuses them; this keeps the tables small.
pub async fn session_cleanup(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::SessionCleanup, interval, move |_now| {
        let db = pass_db.clone();
        async move {
            let rows = atrium_app::auth::service::delete_stale_sessions(&db)
                .await
                .context("deleting expired and idle sessions")?;
            // Single sign-ons that never came back from the provider go with them.
            let abandoned = atrium_app::sso::service::delete_expired_requests(&db)
                .await
                .context("deleting abandoned single sign-ons")?;
            Ok(format!(
                "{rows} expired or idle session(s), {abandoned} abandoned single sign-on(s) deleted"
            ))
        }
    })
    .await;
}

/// Deletes signed requests' nonces past their window every `interval` while this replica leads
/// the job, until `replica` is stopped. A closed window's signature is stale anyway, so the rows
/// only cost space; without this the table would grow with every signed request.
pub async fn signature_nonce_cleanup(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::SignatureNonceCleanup, interval, move |_now| {
        let db = pass_db.clone();
        async move {
            let rows = atrium_app::api_keys::auth::delete_expired_nonces(&db)
                .await
                .context("deleting expired request nonces")?;
            Ok(format!("{rows} expired request nonce(s) deleted"))
        }
    })
    .await;
}

/// Purges the workspaces whose erasure is due (`tenants::erasure::purge`) every `interval` while
/// this replica leads the job, until `replica` is stopped.
pub async fn tenant_erasure(db: Db, replica: Replica, interval: Duration) {
    let pass_db = db.clone();
    led(db, replica, Job::TenantErasure, interval, move |now| {
        let db = pass_db.clone();
        async move {
            let erased = atrium_app::tenants::erasure::purge::purge_due(&db, now)
                .await
                .context("erasing workspaces whose delay has run out")?;
            Ok(match erased.as_slice() {
                [] => "no workspace due for erasure".to_owned(),
                done => format!(
                    "{} workspace(s) erased ({})",
                    done.len(),
                    done.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>().join(", ")
                ),
            })
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_distinct_snake_case_and_round_trip() {
        let mut names: Vec<_> = Job::ALL.iter().map(|job| job.name()).collect();
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name} fits the job_leaders check"
            );
            assert_eq!(Job::from_name(name).map(Job::name), Some(*name));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Job::ALL.len());
        assert_eq!(Job::AlertEvaluation.to_string(), "alert_evaluation");
    }

    #[test]
    fn each_job_has_its_interval() {
        let intervals = JobIntervals {
            audit_pruning: Duration::from_secs(1),
            analytics_maintenance: Duration::from_secs(2),
            alert_evaluation: Duration::from_secs(3),
            session_cleanup: Duration::from_secs(4),
            signature_nonce_cleanup: Duration::from_secs(5),
            tenant_erasure: Duration::from_secs(6),
        };
        let secs: Vec<u64> = Job::ALL.iter().map(|job| intervals.of(*job).as_secs()).collect();
        assert_eq!(secs, [1, 2, 3, 4, 5, 6]);
        assert_eq!(JobIntervals::default().alert_evaluation, Duration::from_secs(15));
    }
}
