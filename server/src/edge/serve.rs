//! The connection loop: accepts TCP connections and serves the router over HTTP/1.1 with
//! upgrades (websockets), like `axum::serve`, plus what axum::serve lacks: a deadline for the
//! request head. hyper enforces it only with a timer, which axum::serve never sets, so a client
//! sending one header byte at a time kept a connection (and its task) forever. The same deadline
//! closes keep-alive connections left idle. Peers ride in `ConnectInfo<SocketAddr>` as with
//! `into_make_service_with_connect_info`; shutdown is graceful (stop accepting, let requests in
//! flight finish, then return).

use super::HttpSettings;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Serves `router` on `listener` until `shutdown` resolves, then waits for open connections to
/// finish their requests.
pub async fn serve(listener: TcpListener, router: Router, settings: HttpSettings, shutdown: impl Future<Output = ()>) {
    // Dropping `stop` tells every connection to finish; each holds a `done` receiver, so
    // `finished.closed()` resolves once the last one has.
    let (stop, stopping) = watch::channel(());
    let (finished, done) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small frames (websocket events) go out at once.
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = tower::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let mut stopping = stopping.clone();
        let done = done.clone();
        let header_read_timeout = settings.header_read_timeout;
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout);
            let connection = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%peer, %error, "connection ended with an error");
                    }
                }
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(done);
        });
    }
    drop(stop);
    drop(done);
    finished.closed().await;
}
