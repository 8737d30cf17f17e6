//! IP block DTOs and the parsed network newtype, shared by the browser and the server.

use crate::i18n::t;
use crate::ids::IpBlockId;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The widest ranges a block may cover: a /0 would lock out everyone, administrators included.
const MIN_PREFIX_V4: u8 = 8;
const MIN_PREFIX_V6: u8 = 16;

/// An address or CIDR range to block, normalised (`10.1.2.3/8` is refused: host bits set; a bare
/// address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockedNetwork(IpNet);

impl BlockedNetwork {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let net = match value.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => match value.parse::<IpAddr>() {
                Ok(ip) => IpNet::from(ip),
                Err(_) => return Err(t("ip-blocks-valid-network")),
            },
        };
        if net.trunc() != net {
            return Err(t("ip-blocks-host-bits"));
        }
        let too_wide = match net {
            IpNet::V4(v4) => v4.prefix_len() < MIN_PREFIX_V4,
            IpNet::V6(v6) => v6.prefix_len() < MIN_PREFIX_V6,
        };
        if too_wide {
            return Err(t("ip-blocks-too-wide"));
        }
        Ok(Self(net))
    }

    /// A network read back from the table, however wide (a range wider than the form allows
    /// may have been written in SQL by hand; it still blocks).
    pub fn wide(net: IpNet) -> Self {
        Self(net.trunc())
    }

    /// One client address.
    pub fn address(ip: IpAddr) -> Self {
        Self(IpNet::from(ip))
    }

    pub fn net(self) -> IpNet {
        self.0
    }

    pub fn contains(self, ip: IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

impl std::fmt::Display for BlockedNetwork {
    /// An address alone (`192.0.2.7`), a range with its prefix (`10.0.0.0/8`): as people write
    /// them, and as PostgreSQL's `cidr` reads them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.prefix_len() == self.0.max_prefix_len() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// How a block came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockOrigin {
    /// Too many rate-limit refusals.
    Automatic,
    /// A platform administrator.
    Manual,
}

impl BlockOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Manual => "manual",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Automatic, Self::Manual]
            .into_iter()
            .find(|o| o.as_str() == value)
    }
    pub fn label(self) -> String {
        t(&format!("ip-blocks-origin-{}", self.as_str()))
    }
}

/// How long a manual block lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockDuration {
    Hour,
    Day,
    Week,
    Month,
    UntilLifted,
}

impl BlockDuration {
    pub const ALL: [Self; 5] = [Self::Hour, Self::Day, Self::Week, Self::Month, Self::UntilLifted];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
            Self::UntilLifted => "lifted",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == value.trim())
            .ok_or_else(|| t("ip-blocks-valid-duration"))
    }

    /// The length, `None` until lifted.
    pub fn length(self) -> Option<chrono::Duration> {
        match self {
            Self::Hour => Some(chrono::Duration::hours(1)),
            Self::Day => Some(chrono::Duration::days(1)),
            Self::Week => Some(chrono::Duration::days(7)),
            Self::Month => Some(chrono::Duration::days(30)),
            Self::UntilLifted => None,
        }
    }

    pub fn options() -> Vec<(String, String)> {
        Self::ALL
            .into_iter()
            .map(|d| (d.as_str().to_owned(), t(&format!("ip-blocks-duration-{}", d.as_str()))))
            .collect()
    }
}

/// One active block as the list page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpBlock {
    pub ip_block_id: IpBlockId,
    /// As PostgreSQL writes it (`192.0.2.7/32`, `10.0.0.0/8`).
    pub network: String,
    pub origin: BlockOrigin,
    pub reason: String,
    /// The administrator who made a manual block (`None`: automatic, or since deleted).
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// `None`: until lifted.
    pub blocked_until: Option<DateTime<Utc>>,
}

/// The `/system/ip-blocks` page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpBlocksPageData {
    pub blocks: Vec<IpBlock>,
    /// Holds `system:manage` (may block and lift).
    pub can_manage: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges_parse_into_networks() {
        let one = BlockedNetwork::parse(" 192.0.2.7 ").expect("address");
        assert_eq!(one.to_string(), "192.0.2.7");
        assert!(one.contains("192.0.2.7".parse().expect("ip")));
        assert!(!one.contains("192.0.2.8".parse().expect("ip")));
        let range = BlockedNetwork::parse("10.0.0.0/8").expect("range");
        assert_eq!(range.to_string(), "10.0.0.0/8");
        assert!(range.contains("10.200.1.1".parse().expect("ip")));
        let v6 = BlockedNetwork::parse("2001:db8::/32").expect("v6 range");
        assert!(v6.contains("2001:db8::1".parse().expect("ip")));
        assert_eq!(
            BlockedNetwork::parse("2001:db8::1").expect("v6").to_string(),
            "2001:db8::1"
        );
    }

    #[test]
    fn nonsense_host_bits_and_huge_ranges_are_refused() {
        for bad in [
            "",
            "example.com",
            "10.0.0.0/33",
            "300.1.1.1",
            "10.1.2.3/8",
            "0.0.0.0/0",
            "::/0",
            "1.0.0.0/7",
        ] {
            assert!(BlockedNetwork::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations_parse_back() {
        for duration in BlockDuration::ALL {
            assert_eq!(BlockDuration::parse(duration.as_str()), Ok(duration));
        }
        assert!(BlockDuration::parse("forever").is_err());
        assert_eq!(BlockDuration::UntilLifted.length(), None);
    }
}
