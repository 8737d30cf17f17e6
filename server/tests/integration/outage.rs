//! PostgreSQL stopped under a running server (issue 12): the readiness probe answers 503 within
//! a second, pages and server functions answer "unavailable" within two instead of hanging, the
//! liveness probe stays up, and everything comes back by itself when PostgreSQL does.

use super::common::spawn_app_as_deployed;
use atrium_app::error::AppError;
use axum::http::{StatusCode, header};
use leptos::server_fn::ServerFn;
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_stopped_database_gets_quick_503s_and_the_server_recovers() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("atrium-outage");
    let _ = std::fs::remove_dir_all(&data);
    let cluster_dir = data.clone();
    let mut cluster = tokio::task::spawn_blocking(move || pgcluster::Cluster::start(&cluster_dir))
        .await
        .expect("join")
        .expect("private cluster");
    cluster.ensure_database("atrium").expect("database");
    let options = PgConnectOptions::from_str(&cluster.url("atrium")).expect("url");
    let mut owner = options.connect().await.expect("owner");
    atrium_app::db::MIGRATOR.run(&mut owner).await.expect("migrate");
    drop(owner);
    let app = spawn_app_as_deployed(options).await;
    let admin = app.sign_in("admin@atrium.test").await;
    assert_eq!(app.get("/users", Some(&admin)).await.status, StatusCode::OK);

    let mut cluster = tokio::task::spawn_blocking(move || {
        cluster.stop();
        cluster
    })
    .await
    .expect("stop");

    let started = Instant::now();
    let ready = app.get("/ready", None).await;
    let took = started.elapsed();
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE, "{}", ready.body);
    assert!(took < Duration::from_secs(1), "/ready took {took:?}");
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);

    let started = Instant::now();
    let page = app.get("/users", Some(&admin)).await;
    let took = started.elapsed();
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
    assert!(took < Duration::from_secs(2), "the page took {took:?}");
    assert!(page.body.contains("cannot reach its database"), "{}", page.body);
    assert!(page.headers.contains_key(header::RETRY_AFTER));

    let started = Instant::now();
    let call = app
        .call(atrium_app::users::api::ListUsers::PATH, Some(&admin), &[("query", "")])
        .await;
    let took = started.elapsed();
    assert_eq!(call.status, StatusCode::SERVICE_UNAVAILABLE, "{}", call.body);
    assert_eq!(call.error(), AppError::Unavailable);
    assert!(took < Duration::from_secs(2), "the server function took {took:?}");

    // Signing in needs the database too: refused as unavailable, not as a wrong password.
    let started = Instant::now();
    let login = app
        .call(
            atrium_app::auth::api::Login::PATH,
            None,
            &[("email", "admin@atrium.test"), ("password", super::common::PASSWORD)],
        )
        .await;
    assert_eq!(login.status, StatusCode::SERVICE_UNAVAILABLE, "{}", login.body);
    assert!(started.elapsed() < Duration::from_secs(2));

    let mut cluster = tokio::task::spawn_blocking(move || {
        cluster.restart().expect("restart");
        cluster
    })
    .await
    .expect("restart");
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.get("/ready", None).await.status != StatusCode::OK {
        assert!(Instant::now() < deadline, "/ready never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/users", Some(&admin)).await.status, StatusCode::OK);
    let call = app
        .call(atrium_app::users::api::ListUsers::PATH, Some(&admin), &[("query", "")])
        .await;
    assert_eq!(call.status, StatusCode::OK, "{}", call.body);

    drop(app);
    tokio::task::spawn_blocking(move || cluster.stop()).await.expect("stop");
    let _ = std::fs::remove_dir_all(&data);
}
