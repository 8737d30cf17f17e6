//! Live updates on the server: the per-tenant hub, the NOTIFY listener that feeds it from every
//! replica's writes, the `/ws` endpoint that forwards events to browsers, and their counters.
//!
//! One path for every event: a writer calls `atrium_app::live::db::notify` inside its transaction;
//! PostgreSQL delivers the notice on commit to every replica's listener (the writer's own
//! included), whose hub numbers it, serializes it once and fans it out to the subscribed sockets.

pub mod hub;
pub mod listener;
pub mod stats;
pub mod ws;

use atrium_app::db::Db;
use hub::Hub;
use stats::{LiveStats, LiveStatsSnapshot};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Tunables; the defaults are what production uses, tests shorten the timers.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// How often each socket gets a `heartbeat` (and a ping) and its session is checked again.
    pub heartbeat: Duration,
    /// The most metrics one connection may subscribe to.
    pub max_metrics: usize,
    /// Events a tenant's topic keeps for a slow connection.
    pub topic_capacity: usize,
    /// The listener's first and longest wait before reconnecting to the database.
    pub reconnect_base: Duration,
    pub reconnect_cap: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(15),
            max_metrics: 50,
            topic_capacity: hub::TOPIC_CAPACITY,
            reconnect_base: Duration::from_millis(500),
            reconnect_cap: Duration::from_secs(30),
        }
    }
}

/// The live-updates service of one replica, shared through `AppState`; cheap to clone.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    hub: Hub,
    settings: LiveSettings,
    shutdown: watch::Sender<bool>,
    listening: watch::Sender<bool>,
}

impl Live {
    pub fn new(settings: LiveSettings) -> Self {
        let stats = Arc::new(LiveStats::default());
        Self {
            inner: Arc::new(Inner {
                hub: Hub::new(settings.topic_capacity, stats),
                settings,
                shutdown: watch::Sender::new(false),
                listening: watch::Sender::new(false),
            }),
        }
    }

    pub fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    pub fn settings(&self) -> &LiveSettings {
        &self.inner.settings
    }

    pub fn stats(&self) -> &Arc<LiveStats> {
        self.inner.hub.stats()
    }

    pub fn stats_snapshot(&self) -> LiveStatsSnapshot {
        self.stats().snapshot(self.hub().topic_count())
    }

    /// Starts this replica's listener (it runs until `shut_down`).
    pub fn start(&self, db: Db) -> tokio::task::JoinHandle<()> {
        tokio::spawn(listener::run(db, self.clone()))
    }

    /// Waits until the listener is listening (tests publish only after this, or the notice
    /// would go unheard).
    pub async fn listening(&self) {
        let mut listening = self.inner.listening.subscribe();
        let _ = listening.wait_for(|up| *up).await;
    }

    fn set_listening(&self, up: bool) {
        self.stats().listener_up(up);
        self.inner.listening.send_replace(up);
    }

    /// Stops the listener and closes every socket with "going away", so browsers reconnect
    /// (to another replica) right away.
    pub fn shut_down(&self) {
        self.inner.shutdown.send_replace(true);
    }

    pub fn is_shutting_down(&self) -> bool {
        *self.inner.shutdown.borrow()
    }

    /// Resolves once `shut_down` has been called (at once if it already was).
    pub(crate) async fn stopping(&self) {
        let mut shutdown = self.inner.shutdown.subscribe();
        // The guard `wait_for` returns is not `Send`; drop it here.
        let _ = shutdown.wait_for(|down| *down).await.map(|_| ());
    }

    /// After `shut_down`: waits (at most `limit`) until the sockets have said goodbye.
    pub async fn closed(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.stats_snapshot().connections > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
