//! The delivery worker every replica runs: drains the outbox (`Outbox::process_due`) whenever a
//! delivery is committed (`LISTEN atrium_outbox`, NOTIFYed by the enqueuing transaction) and at
//! least every poll interval (for retries falling due, expired leases, and notices missed while
//! the LISTEN connection was down). Replicas share the work through `FOR UPDATE SKIP LOCKED`;
//! there is no leader.

use atrium_app::db::Db;
use atrium_app::notifications::db::OUTBOX_CHANNEL;
use atrium_app::notifications::outbox::Outbox;
use sqlx::postgres::PgListener;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long the worker waits before trying to LISTEN again after losing the connection (polling
/// goes on meanwhile).
const RELISTEN_AFTER: Duration = Duration::from_secs(10);

/// Runs until `stop` turns true; an attempt in flight is finished and recorded first.
pub async fn run(db: Db, outbox: Outbox, mut stop: watch::Receiver<bool>) {
    let poll = outbox.settings().poll_interval;
    let mut listener: Option<PgListener> = None;
    let mut last_listen_try: Option<Instant> = None;
    tracing::info!(poll_ms = poll.as_millis(), "delivery worker started");
    loop {
        if listener.is_none() && last_listen_try.is_none_or(|at| at.elapsed() >= RELISTEN_AFTER) {
            last_listen_try = Some(Instant::now());
            listener = listen(&db).await;
        }
        drain(&db, &outbox, &stop).await;
        if *stop.borrow() {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = notice(&mut listener) => {}
            _ = stop.changed() => break,
        }
    }
    tracing::info!("delivery worker stopped");
}

/// Attempts batches until nothing is due (or the worker is told to stop).
async fn drain(db: &Db, outbox: &Outbox, stop: &watch::Receiver<bool>) {
    loop {
        match outbox.process_due(db, chrono::Utc::now()).await {
            Ok(0) => return,
            Ok(_) if *stop.borrow() => return,
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "claiming due deliveries failed; retrying at the next poll");
                return;
            }
        }
    }
}

async fn listen(db: &Db) -> Option<PgListener> {
    let result = async {
        let mut listener = db.listener().await?;
        listener.listen(OUTBOX_CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    }
    .await;
    match result {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "delivery worker cannot LISTEN; polling only");
            None
        }
    }
}

/// Returns when a NOTIFY arrives (or the connection was re-established, which may have missed
/// one); never while there is no listener. A broken connection is dropped to be replaced.
async fn notice(listener: &mut Option<PgListener>) {
    let Some(active) = listener.as_mut() else {
        return std::future::pending().await;
    };
    match active.try_recv().await {
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(%error, "delivery worker lost its LISTEN connection");
            *listener = None;
        }
    }
}
