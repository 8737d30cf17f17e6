//! The in-process fan-out of live events: one bounded broadcast topic per tenant. Each event is
//! numbered (per tenant and metric) and serialized once; every receiver gets a clone of the same
//! buffer, which axum writes to its socket as is.

use super::stats::LiveStats;
use atrium_app::ids::{MetricId, TenantId};
use atrium_app::live::types::LiveEvent;
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// How many events a topic keeps for a slow receiver before it drops the oldest (the receiver is
/// then told with `lagged`).
pub const TOPIC_CAPACITY: usize = 256;

/// One serialized event as every receiver gets it.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The tenant the event belongs to; `None` for events every connection gets (`lagged`).
    pub tenant_id: Option<TenantId>,
    /// The metric of a data event; `None` for events every subscriber of the topic gets.
    pub metric_id: Option<MetricId>,
    /// The JSON text, shared by all receivers.
    pub text: Utf8Bytes,
}

impl Frame {
    /// Serializes `event` (the one serialization of a broadcast).
    pub fn of(event: &LiveEvent) -> Self {
        // A LiveEvent is plain data (strings, numbers, ids, times); serializing it cannot fail.
        let text = serde_json::to_string(event).unwrap_or_else(|error| {
            tracing::error!(%error, "could not serialize a live event");
            String::new()
        });
        Self {
            tenant_id: event.tenant_id(),
            metric_id: event.metric_id(),
            text: text.into(),
        }
    }
}

/// Why an event was not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Only `rollups` and `stale` (tenant data about one metric) and `alert_changed` travel
    /// through the hub.
    NotADataEvent,
}

#[derive(Default)]
struct Topics {
    senders: HashMap<TenantId, broadcast::Sender<Frame>>,
    /// The last `seq` handed out per tenant and metric. Kept while nobody listens, so numbers only
    /// grow for the life of the process (a few bytes per metric that ever had an event).
    seqs: HashMap<(TenantId, MetricId), u64>,
}

/// The hub; cheap to clone (all clones share the topics).
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    capacity: usize,
    topics: Mutex<Topics>,
    stats: Arc<LiveStats>,
}

impl Hub {
    pub fn new(capacity: usize, stats: Arc<LiveStats>) -> Self {
        Self {
            inner: Arc::new(Inner {
                capacity: capacity.max(1),
                topics: Mutex::new(Topics::default()),
                stats,
            }),
        }
    }

    pub fn stats(&self) -> &Arc<LiveStats> {
        &self.inner.stats
    }

    fn topics(&self) -> MutexGuard<'_, Topics> {
        // Nothing panics while holding the lock; recover the data should that ever change.
        self.inner
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Numbers a data event, serializes it once and hands it to every receiver of its tenant.
    /// Returns how many receivers the event reached (0 when nobody of the tenant listens).
    pub fn publish(&self, mut event: LiveEvent) -> Result<usize, Refused> {
        let (tenant_id, metric_id) = match (&event, event.tenant_id(), event.metric_id()) {
            (LiveEvent::Rollups { .. } | LiveEvent::Stale { .. }, Some(tenant), Some(metric)) => (tenant, Some(metric)),
            // Alert changes are not numbered: a page that missed one refetches on `resumed`.
            (LiveEvent::AlertChanged { .. }, Some(tenant), None) => (tenant, None),
            _ => return Err(Refused::NotADataEvent),
        };
        let mut topics = self.topics();
        if let Some(metric_id) = metric_id {
            let seq = topics.seqs.entry((tenant_id, metric_id)).or_insert(0);
            *seq += 1;
            if let LiveEvent::Rollups { seq: slot, .. } | LiveEvent::Stale { seq: slot, .. } = &mut event {
                *slot = *seq;
            }
        }
        let Some(sender) = topics.senders.get(&tenant_id) else {
            return Ok(0);
        };
        if sender.receiver_count() == 0 {
            topics.senders.remove(&tenant_id);
            return Ok(0);
        }
        // Inside the lock, so frames enter the topic in `seq` order.
        Ok(sender.send(Frame::of(&event)).unwrap_or(0))
    }

    /// Tells every subscribed connection of every tenant that events may have been lost (the
    /// listener was disconnected), with one `lagged` frame shared by all.
    pub fn publish_lagged_to_all(&self) -> usize {
        let frame = Frame::of(&LiveEvent::Lagged { missed: 0 });
        let mut topics = self.topics();
        topics.senders.retain(|_, sender| sender.receiver_count() > 0);
        topics
            .senders
            .values()
            .map(|sender| sender.send(frame.clone()).unwrap_or(0))
            .sum()
    }

    /// A receiver of `tenant_id`'s events, from now on.
    pub fn subscribe(&self, tenant_id: TenantId) -> TopicReceiver {
        let mut topics = self.topics();
        let capacity = self.inner.capacity;
        let receiver = topics
            .senders
            .entry(tenant_id)
            .or_insert_with(|| broadcast::channel(capacity).0)
            .subscribe();
        TopicReceiver {
            receiver: Some(receiver),
            tenant_id,
            hub: self.clone(),
        }
    }

    /// Tenants with at least one receiver.
    pub fn topic_count(&self) -> usize {
        self.topics()
            .senders
            .values()
            .filter(|sender| sender.receiver_count() > 0)
            .count()
    }
}

/// One connection's view of a tenant topic. Dropping the last receiver of a tenant removes its
/// topic, so idle tenants cost nothing.
pub struct TopicReceiver {
    receiver: Option<broadcast::Receiver<Frame>>,
    tenant_id: TenantId,
    hub: Hub,
}

