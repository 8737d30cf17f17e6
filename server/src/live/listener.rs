//! The replica's NOTIFY listener: a dedicated PostgreSQL connection LISTENing on the live channel
//! that hands every notice to the hub. When the connection drops, notices sent meanwhile are lost,
//! so after listening again every connected browser is told to refetch (`lagged`).

use super::Live;
use atrium_app::db::Db;
use atrium_app::live::types::{CHANNEL, LiveNotice};
use rand::Rng;
use sqlx::postgres::PgListener;
use std::time::Duration;

/// Listens until the service shuts down, reconnecting with jittered exponential backoff.
pub async fn run(db: Db, live: Live) {
    let mut failures: u32 = 0;
    let mut listened_before = false;
    while !live.is_shutting_down() {
        match listen(&db).await {
            Ok(mut listener) => {
                failures = 0;
                live.set_listening(true);
                if listened_before {
                    resume(&live);
                }
                listened_before = true;
                tracing::info!(channel = CHANNEL, "live listener listening");
                let error = tokio::select! {
                    error = receive(&mut listener, &live) => error,
                    () = live.stopping() => break,
                };
                live.set_listening(false);
                tracing::warn!(%error, "live listener lost its database connection");
            }
            Err(error) => tracing::warn!(%error, "live listener could not listen"),
        }
        failures = failures.saturating_add(1);
        let delay = backoff(failures, live.settings().reconnect_base, live.settings().reconnect_cap);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = live.stopping() => break,
        }
    }
    live.set_listening(false);
    tracing::info!("live listener stopped");
}

async fn listen(db: &Db) -> Result<PgListener, sqlx::Error> {
    let mut listener = db.listener().await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Hands notices to the hub until the connection fails for good (returns why).
async fn receive(listener: &mut PgListener, live: &Live) -> sqlx::Error {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => accept(live, notification.payload()),
            // The connection dropped and sqlx has already listened again on a new one.
            Ok(None) => resume(live),
            Err(error) => return error,
        }
    }
}

/// Publishes one NOTIFY payload; anything but a data event is counted and ignored.
pub fn accept(live: &Live, payload: &str) {
    let accepted = match serde_json::from_str::<LiveNotice>(payload) {
        Ok(notice) => live.hub().publish(notice.event).is_ok(),
        Err(error) => {
            tracing::warn!(%error, "ignoring a malformed live notice");
            false
        }
    };
    live.stats().notice(accepted);
}

/// Listening again after a gap: every subscribed browser refetches what it shows.
fn resume(live: &Live) {
    live.stats().listener_reconnected();
    let told = live.hub().publish_lagged_to_all();
    tracing::info!(
        connections = told,
        "live listener listening again; clients told to refetch"
    );
}

/// The wait before reconnect attempt `failures` (1-based): exponential, capped, half of it random
/// so replicas that lost the database together do not return in lockstep.
pub fn backoff(failures: u32, base: Duration, cap: Duration) -> Duration {
    let exponential = base.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    let ceiling = exponential.min(cap);
    let half = ceiling / 2;
    half + rand::thread_rng().gen_range(Duration::ZERO..=half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_with_jitter() {
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(30);
        for _ in 0..100 {
            let first = backoff(1, base, cap);
            assert!(first >= Duration::from_millis(250) && first <= base, "{first:?}");
            let fourth = backoff(4, base, cap);
            assert!(
                fourth >= Duration::from_secs(2) && fourth <= Duration::from_secs(4),
                "{fourth:?}"
            );
            let late = backoff(40, base, cap);
            assert!(late >= Duration::from_secs(15) && late <= cap, "{late:?}");
        }
    }
}
