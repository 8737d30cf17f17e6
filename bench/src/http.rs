//! A minimal HTTP/1.1 client over one kept-alive connection (hyper's low-level `conn` API), so a
//! measured request is exactly one request on the wire: no pool, no hidden retries, no TLS.

use anyhow::{Context, Result, anyhow};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;

/// A response, fully read.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub body: Bytes,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<u64>,
}

impl Response {
    /// The body as text, cut to `max` characters, for error messages.
    pub fn snippet(&self, max: usize) -> String {
        String::from_utf8_lossy(&self.body).chars().take(max).collect()
    }
}

/// One client connection to the server under test, authenticated by a bearer key.
pub struct Client {
    addr: SocketAddr,
    host: HeaderValue,
    authorization: Option<HeaderValue>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    pub fn new(addr: SocketAddr, bearer: Option<&str>) -> Result<Client> {
        let authorization = bearer
            .map(|key| HeaderValue::from_str(&format!("Bearer {key}")))
            .transpose()
            .context("the API key is not a valid header value")?;
        Ok(Client {
            addr,
            host: HeaderValue::from_str(&addr.to_string())?,
            authorization,
            sender: None,
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>> {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("connecting to {}", self.addr))?;
        // Small requests (panel GETs) must not wait for Nagle's algorithm.
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake")?;
        tokio::spawn(async move {
            // The connection ends when the client drops the sender or the server closes it;
            // a failed request reports its own error.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// Sends one request and reads the whole response. Connects (again) when there is no open
    /// connection; a request that fails on the wire drops the connection and returns the error,
    /// leaving the decision to retry to the caller.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<Response> {
        let mut sender = match self.sender.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.connect().await?,
        };
        sender.ready().await.context("connection not ready")?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone());
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let request = request.body(Full::new(body)).context("building the request")?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|err| anyhow!("request to {path} failed: {err}"))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok());
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|err| anyhow!("reading the response to {path}: {err}"))?
            .to_bytes();
        self.sender = Some(sender);
        Ok(Response {
            status,
            body,
            retry_after,
        })
    }

    pub async fn get(&mut self, path: &str) -> Result<Response> {
        self.send(Method::GET, path, None, Bytes::new()).await
    }
}
