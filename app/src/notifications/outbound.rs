//! Talking to the outside world: which destinations a channel may point at, the HTTP client that
//! enforces it when it connects, and the SMTP transport.
//!
//! Server-side request forgery: a tenant admin chooses the URL, and the server makes the request
//! from inside the network, so a URL must not reach the server's own neighbourhood. Only `http`
//! and `https` URLs are accepted, and a host that is, or resolves to, a loopback, private,
//! link-local, unique-local, CGNAT, documentation, unspecified, multicast or otherwise reserved
//! address is refused — when the channel is saved (with a message next to the field) and again
//! when each request connects: the client's resolver drops such addresses, so a name that
//! resolved to a public address at save time cannot be rebound to 127.0.0.1 later. Redirects are
//! not followed (a 3xx is a failed attempt), and proxies from the environment are ignored.
//! `ATRIUM_OUTBOUND_ALLOW_PRIVATE=true` allows private destinations (tests and an on-premises
//! receiver); unspecified, multicast and broadcast addresses stay refused even then.

use crate::i18n::{t, t_args};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::{Host, Url};

/// The longest URL a channel may hold.
pub const URL_MAX: usize = 2048;
/// How much of a receiver's answer is kept for the attempt log.
pub const EXCERPT_MAX: usize = 1024;
/// How long saving a channel waits for its host name to resolve.
const SAVE_RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The path of the webhook receiver a live demo serves itself (`ATRIUM_DEMO_LIVE`).
pub const DEMO_RECEIVER_PATH: &str = "/demo/receiver";

/// Which destinations outbound requests may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressPolicy {
    /// Also private, loopback, link-local and unique-local addresses.
    pub allow_private: bool,
    /// The server's own address while it serves the demo receiver: `http://{addr}/demo/receiver`
    /// exactly (no other path, host name or scheme) is allowed even when private addresses are
    /// not, so the demo's channel delivers without opening the server to requests at itself.
    pub demo_receiver: Option<SocketAddr>,
}

/// Whether `ip` is a globally routable unicast address. IPv4-mapped, IPv4-compatible, NAT64 and
/// 6to4 IPv6 addresses are judged by the IPv4 address inside them.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", including 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

/// The IPv4 address an IPv6 address carries, for the transition forms that route to it.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0) {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated); :: and ::1 are handled
        // before this is asked.
        Some(tail())
    } else if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64 64:ff9b::/96
        Some(tail())
    } else if s[0] == 0x2002 {
        // 6to4 2002:a.b.c.d::/48
        Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ))
    } else {
        None
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() {
        return false;
    }
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    !((s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation 2001:db8::/32
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only 100::/64
        || (s[0] == 0x2001 && s[1] < 0x0200)) // IETF protocol assignments incl. Teredo
}

/// Addresses no setting makes reachable: they are never a receiver.
fn is_never_allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast(),
        IpAddr::V6(v6) => v6.is_unspecified() || v6.is_multicast(),
    }
}

impl AddressPolicy {
    /// Whether a request may connect to `ip`.
    pub fn permits(self, ip: IpAddr) -> bool {
        if is_never_allowed(ip) {
            return false;
        }
        self.allow_private || is_public(ip)
    }
}

/// Why a URL was refused, in words for the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    Invalid,
    TooLong,
    Scheme,
    NoHost,
    Credentials,
    /// The host is, or resolves to, an address the policy refuses.
    Blocked(IpAddr),
    DoesNotResolve,
}

impl UrlProblem {
    pub fn message(&self) -> String {
        match self {
            Self::Invalid => t("channels-url-invalid"),
            Self::TooLong => t_args("valid-too-long", &[("max", &URL_MAX.to_string())]),
            Self::Scheme => t("channels-url-scheme"),
            Self::NoHost => t("channels-url-invalid"),
            Self::Credentials => t("channels-url-credentials"),
            Self::Blocked(ip) => t_args("channels-url-blocked", &[("address", &ip.to_string())]),
            Self::DoesNotResolve => t("channels-url-unresolved"),
        }
    }
}

/// Parses and checks a channel URL without touching the network: http(s), a host, no user
/// credentials (they would show in lists and logs), and an IP literal only if the policy permits
/// it. Host names are checked by `check_resolves` and again at connect time.
pub fn parse_url(raw: &str, policy: AddressPolicy) -> Result<Url, UrlProblem> {
    let raw = raw.trim();
    if raw.len() > URL_MAX {
        return Err(UrlProblem::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| UrlProblem::Invalid)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlProblem::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    if is_demo_receiver(&url, policy) {
        return Ok(url);
    }
    match url.host() {
        None => Err(UrlProblem::NoHost),
        Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), policy).map(|()| url),
        Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), policy).map(|()| url),
        Some(Host::Domain(_)) => Ok(url),
    }
}

