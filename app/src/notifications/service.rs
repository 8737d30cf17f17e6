//! What other domains call: enqueue a notification for channels, inside their own transaction.

use super::db;
use super::types::Notification;
use crate::db::TenantTx;
use crate::ids::{ChannelId, DeliveryId};
use chrono::{DateTime, Utc};

/// Puts `notification` in the outbox for each enabled channel of `channels`, in the caller's
/// transaction: it is delivered if and only if that transaction commits.
pub async fn enqueue(
    tx: &mut TenantTx,
    channels: &[ChannelId],
    notification: &Notification,
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, sqlx::Error> {
    db::insert_deliveries(tx, channels, notification, now).await
}
