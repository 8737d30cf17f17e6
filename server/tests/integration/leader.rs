//! Leader-led periodic jobs on a real PostgreSQL: of several `led` loops for one job exactly one
//! runs passes, never two at once; a follower takes over within one interval when the leader's
//! task dies, when its lock connection is cut (the leader's pass is cancelled) or when it is
//! stopped; `GET /api/v1/system/jobs` reports it to platform monitors only; and two real server
//! processes fail over when the leader is killed, and hand over when it is sent SIGTERM.

use crate::common;

use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_server::jobs::record::{JobLeaderRow, select_job_leaders};
use atrium_server::jobs::{Job, Replica, StopJobs, led};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use common::spawn_app;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// The interval of the in-process loops.
const INTERVAL: Duration = Duration::from_millis(500);
/// What a takeover may take beyond one interval: scheduling on a loaded 2-core machine.
const SLACK: Duration = Duration::from_millis(1500);
/// Overall patience for anything to happen at all (not a bound the tests assert).
const WAIT: Duration = Duration::from_secs(60);
const JOB: Job = Job::AnalyticsMaintenance;

/// What the test passes saw: who ran when, and whether two ever ran at once.
#[derive(Default)]
struct Passes {
    running: Vec<&'static str>,
    overlaps: usize,
    runs: Vec<Run>,
}

struct Run {
    replica: &'static str,
    started: Instant,
    ended: Option<Instant>,
    completed: bool,
}

type Shared = Arc<Mutex<Passes>>;

impl Passes {
    fn first_start_by(&self, replica: &str) -> Option<Instant> {
        self.runs.iter().find(|r| r.replica == replica).map(|r| r.started)
    }
    fn replicas(&self) -> Vec<&'static str> {
        let mut replicas: Vec<_> = self.runs.iter().map(|r| r.replica).collect();
        replicas.dedup();
        replicas
    }
}

fn passes(shared: &Shared) -> std::sync::MutexGuard<'_, Passes> {
    shared.lock().expect("not poisoned")
}

/// Marks a pass as running until dropped, also when the pass is cancelled half-way.
struct Running {
    shared: Shared,
    replica: &'static str,
    index: usize,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut passes = passes(&self.shared);
        passes.running.retain(|r| *r != self.replica);
        passes.runs[self.index].ended = Some(Instant::now());
    }
}

/// A pass that notes itself in `shared` and takes `length`.
fn test_pass(
    shared: &Shared,
    replica: &'static str,
    length: Duration,
) -> impl FnMut(DateTime<Utc>) -> std::pin::Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send>> + Send + 'static
{
    let shared = shared.clone();
    move |_now| {
        let shared = shared.clone();
        Box::pin(async move {
            let running = {
                let mut passes = passes(&shared);
                if !passes.running.is_empty() {
                    passes.overlaps += 1;
                }
                passes.running.push(replica);
                passes.runs.push(Run {
                    replica,
                    started: Instant::now(),
                    ended: None,
                    completed: false,
                });
                Running {
                    shared: shared.clone(),
                    replica,
                    index: passes.runs.len() - 1,
                }
            };
            tokio::time::sleep(length).await;
            passes(&shared).runs[running.index].completed = true;
            Ok(format!("{replica} slept"))
        })
    }
}

/// One replica's loop for `JOB`, on a pool of its own.
async fn replica(
    options: &PgConnectOptions,
    id: &'static str,
    shared: &Shared,
    length: Duration,
) -> (JoinHandle<()>, StopJobs) {
    let db = Db::connect(options.clone(), 4).await.expect("connect");
    let (replica, stop) = Replica::new(id);
    let task = tokio::spawn(led(db, replica, JOB, INTERVAL, test_pass(shared, id, length)));
    (task, stop)
}

async fn row(db: &Db, job: Job) -> Option<JobLeaderRow> {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let rows = select_job_leaders(&mut tx).await.expect("rows");
    tx.commit().await.expect("commit");
    rows.into_iter().find(|row| row.job == job.name())
}