/// Whether `url` is the demo receiver this server serves: plain http to its own IP and port,
/// the receiver's path, no query or fragment.
fn is_demo_receiver(url: &Url, policy: AddressPolicy) -> bool {
    let Some(own) = policy.demo_receiver else {
        return false;
    };
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return false,
    };
    url.scheme() == "http"
        && SocketAddr::new(ip, url.port_or_known_default().unwrap_or(80)) == own
        && url.path() == DEMO_RECEIVER_PATH
        && url.query().is_none()
        && url.fragment().is_none()
}

fn check_ip(ip: IpAddr, policy: AddressPolicy) -> Result<(), UrlProblem> {
    if policy.permits(ip) {
        Ok(())
    } else {
        Err(UrlProblem::Blocked(ip))
    }
}

/// Resolves a URL's host name (when it has one) and refuses it if any address it resolves to is
/// refused by the policy, or if it does not resolve: the check made when a channel is saved.
pub async fn check_resolves(url: &Url, policy: AddressPolicy) -> Result<(), UrlProblem> {
    let Some(Host::Domain(name)) = url.host() else {
        return Ok(());
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::time::timeout(SAVE_RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port))).await;
    let addresses: Vec<SocketAddr> = match lookup {
        Ok(Ok(found)) => found.collect(),
        _ => return Err(UrlProblem::DoesNotResolve),
    };
    if addresses.is_empty() {
        return Err(UrlProblem::DoesNotResolve);
    }
    for address in addresses {
        check_ip(address.ip(), policy)?;
    }
    Ok(())
}

/// The client's resolver: the system's answer with every refused address removed, and an error
/// when none is left. Hyper connects only to what this returns.
#[derive(Debug, Clone, Copy)]
struct CheckedResolver {
    policy: AddressPolicy,
}

#[derive(Debug)]
struct BlockedHost(String);

