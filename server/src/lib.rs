//! The Atrium server: configuration, database start-up, the axum router around the Leptos app,
//! and the process lifecycle.
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod audit_export;
pub mod config;
pub mod data_export;
pub mod database;
pub mod delivery;
pub mod demo;
pub mod edge;
pub mod health;
pub mod jobs;
pub mod live;
pub mod middleware;
pub mod routes;
pub mod seed;
pub mod sso;
pub mod telemetry;

use anyhow::Context;
use config::Config;

/// Runs the dashboard until SIGINT/SIGTERM, then stops the private database if it started one.
pub async fn run() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let database = database::prepare(&config).await?;
    if !atrium_app::auth::settings::configure(config.auth) {
        tracing::warn!("sign-in settings were in use before start-up applied them; the defaults stay");
    }
    if !atrium_app::tenants::erasure::configure_delay(config.erase_delay_hours) {
        tracing::warn!("the erasure delay was in use before start-up applied it; the default stays");
    }
    atrium_app::auth::password::warm_up();
    if config.seed_demo.unwrap_or(database.is_private()) {
        seed::seed_demo(&database.db, &config)
            .await
            .context("seeding the demo data")?;
    }
    // Bound before anything that needs the server's own address (the live demo's channel).
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    // The live demo's channel reaches this server at its own address.
    let demo_receiver = config
        .demo_live
        .unwrap_or(database.is_private())
        .then(|| demo::receiver_address(addr));
    let mut delivery_settings = config.delivery.clone();
    delivery_settings.policy.demo_receiver = demo_receiver;
    let live = live::Live::new(live::LiveSettings::default());
    let listener_task = live.start(database.db.clone());
    let outbox = atrium_app::notifications::outbox::Outbox::new(delivery_settings)
        .context("setting up outbound notifications")?;
    let lanes = atrium_app::analytics::lanes::IngestLanes::new(database.db.clone());
    let demo = match demo_receiver {
        Some(receiver) => Some(
            demo::start(&database.db, &outbox, &lanes, receiver, chrono::Utc::now())
                .await
                .context("starting the live demo")?,
        ),
        None => None,
    };
    tracing::info!(replica = %config.replica_id, "starting replica");
    let (replica, stop_jobs) = jobs::Replica::new(config.replica_id.clone());
    let job_tasks = [
        tokio::spawn(jobs::audit_pruning(
            database.db.clone(),
            replica.clone(),
            config.intervals.audit_pruning,
        )),
        tokio::spawn(jobs::analytics_maintenance(
            database.db.clone(),
            replica.clone(),
            config.intervals.analytics_maintenance,
        )),
        tokio::spawn(jobs::alert_evaluation(
            database.db.clone(),
            replica.clone(),
            config.intervals.alert_evaluation,
        )),
        tokio::spawn(jobs::session_cleanup(
            database.db.clone(),
            replica.clone(),
            config.intervals.session_cleanup,
        )),
        tokio::spawn(jobs::signature_nonce_cleanup(
            database.db.clone(),
            replica.clone(),
            config.intervals.signature_nonce_cleanup,
        )),
        tokio::spawn(jobs::tenant_erasure(
            database.db.clone(),
            replica.clone(),
            config.intervals.tenant_erasure,
        )),
    ];
    // Every replica runs a delivery worker: SKIP LOCKED shares the due rows, no leader needed.
    let (stop_delivery, delivery_stopped) = tokio::sync::watch::channel(false);
    let mut delivery_worker = tokio::spawn(delivery::run(database.db.clone(), outbox.clone(), delivery_stopped));
    let sso = atrium_app::sso::service::Sso::new(
        config::sealer(&config, database.is_private())?,
        config.delivery.policy,
        &config.delivery.public_url,
    )
    .context("setting up single sign-on")?;
    let limits = atrium_app::limits::RateLimits::new(config.limits);
    let blocks = atrium_app::ip_blocks::service::BlockList::default();
    if let Err(error) = blocks.refresh(&database.db).await {
        tracing::warn!(%error, "could not read the IP blocks at start; the next refresh retries");
    }
    // In-memory, per replica: every replica reloads the blocks and trims its own limiters.
    let (stop_upkeep, upkeep_stopped) = tokio::sync::watch::channel(false);
    let upkeep = tokio::spawn(edge::rate::upkeep(
        edge::rate::EdgeLimits {
            db: database.db.clone(),
            limits: limits.clone(),
            blocks: blocks.clone(),
        },
        upkeep_stopped,
    ));
    let options = routes::leptos_options(&config);
    let app = routes::router(routes::AppState {
        leptos_options: options,
        db: database.db.clone(),
        ingest: config.ingest,
        lanes,
        live: live.clone(),
        jobs: config.intervals,
        outbox: outbox.clone(),
        http: config.http,
        limits,
        blocks,
        site: std::sync::Arc::new(config.site.clone()),
        sso,
    });
    println!("\n  Atrium is running at http://{addr}\n");
    tracing::info!(%addr, "listening");
    edge::serve::serve(listener, app, config.http, {
        let live = live.clone();
        async move {
            shutdown_signal().await;
            // Hand the jobs over before draining anything: each leader closes its lock
            // connection now, so another replica leads at its next tick.
            stop_jobs.stop();
            // Upgraded sockets are not the server's to drain: say goodbye to them first, so
            // browsers reconnect to another replica.
            live.shut_down();
        }
    })
    .await;
    tracing::info!("shutting down");
    if let Some(demo) = demo {
        demo.stop().await;
    }
    let _ = stop_upkeep.send(true);
    let _ = upkeep.await;
    live.shut_down();
    live.closed(std::time::Duration::from_secs(3)).await;
    let _ = listener_task.await;
    // Stopped since the signal; a loop still closing its connection gets a moment to finish.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), futures::future::join_all(job_tasks)).await;
    // Let attempts in flight finish and be recorded; one cut short is retried by another
    // replica (or this one after a restart) when its lease ends.
    let _ = stop_delivery.send(true);
    let grace = config.delivery.timeout + std::time::Duration::from_secs(5);
    if tokio::time::timeout(grace, &mut delivery_worker).await.is_err() {
        tracing::warn!("delivery worker did not stop in time; its leases will expire");
        delivery_worker.abort();
    }
    database.shutdown().await;
    Ok(())
}