/// Polls `probe` every 50 ms until it returns `Some`, for at most `WAIT`.
async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn one_loop_leads_and_a_follower_takes_over_within_an_interval_when_it_dies(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let shared = Shared::default();
    let observer = Db::connect(options.clone(), 2).await.expect("connect");
    let length = Duration::from_millis(200);
    // Both start at once and contend at their first tick.
    let (task_a, _stop_a) = replica(&options, "replica-a", &shared, length).await;
    let (task_b, _stop_b) = replica(&options, "replica-b", &shared, length).await;

    let mut leaders_seen = Vec::new();
    eventually("four passes", async || {
        if let Some(row) = row(&observer, JOB).await
            && !leaders_seen.contains(&row.leader_replica)
        {
            leaders_seen.push(row.leader_replica);
        }
        (passes(&shared).runs.iter().filter(|r| r.completed).count() >= 4).then_some(())
    })
    .await;
    let before = row(&observer, JOB).await.expect("recorded");
    let leader: &'static str = if before.leader_replica == "replica-a" {
        "replica-a"
    } else {
        "replica-b"
    };
    let follower = if leader == "replica-a" {
        "replica-b"
    } else {
        "replica-a"
    };
    assert_eq!(leaders_seen, [leader], "one replica was ever recorded as leader");
    assert_eq!(before.term, 1);
    assert!(before.pass_count >= 3, "{before:?}");
    assert_eq!(before.last_outcome.as_deref(), Some("ok"));
    assert_eq!(before.last_summary, Some(format!("{leader} slept")));
    {
        let passes = passes(&shared);
        assert_eq!(passes.replicas(), [leader], "only the leader ran passes");
        assert_eq!(passes.overlaps, 0, "passes never overlapped");
    }

    // The leader's task dies (as when its process does): its connection closes with it.
    let (dead, survivor) = if leader == "replica-a" {
        (task_a, task_b)
    } else {
        (task_b, task_a)
    };
    dead.abort();
    let died = Instant::now();
    let _ = dead.await;
    let taken_over = eventually("the follower's first pass", async || {
        passes(&shared).first_start_by(follower)
    })
    .await;
    assert!(
        taken_over.duration_since(died) <= INTERVAL + SLACK,
        "takeover took {:?}",
        taken_over.duration_since(died)
    );
    let after = eventually("the new leader recorded", async || {
        row(&observer, JOB)
            .await
            .filter(|row| row.leader_replica == follower && row.pass_count > before.pass_count)
    })
    .await;
    assert_eq!(after.term, 2, "one more leadership");
    assert_eq!(passes(&shared).overlaps, 0);
    survivor.abort();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_leader_whose_lock_connection_is_cut_cancels_its_pass_and_a_follower_takes_over(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    let shared = Shared::default();
    let observer = Db::connect(options.clone(), 2).await.expect("connect");
    let owner = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .expect("owner");
    // Long passes, so the cut lands in the middle of one.
    let length = Duration::from_secs(4);
    let (task_a, _stop_a) = replica(&options, "replica-a", &shared, length).await;
    let (task_b, _stop_b) = replica(&options, "replica-b", &shared, length).await;
    let leader = eventually("a running pass", async || passes(&shared).running.first().copied()).await;
    let follower = if leader == "replica-a" {
        "replica-b"
    } else {
        "replica-a"
    };

    // The process lives on, but the session holding the lock ends (a network cut, a restarted
    // proxy, an administrator's pg_terminate_backend).
    let (space, key) = atrium_server::jobs::leader::lock_key(JOB);
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objsubid = 2
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND classid = $1::int4::oid AND objid = $2::int4::oid",
    )
    .bind(space)
    .bind(key)
    .fetch_all(&owner)
    .await
    .expect("terminate");
    assert_eq!(terminated, [true], "one session held the lock");
    let cut = Instant::now();

    let cancelled = eventually("the leader's pass to end", async || {
        passes(&shared)
            .runs
            .iter()
            .find(|r| r.replica == leader)
            .and_then(|r| r.ended)
    })
    .await;
    {
        let passes = passes(&shared);
        let first = passes.runs.iter().find(|r| r.replica == leader).expect("run");
        assert!(!first.completed, "the pass was cancelled, not finished");
    }
    // Checked every interval while a pass runs.
    assert!(
        cancelled.duration_since(cut) <= INTERVAL + SLACK,
        "cancelled after {:?}",
        cancelled.duration_since(cut)
    );
    // Someone leads again within an interval: the follower, normally, since the loop that lost
    // the lock waits a whole interval before contending again (on a busy machine it may win the
    // lock back, which is just as correct).
    let resumed = eventually("a pass after the cut", async || {
        passes(&shared).runs.get(1).map(|r| (r.replica, r.started))
    })
    .await;
    assert!(
        resumed.1.duration_since(cut) <= INTERVAL + SLACK,
        "the next pass started {:?} after the cut",
        resumed.1.duration_since(cut)
    );
    if resumed.0 != follower {
        eprintln!("note: {leader} won its lock back before {follower} ticked");
    }
    let after = eventually("the new term recorded", async || {
        row(&observer, JOB).await.filter(|row| row.term == 2)
    })
    .await;
    assert_eq!(after.leader_replica, resumed.0);

    // From then on one loop leads: the other reconnects and follows.
    tokio::time::sleep(INTERVAL * 4).await;
    let passes = passes(&shared);
    assert!(
        passes.runs[1..].iter().all(|r| r.replica == resumed.0),
        "only the new leader ran"
    );
    assert!(passes.running.iter().all(|r| *r == resumed.0));
    assert!(!task_a.is_finished() && !task_b.is_finished(), "both loops live on");
    drop(passes);
    task_a.abort();
    task_b.abort();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stopped_leader_cancels_its_pass_and_hands_over_at_once(_: PgPoolOptions, options: PgConnectOptions) {
    let shared = Shared::default();
    let observer = Db::connect(options.clone(), 2).await.expect("connect");
    let length = Duration::from_secs(5);
    let (task_a, stop_a) = replica(&options, "replica-a", &shared, length).await;
    let (task_b, stop_b) = replica(&options, "replica-b", &shared, length).await;
    let leader = eventually("a running pass", async || passes(&shared).running.first().copied()).await;
    let (task, stop, other_task, follower) = if leader == "replica-a" {
        (task_a, stop_a, task_b, "replica-b")
    } else {
        (task_b, stop_b, task_a, "replica-a")
    };

    stop.stop();
    let stopped = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .expect("the loop ends without finishing its 5 s pass")
        .expect("no panic");
    assert!(!passes(&shared).runs[0].completed, "the pass was cancelled");
    let record = row(&observer, JOB).await.expect("recorded");
    assert_eq!(
        (record.last_outcome.as_deref(), record.last_error.as_deref()),
        (Some("error"), Some("cancelled: the replica is shutting down")),
        "the stopped leader recorded its cancelled pass"
    );
    let taken_over = eventually("the follower's first pass", async || {
        passes(&shared).first_start_by(follower)
    })
    .await;
    assert!(
        taken_over.duration_since(stopped) <= INTERVAL + SLACK,
        "takeover took {:?}",
        taken_over.duration_since(stopped)
    );
    assert_eq!(passes(&shared).overlaps, 0);
    other_task.abort();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_jobs_endpoint_shows_leaders_and_passes_to_platform_monitors_only(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    const JOBS: &str = "/api/v1/system/jobs";
    let app = spawn_app(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    let alice = app.sign_in("alice@acme.test").await;
    assert_eq!(app.get(JOBS, None).await.status, StatusCode::UNAUTHORIZED);
    let refused = app.get(JOBS, Some(&alice)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a tenant admin is no platform monitor"
    );
    assert_eq!(refused.json()["error"]["code"], "forbidden");

    let idle = app.get(JOBS, Some(&admin)).await;
    assert_eq!(idle.status, StatusCode::OK, "{}", idle.body);
    let idle = idle.json();
    let names: Vec<&str> = idle["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|job| job["job"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "audit_pruning",
            "analytics_maintenance",
            "alert_evaluation",
            "session_cleanup",
            "signature_nonce_cleanup",
            "tenant_erasure"
        ]
    );
    let intervals: Vec<u64> = idle["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|job| job["interval_secs"].as_u64())
        .collect();
    assert_eq!(intervals, [3600, 3600, 15, 900, 300, 300]);
    assert_eq!(idle["jobs"][1]["leader_replica"], serde_json::Value::Null);
    assert_eq!(idle["jobs"][1]["lock_held"], false);

    // A replica leads analytics maintenance: one good pass, then failing ones.
    let (replica, stop) = Replica::new("endpoint-replica");
    let mut pass = 0;
    let task = tokio::spawn(led(app.db.clone(), replica, JOB, INTERVAL, move |_now| {
        pass += 1;
        let first = pass == 1;
        async move {
            if first {
                Ok("3 partitions made".to_owned())
            } else {
                Err(anyhow::anyhow!("disk full").context("maintaining analytics storage"))
            }
        }
    }));
    let job = |body: serde_json::Value| body["jobs"][1].clone();
    let ok = eventually("a recorded good pass", async || {
        let job = job(app.get(JOBS, Some(&admin)).await.json());
        (job["pass_count"] == 1).then_some(job)
    })
    .await;
    assert_eq!(ok["leader_replica"], "endpoint-replica");
    assert_eq!(ok["lock_held"], true);
    assert_eq!(ok["term"], 1);
    assert_eq!(ok["last_outcome"], "ok");
    assert_eq!(ok["last_summary"], "3 partitions made");
    assert!(
        ok["leader_since"].is_string() && ok["last_pass_finished_at"].is_string(),
        "{ok}"
    );
    let failed = eventually("a recorded failed pass", async || {
        let job = job(app.get(JOBS, Some(&admin)).await.json());
        (job["pass_count"] == 2).then_some(job)
    })
    .await;
    assert_eq!(failed["last_outcome"], "error");
    assert_eq!(failed["last_error"], "maintaining analytics storage: disk full");
    assert_eq!(failed["last_summary"], serde_json::Value::Null);

    stop.stop();
    task.await.expect("the loop ends");
    // The leader closed its connection; PostgreSQL drops the lock when that backend has exited,
    // a moment after the client hung up (seen taking longer while the whole suite runs).
    let gone = eventually("the lock gone with the leader", async || {
        let job = job(app.get(JOBS, Some(&admin)).await.json());
        (job["lock_held"] == false).then_some(job)
    })
    .await;
    assert_eq!(gone["leader_replica"], "endpoint-replica", "the record stays");

    // Platform data: a tenant transaction sees no row and cannot write one.
    let acme = app.tenant_id("acme").await.expect("acme");
    let acme = atrium_app::ids::TenantId(acme.parse().expect("uuid"));
    let mut tx = TenantTx::begin(&app.db, acme).await.expect("tx");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM job_leaders")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(seen, 0);
    let forged = sqlx::query(
        "INSERT INTO job_leaders (job, leader_replica, leader_since, term) VALUES ('alert_evaluation', 'x', now(), 1)",
    )
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "a tenant cannot write the job record");
}

// ---------------------------------------------------------------------------------------------
// Two real server processes.

/// The interval the server processes run analytics maintenance at.
const PROCESS_INTERVAL: Duration = Duration::from_secs(1);
/// The job the two-process test watches: the alert evaluator, which the issue requires to fail
/// over (every led job shares the same machinery).
const PROCESS_JOB: Job = Job::AlertEvaluation;

/// A running `atrium` process, killed (and its log printed, if the test is failing) on drop.
struct Server {
    id: &'static str,
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(id: &'static str, database_url: &str, database: &str) -> Self {
        let log = std::env::temp_dir().join(format!("atrium-leader-test-{database}-{id}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_atrium"))
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("ATRIUM_ADDR", "127.0.0.1:0")
            .env("ATRIUM_SEED_DEMO", "false")
            .env("ATRIUM_REPLICA_ID", id)
            .env(
                "ATRIUM_ANALYTICS_MAINTENANCE_INTERVAL_SECS",
                PROCESS_INTERVAL.as_secs().to_string(),
            )
            .env("ATRIUM_ALERT_INTERVAL_SECS", PROCESS_INTERVAL.as_secs().to_string())
            .env("ATRIUM_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .expect("start atrium");
        Self { id, child, log }
    }

    /// The JSON log lines written so far.
    fn log_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// When each log line whose message is `message` was written.
    fn logged(&self, message: &str) -> Vec<DateTime<Utc>> {
        self.log_lines()
            .iter()
            .filter(|line| line["fields"]["message"] == message)
            .filter_map(|line| line["timestamp"].as_str())
            .filter_map(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&Utc))
            .collect()
    }

    async fn listening(&self) {
        eventually(&format!("{} to listen", self.id), async || {
            (!self.logged("listening").is_empty()).then_some(())
        })
        .await;
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "--- log of {} ---\n{}",
                self.id,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// `DATABASE_URL` pointed at the test's database (the harness connects with the same login).
fn database_url(options: &PgConnectOptions) -> (String, String) {
    let database = options.get_database().expect("a test database").to_owned();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL for sqlx::test");
    let (base, query) = base.split_once('?').map_or((base.as_str(), ""), |(b, q)| (b, q));
    let (server, _) = base.rsplit_once('/').expect("a URL with a path");
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    (format!("{server}/{database}{query}"), database)
}

fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).as_seconds_f64()
}

#[sqlx::test(migrations = "../migrations")]
async fn two_servers_fail_over_when_the_leader_is_killed_and_hand_over_on_sigterm(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    const PASS_DONE: &str = "alert_evaluation pass done";
    const TOOK: &str = "took leadership of alert_evaluation";
    let bound = PROCESS_INTERVAL.as_secs_f64() + SLACK.as_secs_f64();
    let observer = Db::connect(options.clone(), 2).await.expect("connect");
    let (url, database) = database_url(&options);

    // A starts first and leads from its first tick; B joins as a follower.
    let mut a = Server::start("replica-a", &url, &database);
    a.listening().await;
    eventually("replica-a to lead", async || {
        row(&observer, PROCESS_JOB)
            .await
            .filter(|row| row.leader_replica == "replica-a")
    })
    .await;
    let mut b = Server::start("replica-b", &url, &database);
    b.listening().await;
    let joined = row(&observer, PROCESS_JOB).await.expect("row").pass_count;
    eventually("three passes with both up", async || {
        let row = row(&observer, PROCESS_JOB).await?;
        (row.pass_count >= joined + 3).then_some(())
    })
    .await;
    let before = row(&observer, PROCESS_JOB).await.expect("row");
    assert_eq!((before.leader_replica.as_str(), before.term), ("replica-a", 1));
    assert!(a.logged(PASS_DONE).len() >= 3);
    assert!(
        b.logged(PASS_DONE).is_empty(),
        "the follower ran no pass while the leader lived"
    );
    assert!(b.logged(TOOK).is_empty());

    // SIGKILL: no goodbye; PostgreSQL frees the lock when the dead process's socket closes.
    a.child.kill().expect("SIGKILL");
    let killed = Utc::now();
    a.child.wait().expect("reaped");
    let after = eventually("replica-b to lead and finish a pass", async || {
        row(&observer, PROCESS_JOB).await.filter(|row| {
            row.leader_replica == "replica-b" && row.last_pass_finished_at.is_some_and(|at| at > row.leader_since)
        })
    })
    .await;
    assert_eq!(after.term, 2, "one takeover");
    assert!(
        seconds(killed, after.leader_since) <= bound,
        "replica-b led {:.2} s after the kill",
        seconds(killed, after.leader_since)
    );
    let b_passes = b.logged(PASS_DONE);
    let first_pass = *b_passes.first().expect("replica-b logged its pass");
    assert!(
        seconds(killed, first_pass) <= bound,
        "replica-b's first pass finished {:.2} s after the kill",
        seconds(killed, first_pass)
    );
    assert!(
        b_passes.iter().all(|at| *at > killed),
        "replica-b ran passes only after the kill"
    );

    // SIGTERM: the leader lets go at once, before it finishes shutting down.
    let c = Server::start("replica-c", &url, &database);
    c.listening().await;
    assert!(c.logged(PASS_DONE).is_empty(), "replica-c follows");
    b.signal("-TERM");
    let terminated = Utc::now();
    let handed = eventually("replica-c to lead", async || {
        row(&observer, PROCESS_JOB)
            .await
            .filter(|row| row.leader_replica == "replica-c")
    })
    .await;
    assert_eq!(handed.term, 3);
    assert!(
        seconds(terminated, handed.leader_since) <= bound,
        "replica-c led {:.2} s after SIGTERM",
        seconds(terminated, handed.leader_since)
    );
    eprintln!(
        "takeover {:.2} s and first pass {:.2} s after SIGKILL; handover {:.2} s after SIGTERM",
        seconds(killed, after.leader_since),
        seconds(killed, first_pass),
        seconds(terminated, handed.leader_since)
    );
    let exit = eventually("replica-b to exit", async || b.child.try_wait().ok().flatten()).await;
    assert!(exit.success(), "a clean exit on SIGTERM: {exit:?}");
    let released = b.logged("released leadership of alert_evaluation");
    assert_eq!(released.len(), 1, "replica-b said it let go");
    assert!(
        seconds(terminated, released[0]) <= SLACK.as_secs_f64(),
        "released {:.2} s after SIGTERM",
        seconds(terminated, released[0])
    );
}
