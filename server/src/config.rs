//! Settings from the environment (each one is documented in `.env.example`).

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; `None` starts a private PostgreSQL under `data_dir`.
    pub database_url: Option<String>,
    pub addr: SocketAddr,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub admin_email: String,
    pub admin_password: Option<String>,
    /// `None`: seed only the private database.
    pub seed_demo: Option<bool>,
    /// `ATRIUM_INGEST_*`: what one ingestion request may carry.
    pub ingest: atrium_app::analytics::ingest::IngestLimits,
    /// `ATRIUM_ALERT_INTERVAL_SECS`: how often alert rules are evaluated.
    pub alert_interval: std::time::Duration,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let addr = var("ATRIUM_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let seed_demo = match var("ATRIUM_SEED_DEMO").as_deref() {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(other) => anyhow::bail!("ATRIUM_SEED_DEMO must be true or false, not {other:?}"),
        };
        Ok(Self {
            database_url: var("DATABASE_URL"),
            addr: addr
                .parse()
                .with_context(|| format!("ATRIUM_ADDR {addr:?} is not host:port"))?,
            site_root: var("ATRIUM_SITE_ROOT")
                .unwrap_or_else(|| "target/site".to_owned())
                .into(),
            data_dir: var("ATRIUM_DATA_DIR").unwrap_or_else(|| ".data".to_owned()).into(),
            admin_email: var("ATRIUM_ADMIN_EMAIL").unwrap_or_else(|| "admin@atrium.local".to_owned()),
            admin_password: var("ATRIUM_ADMIN_PASSWORD"),
            seed_demo,
            ingest: ingest_limits()?,
            alert_interval: match var("ATRIUM_ALERT_INTERVAL_SECS") {
                None => crate::jobs::ALERT_INTERVAL,
                Some(text) => match text.parse::<u64>() {
                    Ok(secs) if (1..=3600).contains(&secs) => std::time::Duration::from_secs(secs),
                    _ => anyhow::bail!(
                        "ATRIUM_ALERT_INTERVAL_SECS must be a whole number of seconds from 1 to 3600, not {text:?}"
                    ),
                },
            },
        })
    }
}

/// `ATRIUM_INGEST_MAX_POINTS`, `ATRIUM_INGEST_MAX_BYTES`, `ATRIUM_INGEST_MAX_AGE_HOURS` and
/// `ATRIUM_INGEST_MAX_FUTURE_SECS`, each defaulting to `IngestLimits::default()`.
fn ingest_limits() -> anyhow::Result<atrium_app::analytics::ingest::IngestLimits> {
    let defaults = atrium_app::analytics::ingest::IngestLimits::default();
    let number = |name: &str, default: i64| -> anyhow::Result<i64> {
        match var(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("{name} must be a positive whole number, not {raw:?}")),
        }
    };
    Ok(atrium_app::analytics::ingest::IngestLimits {
        max_points: usize::try_from(number("ATRIUM_INGEST_MAX_POINTS", defaults.max_points as i64)?)?,
        max_bytes: usize::try_from(number("ATRIUM_INGEST_MAX_BYTES", defaults.max_bytes as i64)?)?,
        max_age: chrono::Duration::hours(number("ATRIUM_INGEST_MAX_AGE_HOURS", defaults.max_age.num_hours())?),
        max_future: chrono::Duration::seconds(number(
            "ATRIUM_INGEST_MAX_FUTURE_SECS",
            defaults.max_future.num_seconds(),
        )?),
    })
}
