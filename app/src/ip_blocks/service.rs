//! The edge's side of IP blocks: this replica's copy of the blocks in force (checked on every
//! request without a query), its refresh from PostgreSQL, and the automatic block an abusive
//! address earns.

use super::db::{NewIpBlock, insert_block, select_active_networks};
use super::types::{BlockOrigin, BlockedNetwork};
use crate::audit::db::Actor;
use crate::db::{Db, PlatformGuard, PlatformTx};
use chrono::{DateTime, Utc};
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

/// A blocked network and when its block ends (`None`: until lifted).
type Entry = (BlockedNetwork, Option<DateTime<Utc>>);

/// The blocks in force as this replica last read them, with their ends.
#[derive(Clone, Default)]
pub struct BlockList(Arc<RwLock<Vec<Entry>>>);

impl BlockList {
    /// Whether a block in force at `now` covers `ip`.
    pub fn blocks(&self, ip: IpAddr, now: DateTime<Utc>) -> bool {
        // A poisoned lock only means a writer panicked mid-replace; the list is still a list.
        let blocks = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        blocks
            .iter()
            .any(|(network, until)| network.contains(ip) && until.is_none_or(|until| until > now))
    }

    /// Adds a block this replica just made, so it holds before the next refresh.
    pub fn add(&self, network: BlockedNetwork, until: Option<DateTime<Utc>>) {
        let mut blocks = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        blocks.push((network, until));
    }

    /// Reloads the blocks in force from PostgreSQL (all replicas' blocks, lifts included).
    pub async fn refresh(&self, db: &Db) -> Result<(), sqlx::Error> {
        let now = Utc::now();
        let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
        let rows = select_active_networks(&mut tx, now).await?;
        tx.commit().await?;
        let fresh: Vec<_> = rows
            .into_iter()
            .filter_map(|(text, until)| match BlockedNetwork::parse(&text) {
                Ok(network) => Some((network, until)),
                Err(_) => {
                    // Wider than the form allows (made in SQL by hand): still a block.
                    match text.parse::<ipnet::IpNet>() {
                        Ok(net) => Some((BlockedNetwork::wide(net), until)),
                        Err(_) => {
                            tracing::warn!(network = %text, "unreadable IP block skipped");
                            None
                        }
                    }
                }
            })
            .collect();
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        Ok(())
    }
}

/// Blocks `ip` for `length` after `refusals` rate-limit refusals, with an audit row by the
/// system in the same transaction. `false` when a block already covered it.
pub async fn block_automatically(
    db: &Db,
    list: &BlockList,
    ip: IpAddr,
    refusals: u32,
    length: std::time::Duration,
) -> Result<bool, sqlx::Error> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(length).unwrap_or(chrono::Duration::hours(1));
    let network = BlockedNetwork::address(ip);
    let reason = crate::i18n::t_args("ip-blocks-automatic-reason", &[("count", &refusals.to_string())]);
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task()).await?;
    let block = NewIpBlock {
        network,
        origin: BlockOrigin::Automatic,
        reason: &reason,
        created_by: None,
        blocked_until: Some(until),
    };
    if insert_block(&mut tx, &block, &Actor::system(), now).await?.is_none() {
        tx.commit().await?;
        return Ok(false);
    }
    tx.commit().await?;
    list.add(network, Some(until));
    tracing::warn!(%ip, refusals, until = %until, "address blocked after repeated rate-limit refusals");
    Ok(true)
}
