//! The HTTP edge: what every request passes before a handler sees it and every response carries
//! on its way out. The request's scheme and the origin check (`origin`), security headers with a
//! per-response script nonce (`headers`), body size and time limits (`limits`), and the
//! connection loop that closes slow clients (`serve`), and who the client is with the rate limits
//! and IP blocks that follow from it (`client`, `rate`), and which tenant portal a request is for
//! (`site`).

pub mod client;
pub mod headers;
pub mod limits;
pub mod origin;
pub mod rate;
pub mod serve;
pub mod site;

use std::time::Duration;

/// The limits and trust settings of the HTTP edge (`ATRIUM_*` variables in `.env.example`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// `ATRIUM_TRUST_FORWARDED_PROTO`: take the scheme from `X-Forwarded-Proto`. Only behind a
    /// proxy that terminates TLS and sets (never forwards) that header: the server itself speaks
    /// plain HTTP, so without it every request is `http`.
    pub trust_forwarded_proto: bool,
    /// `ATRIUM_MAX_BODY_BYTES`: the largest request body of any route but ingestion, which has
    /// its own limit (`ATRIUM_INGEST_MAX_BYTES`).
    pub max_body_bytes: usize,
    /// `ATRIUM_REQUEST_TIMEOUT_SECS`: from the request head to the response head, body reading
    /// included. Streamed response bodies (exports) and upgraded websockets run past it.
    pub request_timeout: Duration,
    /// `ATRIUM_HEADER_READ_TIMEOUT_SECS`: how long a connection may take to send a request head,
    /// and how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// `ATRIUM_TRUSTED_PROXY_HOPS`: how many reverse proxies in front of the server append to
    /// `X-Forwarded-For`. 0 (the default): the peer is the client and the header is ignored;
    /// n: the client is the n-th entry from the right (the right-most one no trusted proxy
    /// wrote). Rate limits, IP blocks and audit rows all use that address.
    pub trusted_proxy_hops: u8,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            trust_forwarded_proto: false,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(30),
            trusted_proxy_hops: 0,
        }
    }
}
