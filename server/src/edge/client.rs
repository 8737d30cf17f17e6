//! Who the client is: the TCP peer, or behind trusted reverse proxies the address they recorded
//! in `X-Forwarded-For`. Rate limits, IP blocks and audit rows all read the one `ClientIp` this
//! puts in request extensions.

use super::HttpSettings;
use atrium_app::auth::context::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the peer when no proxy is trusted (a client can write any
/// `X-Forwarded-For` it likes), else the entry `hops` places from the right of the combined
/// `X-Forwarded-For` values (each trusted proxy appends the address it saw, so entries further
/// left were written by someone untrusted). Fewer entries than hops: the left-most, as far as
/// the trusted chain goes; an unreadable entry: the peer.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, hops: u8) -> IpAddr {
    if hops == 0 {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries.is_empty() {
        return peer;
    }
    let index = entries.len().saturating_sub(usize::from(hops));
    parse_entry(entries[index]).unwrap_or(peer)
}

/// An address as proxies write it: `192.0.2.7`, `2001:db8::1`, or with a port (`192.0.2.7:5000`,
/// `[2001:db8::1]:5000`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse().ok())
        })
}

/// Records the client's address (`ClientIp`) for the layers and handlers after it. Without a
/// peer (a test driving the router directly) there is no address, and per-address limits do
/// not apply.
pub async fn client_ip(State(settings): State<HttpSettings>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = client_address(peer.ip(), request.headers(), settings.trusted_proxy_hops);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let peer = ip("203.0.113.9");
        assert_eq!(client_address(peer, &forwarded(&["198.51.100.1"]), 0), peer);
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let peer = ip("10.0.0.2");
        // The client forged "1.1.1.1"; our proxy appended what it saw.
        let headers = forwarded(&["1.1.1.1, 198.51.100.7"]);
        assert_eq!(client_address(peer, &headers, 1), ip("198.51.100.7"));
        // Two proxies: the outer one wrote the client, the inner one the outer proxy.
        let headers = forwarded(&["1.1.1.1, 198.51.100.7", "10.0.0.1"]);
        assert_eq!(client_address(peer, &headers, 2), ip("198.51.100.7"));
        // Ports and brackets as some proxies write them.
        assert_eq!(
            client_address(peer, &forwarded(&["[2001:db8::7]:4711"]), 1),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_address(peer, &forwarded(&["198.51.100.7:80"]), 1),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn missing_short_or_garbled_headers_fall_back() {
        let peer = ip("10.0.0.2");
        assert_eq!(client_address(peer, &HeaderMap::new(), 1), peer);
        assert_eq!(client_address(peer, &forwarded(&["not-an-ip"]), 1), peer);
        assert_eq!(
            client_address(peer, &forwarded(&["198.51.100.7"]), 3),
            ip("198.51.100.7")
        );
    }
}
