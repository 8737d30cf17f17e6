//! Group commit for ingestion: batches of one tenant that arrive while that tenant's writers are
//! busy wait for one of them and are then written together, in one transaction.
//!
//! Why: a tenant's concurrent batches share rollup rows (every batch of the same hour updates the
//! hour's row of each series and of the metric), so their transactions queued on those row locks
//! and each paid its own commit. Written together, the shared rows are merged in Rust and written
//! once, and one commit serves the group. Each batch is still answered only after the commit that
//! holds it, and judged as if it came alone (`commit::ingest_batches`).

use super::commit::{IngestError, Outcome, ingest_batches};
use super::ingest::ParsedBatch;
use crate::db::Db;
use crate::ids::TenantId;
use crate::tenants::types::Plan;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

/// Transactions one tenant's batches are written in at once. One writer left the machine half
/// idle (a group's statements run one after another, each a round trip); more than two made the
/// groups smaller and the transactions queue again on the rows they share.
pub const WRITERS_PER_TENANT: usize = 2;

/// Points one transaction takes at most (a batch bigger than this is written alone): bounds a
/// group's transaction time and the wait of the batches behind it.
pub const MAX_GROUP_POINTS: usize = 50_000;

/// A batch waiting for its tenant's writer.
struct Waiting {
    plan: Plan,
    batch: ParsedBatch,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Outcome>,
}

/// One tenant's batches not taken yet, and how many writers take them.
#[derive(Default)]
struct Lane {
    waiting: VecDeque<Waiting>,
    writers: usize,
}

/// The tenants with a writer running.
pub struct IngestLanes {
    db: Db,
    lanes: Mutex<HashMap<TenantId, Lane>>,
}

impl IngestLanes {
    pub fn new(db: Db) -> Arc<Self> {
        Arc::new(Self {
            db,
            lanes: Mutex::new(HashMap::new()),
        })
    }

    /// Commits `batch`, alone or with the tenant's other waiting batches, and answers once the
    /// transaction holding it has committed (or failed).
    pub async fn ingest(
        self: &Arc<Self>,
        tenant_id: TenantId,
        plan: Plan,
        batch: ParsedBatch,
        now: DateTime<Utc>,
    ) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let waiting = Waiting {
            plan,
            batch,
            now,
            reply,
        };
        let start_writer = {
            let mut lanes = self.lanes();
            let lane = lanes.entry(tenant_id).or_default();
            lane.waiting.push_back(waiting);
            let start = lane.writers < WRITERS_PER_TENANT;
            if start {
                lane.writers += 1;
            }
            start
        };
        if start_writer {
            // A task of its own: a client that hangs up must not cancel the others' transaction.
            tokio::spawn(Arc::clone(self).write(tenant_id));
        }
        answer.await.unwrap_or(Err(IngestError::Interrupted))
    }

    fn lanes(&self) -> MutexGuard<'_, HashMap<TenantId, Lane>> {
        // The lock is never held across a panic-prone call; a poisoned map is still consistent.
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One of the tenant's writers: takes the waiting batches group by group until none is left.
    async fn write(self: Arc<Self>, tenant_id: TenantId) {
        let mut guard = WriterGuard {
            lanes: &self,
            tenant_id,
            finished: false,
        };
        loop {
            let group = {
                let mut lanes = self.lanes();
                let Some(lane) = lanes.get_mut(&tenant_id) else {
                    guard.finished = true;
                    return;
                };
                if lane.waiting.is_empty() {
                    lane.writers = lane.writers.saturating_sub(1);
                    if lane.writers == 0 {
                        lanes.remove(&tenant_id);
                    }
                    guard.finished = true;
                    return;
                }
                take_group(&mut lane.waiting)
            };
            let Some(first) = group.first() else { continue };
            let (plan, now) = (first.plan, first.now);
            let (batches, replies): (Vec<ParsedBatch>, Vec<oneshot::Sender<Outcome>>) =
                group.into_iter().map(|waiting| (waiting.batch, waiting.reply)).unzip();
            let outcomes = match ingest_batches(&self.db, tenant_id, plan, &batches, now).await {
                Ok(outcomes) => outcomes,
                // Nothing was committed. One batch's trouble must not fail its neighbours: each is
                // tried again alone, so each gets its own answer.
                Err(_) if batches.len() > 1 => {
                    let mut outcomes = Vec::with_capacity(batches.len());
                    for batch in &batches {
                        outcomes.push(
                            match ingest_batches(&self.db, tenant_id, plan, std::slice::from_ref(batch), now).await {
                                Ok(mut one) => one.pop().unwrap_or(Err(IngestError::Interrupted)),
                                Err(error) => Err(IngestError::Database(error)),
                            },
                        );
                    }
                    outcomes
                }
                Err(error) => vec![Err(IngestError::Database(error))],
            };
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // The client may have gone; its batch is committed all the same.
                let _ = reply.send(outcome);
            }
        }
    }
}

/// The next group from the front of `queue`: batches in arrival order with the first one's plan
/// and UTC day (the quota's), up to `MAX_GROUP_POINTS` points (at least one batch).
fn take_group(queue: &mut VecDeque<Waiting>) -> Vec<Waiting> {
    let mut group: Vec<Waiting> = Vec::new();
    let mut points = 0;
    while let Some(next) = queue.front() {
        let fits = match group.first() {
            None => true,
            Some(first) => {
                next.plan == first.plan
                    && next.now.date_naive() == first.now.date_naive()
                    && points + next.batch.points.len() <= MAX_GROUP_POINTS
            }
        };
        if !fits {
            break;
        }
        points += next.batch.points.len();
        group.extend(queue.pop_front());
    }
    group
}

/// Signs a writer off if it ends without doing so itself (a panic). The group it held is dropped
/// with it, so those requests answer `Interrupted`; the batches still waiting are left to the
/// tenant's other writer, or to a new one the next batch starts.
struct WriterGuard<'a> {
    lanes: &'a IngestLanes,
    tenant_id: TenantId,
    finished: bool,
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut lanes = self.lanes.lanes();
        if let Some(lane) = lanes.get_mut(&self.tenant_id) {
            lane.writers = lane.writers.saturating_sub(1);
            if lane.writers == 0 {
                // No writer left to take them: their requests answer `Interrupted`.
                lanes.remove(&self.tenant_id);
            }
        }
    }
}