impl TopicReceiver {
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// The next frame; `Lagged(n)` when `n` frames were dropped because this receiver was slow
    /// (counted in the stats as dropped messages).
    pub async fn recv(&mut self) -> Result<Frame, broadcast::error::RecvError> {
        let result = match self.receiver.as_mut() {
            Some(receiver) => receiver.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        };
        if let Err(broadcast::error::RecvError::Lagged(missed)) = result {
            self.hub.stats().dropped(missed);
        }
        result
    }
}

impl Drop for TopicReceiver {
    fn drop(&mut self) {
        drop(self.receiver.take());
        let mut topics = self.hub.topics();
        if topics
            .senders
            .get(&self.tenant_id)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            topics.senders.remove(&self.tenant_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atrium_app::live::types::RollupValue;
    use chrono::Utc;
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    use uuid::Uuid;

    fn rollups(tenant_id: TenantId, metric_id: MetricId) -> LiveEvent {
        LiveEvent::Rollups {
            seq: 0,
            tenant_id,
            metric_id,
            buckets: vec![RollupValue {
                bucket: Utc::now(),
                count: 2,
                sum: 3.0,
                min: 1.0,
                max: 2.0,
                p50: 1.0,
                p95: 2.0,
                p99: 2.0,
            }],
        }
    }

    fn hub(capacity: usize) -> Hub {
        Hub::new(capacity, Arc::new(LiveStats::default()))
    }

    fn ids() -> (TenantId, MetricId) {
        (TenantId(Uuid::new_v4()), MetricId(Uuid::new_v4()))
    }

    fn try_recv(receiver: &mut TopicReceiver) -> Result<Frame, TryRecvError> {
        receiver.receiver.as_mut().expect("receiver").try_recv()
    }

    #[test]
    fn every_receiver_shares_one_serialized_buffer() {
        let hub = hub(8);
        let (tenant, metric) = ids();
        let mut first = hub.subscribe(tenant);
        let mut second = hub.subscribe(tenant);
        assert_eq!(hub.publish(rollups(tenant, metric)), Ok(2));
        let a = try_recv(&mut first).expect("first receives");
        let b = try_recv(&mut second).expect("second receives");
        assert_eq!(a.text, b.text);
        assert!(
            std::ptr::eq(a.text.as_str().as_ptr(), b.text.as_str().as_ptr()),
            "both receivers must point at the same bytes (serialized once)"
        );
        let event: LiveEvent = serde_json::from_str(&a.text).expect("valid JSON");
        assert_eq!(event.metric_id(), Some(metric));
        assert_eq!((a.tenant_id, a.metric_id), (Some(tenant), Some(metric)));
    }

    #[test]
    fn seq_counts_per_tenant_and_metric_even_while_nobody_listens() {
        let hub = hub(8);
        let (tenant, metric) = ids();
        let other_metric = MetricId(Uuid::new_v4());
        let other_tenant = TenantId(Uuid::new_v4());
        assert_eq!(hub.publish(rollups(tenant, metric)), Ok(0), "nobody listens yet");
        let mut receiver = hub.subscribe(tenant);
        hub.publish(rollups(tenant, metric)).expect("published");
        hub.publish(rollups(tenant, other_metric)).expect("published");
        hub.publish(rollups(other_tenant, metric)).expect("published");
        hub.publish(LiveEvent::Stale {
            seq: 0,
            tenant_id: tenant,
            metric_id: metric,
            since: Utc::now(),
        })
        .expect("published");
        let seqs: Vec<(MetricId, u64)> = std::iter::from_fn(|| try_recv(&mut receiver).ok())
            .map(|frame| serde_json::from_str::<LiveEvent>(&frame.text).expect("JSON"))
            .map(|event| match event {
                LiveEvent::Rollups { seq, metric_id, .. } | LiveEvent::Stale { seq, metric_id, .. } => (metric_id, seq),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(seqs, vec![(metric, 2), (other_metric, 1), (metric, 3)]);
    }

    #[test]
    fn only_data_events_are_published() {
        let hub = hub(8);
        let (tenant, _) = ids();
        let _receiver = hub.subscribe(tenant);
        assert_eq!(
            hub.publish(LiveEvent::Lagged { missed: 1 }),
            Err(Refused::NotADataEvent)
        );
        assert_eq!(
            hub.publish(LiveEvent::Subscribed {
                tenant_id: tenant,
                metric_ids: vec![]
            }),
            Err(Refused::NotADataEvent)
        );
    }

    #[tokio::test]
    async fn a_slow_receiver_is_told_how_many_it_missed() {
        let hub = hub(4);
        let (tenant, metric) = ids();
        let mut slow = hub.subscribe(tenant);
        for _ in 0..10 {
            hub.publish(rollups(tenant, metric)).expect("published");
        }
        assert_eq!(slow.recv().await.err(), Some(RecvError::Lagged(6)));
        assert_eq!(hub.stats().snapshot(0).messages_dropped, 6);
        let next = slow.recv().await.expect("then the newest four");
        let LiveEvent::Rollups { seq, .. } = serde_json::from_str(&next.text).expect("JSON") else {
            panic!("rollups expected");
        };
        assert_eq!(seq, 7);
    }

    #[test]
    fn topics_disappear_with_their_last_receiver_and_lagged_reaches_everyone() {
        let hub = hub(8);
        let (acme, _) = ids();
        let (globex, _) = ids();
        let mut a = hub.subscribe(acme);
        let b = hub.subscribe(globex);
        assert_eq!(hub.topic_count(), 2);
        assert_eq!(hub.publish_lagged_to_all(), 2);
        let frame = try_recv(&mut a).expect("lagged");
        assert_eq!(frame.tenant_id, None);
        assert_eq!(&*frame.text, r#"{"type":"lagged","missed":0}"#);
        drop(b);
        assert_eq!(hub.topic_count(), 1);
        assert_eq!(hub.topics().senders.len(), 1, "globex's topic is gone");
    }
}