impl std::fmt::Display for BlockedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves only to addresses outbound requests may not reach",
            self.0
        )
    }
}
impl std::error::Error for BlockedHost {}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: hyper puts the URL's port on the addresses it gets.
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| policy.permits(a.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(BlockedHost(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client for deliveries: checked resolver, no redirects, no proxies, one timeout for
/// the whole exchange.
pub fn http_client(policy: AddressPolicy, timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(CheckedResolver { policy }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("Atrium-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// What the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    /// At most `EXCERPT_MAX` bytes of the body, cut at a character boundary.
    pub excerpt: Option<String>,
}

/// One POST of `body`; an `Err` is a failure before any status arrived (refused address,
/// connection, timeout), in words for the attempt log.
pub async fn post(
    client: &reqwest::Client,
    policy: AddressPolicy,
    url: &str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<HttpAnswer, String> {
    // IP literals never reach the resolver, so they are checked here, every time (the setting
    // may have changed since the channel was saved).
    let parsed = parse_url(url, policy).map_err(|problem| problem.message())?;
    let mut request = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut response = request.body(body).send().await.map_err(|e| describe(&e, timeout))?;
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    // Only the start of the answer is kept; the rest is not read (the connection is dropped).
    // A body that stops arriving is cut off by the client's timeout like a silent server.
    while bytes.len() < EXCERPT_MAX {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    Ok(HttpAnswer {
        status,
        excerpt: excerpt(&bytes),
    })
}

/// The first `EXCERPT_MAX` bytes as text (invalid UTF-8 replaced), cut at a character boundary.
pub fn excerpt(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_MAX)]);
    let mut end = text.len().min(EXCERPT_MAX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_owned())
}

/// A failed request in words: timeouts and refused addresses by name, otherwise the innermost
/// cause (e.g. "Connection refused (os error 111)").
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return t_args("deliveries-error-timeout", &[("ms", &timeout.as_millis().to_string())]);
    }
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut innermost = error.to_string();
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedHost>() {
            return blocked.to_string();
        }
        innermost = current.to_string();
        source = current.source();
    }
    if error.is_connect() {
        t_args("deliveries-error-connect", &[("detail", &innermost)])
    } else {
        innermost
    }
}

/// Measures how long `work` takes, in whole milliseconds.
pub async fn timed<T>(work: impl std::future::Future<Output = T>) -> (T, i32) {
    let started = Instant::now();
    let result = work.await;
    let ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    (result, ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn public_addresses_are_told_from_internal_ones() {
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip(public)), "{public}");
        }
        for internal in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.1.2.3",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2001::1",
            "100::1",
        ] {
            assert!(!is_public(ip(internal)), "{internal}");
        }
    }

    #[test]
    fn the_policy_refuses_private_addresses_unless_allowed_and_never_unspecified_ones() {
        let strict = AddressPolicy::default();
        let open = AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        };
        assert!(!strict.permits(ip("127.0.0.1")));
        assert!(open.permits(ip("127.0.0.1")));
        assert!(open.permits(ip("::1")));
        assert!(open.permits(ip("10.0.0.1")));
        for never in ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255"] {
            assert!(!open.permits(ip(never)), "{never}");
        }
        assert!(strict.permits(ip("8.8.8.8")));
    }

    #[test]
    fn urls_must_be_http_with_a_permitted_literal_host() {
        let strict = AddressPolicy::default();
        assert!(parse_url("https://hooks.example.com/x?y=1", strict).is_ok());
        assert!(parse_url("http://8.8.8.8:8080/hook", strict).is_ok());
        assert_eq!(parse_url("ftp://example.com/", strict), Err(UrlProblem::Scheme));
        assert_eq!(parse_url("file:///etc/passwd", strict), Err(UrlProblem::Scheme));
        assert_eq!(parse_url("not a url", strict), Err(UrlProblem::Invalid));
        assert_eq!(
            parse_url("https://user:pw@example.com/", strict),
            Err(UrlProblem::Credentials)
        );
        assert_eq!(
            parse_url(&format!("https://example.com/{}", "a".repeat(URL_MAX)), strict),
            Err(UrlProblem::TooLong)
        );
        for (url, blocked) in [
            ("http://127.0.0.1:9000/", "127.0.0.1"),
            ("http://127.1/", "127.0.0.1"),
            ("http://2130706433/", "127.0.0.1"),
            ("http://0x7f000001/", "127.0.0.1"),
            ("http://[::1]/", "::1"),
            ("http://10.1.2.3/", "10.1.2.3"),
            ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
            ("http://[fc00::1]/", "fc00::1"),
            ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
            ("http://0.0.0.0/", "0.0.0.0"),
        ] {
            assert_eq!(parse_url(url, strict), Err(UrlProblem::Blocked(ip(blocked))), "{url}");
        }
        let open = AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        };
        assert!(parse_url("http://127.0.0.1:9000/", open).is_ok());
        assert!(parse_url("http://0.0.0.0/", open).is_err());
    }

    #[test]
    fn the_demo_receiver_is_the_one_private_url_a_strict_policy_allows() {
        let own: SocketAddr = "127.0.0.1:3000".parse().expect("address");
        let demo = AddressPolicy {
            demo_receiver: Some(own),
            ..AddressPolicy::default()
        };
        assert!(parse_url("http://127.0.0.1:3000/demo/receiver", demo).is_ok());
        for refused in [
            "http://127.0.0.1:3000/demo/receiver/../api/v1/metrics",
            "http://127.0.0.1:3000/api/v1/metrics",
            "http://127.0.0.1:3000/demo/receiver?next=/x",
            "http://127.0.0.1:3001/demo/receiver",
            "https://127.0.0.1:3000/demo/receiver",
            "http://127.0.0.2:3000/demo/receiver",
            "http://127.0.0.1/",
        ] {
            assert!(parse_url(refused, demo).is_err(), "{refused}");
        }
        // Without the demo, the same URL is an ordinary loopback address.
        assert!(parse_url("http://127.0.0.1:3000/demo/receiver", AddressPolicy::default()).is_err());
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused_when_saved() {
        let strict = AddressPolicy::default();
        let url = parse_url("http://localhost:9/hook", strict).expect("syntax is fine");
        assert!(matches!(
            check_resolves(&url, strict).await,
            Err(UrlProblem::Blocked(_))
        ));
        let open = AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        };
        assert_eq!(check_resolves(&url, open).await, Ok(()));
        let nowhere = parse_url("http://no-such-host.invalid/", strict).expect("syntax");
        assert_eq!(check_resolves(&nowhere, strict).await, Err(UrlProblem::DoesNotResolve));
    }

    #[test]
    fn excerpts_stop_at_a_kibibyte_on_a_character_boundary() {
        assert_eq!(excerpt(b""), None);
        assert_eq!(excerpt(b"ok").as_deref(), Some("ok"));
        let long = "é".repeat(600);
        let cut = excerpt(long.as_bytes()).expect("text");
        assert!(cut.len() <= EXCERPT_MAX);
        assert_eq!(cut.chars().count(), 512);
    }
}