/// Applies migrations to `DATABASE_URL` (or the private database) and exits.
pub async fn migrate_only() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let database = database::prepare(&config).await?;
    database.shutdown().await;
    Ok(())
}

/// `atrium audit verify`: verifies every audit chain and fails (exit status 1) at a broken link.
pub async fn audit_verify() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let database = database::prepare(&config).await?;
    let report =
        atrium_app::audit::db::verify_all_chains(&database.db, atrium_app::db::PlatformGuard::for_system_task())
            .await
            .context("reading the audit chains");
    database.shutdown().await;
    let report = report?;
    println!(
        "audit: {} chain(s), {} row(s) verified ({} with erased personal data), {} unchained row(s) from before the chain",
        report.chains, report.rows, report.erased, report.unchained
    );
    if report.is_intact() {
        println!("audit: every chain is intact");
        return Ok(());
    }
    for link in &report.broken {
        let chain = match (&link.tenant_name, link.tenant_id) {
            (Some(name), Some(id)) => format!("tenant {name} ({id})"),
            (None, Some(id)) => format!("tenant {id}"),
            _ => "platform chain".to_owned(),
        };
        let row = link.audit_id.map_or_else(|| "-".to_owned(), |id| id.to_string());
        println!(
            "audit: {chain}: first broken link at chain position {} (audit_id {row}): {:?}",
            link.chain_seq, link.reason
        );
    }
    anyhow::bail!("{} audit chain(s) are broken", report.broken.len())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
