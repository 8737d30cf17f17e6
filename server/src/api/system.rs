//! `GET /api/v1/system/jobs`: the periodic jobs, which replica leads each and how its last pass
//! went, for platform administrators (`system:monitor`).

use crate::api::ApiError;
use crate::jobs::record::{JobLeaderRow, select_held_job_locks, select_job_leaders};
use crate::jobs::{Job, JobIntervals};
use atrium_app::auth::context::RequestContext;
use atrium_app::db::Db;
use atrium_app::error::AppError;
use atrium_app::permissions::types::Permission;
use axum::Json;
use axum::extract::{Request, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What `GET /api/v1/system/jobs` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsReport {
    pub jobs: Vec<JobStatus>,
}

/// One job: its schedule, its leader and its last pass. The leader fields are `null` for a job
/// no replica has led yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatus {
    pub job: String,
    /// The interval configured on the replica answering (replicas of one deployment share it).
    pub interval_secs: u64,
    /// Whether a replica holds the job's lock right now. `false` with a leader named means that
    /// leader is gone and nobody has taken over yet (or the job does not run in this version).
    pub lock_held: bool,
    pub leader_replica: Option<String>,
    pub leader_since: Option<DateTime<Utc>>,
    /// How many leaderships the job has had.
    pub term: Option<i64>,
    /// Passes finished under all leaders.
    pub pass_count: i64,
    /// A pass has started and not finished (or was cut short by a lost leader).
    pub running: bool,
    pub last_pass_started_at: Option<DateTime<Utc>>,
    pub last_pass_finished_at: Option<DateTime<Utc>>,
    /// `ok` or `error`.
    pub last_outcome: Option<String>,
    pub last_summary: Option<String>,
    pub last_error: Option<String>,
}

impl JobStatus {
    fn of(job: Job, interval_secs: u64, lock_held: bool, row: Option<JobLeaderRow>) -> Self {
        let Some(row) = row else {
            return Self {
                job: job.name().to_owned(),
                interval_secs,
                lock_held,
                leader_replica: None,
                leader_since: None,
                term: None,
                pass_count: 0,
                running: false,
                last_pass_started_at: None,
                last_pass_finished_at: None,
                last_outcome: None,
                last_summary: None,
                last_error: None,
            };
        };
        let running = match (row.last_pass_started_at, row.last_pass_finished_at) {
            (Some(started), Some(finished)) => started > finished,
            (started, _) => started.is_some(),
        };
        Self {
            job: job.name().to_owned(),
            interval_secs,
            lock_held,
            leader_replica: Some(row.leader_replica),
            leader_since: Some(row.leader_since),
            term: Some(row.term),
            pass_count: row.pass_count,
            running,
            last_pass_started_at: row.last_pass_started_at,
            last_pass_finished_at: row.last_pass_finished_at,
            last_outcome: row.last_outcome,
            last_summary: row.last_summary,
            last_error: row.last_error,
        }
    }
}

/// `GET /api/v1/system/jobs`: every job in `Job::ALL` order, led or not.
pub async fn jobs(
    State(db): State<Db>,
    State(intervals): State<JobIntervals>,
    request: Request,
) -> Result<Json<JobsReport>, ApiError> {
    let (parts, _) = request.into_parts();
    let context = RequestContext::from_parts(db, &parts).await?;
    context.require(Permission::SystemMonitor).await?;
    let mut tx = context.platform_tx(Permission::SystemMonitor).await?;
    let mut rows = select_job_leaders(&mut tx).await.map_err(AppError::from)?;
    let held = select_held_job_locks(&mut tx).await.map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    let jobs = Job::ALL
        .into_iter()
        .map(|job| {
            let row = rows
                .iter()
                .position(|row| row.job == job.name())
                .map(|at| rows.swap_remove(at));
            JobStatus::of(job, intervals.of(job).as_secs(), held.contains(&job), row)
        })
        .collect();
    Ok(Json(JobsReport { jobs }))
}
