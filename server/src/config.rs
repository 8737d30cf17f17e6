//! Settings from the environment (each one is documented in `.env.example`).

use crate::edge::HttpSettings;
use crate::jobs::JobIntervals;
use anyhow::Context;
use atrium_app::auth::password::HashingLimits;
use atrium_app::auth::settings::AuthSettings;
use atrium_app::limits::LimitSettings;
use atrium_app::notifications::outbound::AddressPolicy;
use atrium_app::notifications::outbox::{DeliverySettings, SmtpSettings, SmtpTls, parse_schedule};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; `None` starts a private PostgreSQL under `data_dir`.
    pub database_url: Option<String>,
    /// `ATRIUM_APP_DATABASE_URL`: how the app logs in (a role without SUPERUSER or BYPASSRLS).
    /// `None`: as `atrium_app` with `DATABASE_URL`'s server and a password derived from its.
    pub app_database_url: Option<String>,
    /// `ATRIUM_DB_MAX_CONNECTIONS` (default [`default_pool_size`]): the app pool's size. A
    /// request holds one connection for its transaction only.
    pub db_max_connections: u32,
    pub addr: SocketAddr,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub admin_email: String,
    pub admin_password: Option<String>,
    /// `None`: seed only the private database.
    pub seed_demo: Option<bool>,
    /// `ATRIUM_DEMO_LIVE`: the demo's week of metrics, alerts and channel, and new points every
    /// few seconds. `None`: only with the private database.
    pub demo_live: Option<bool>,
    /// `ATRIUM_INGEST_*`: what one ingestion request may carry.
    pub ingest: atrium_app::analytics::ingest::IngestLimits,
    /// `ATRIUM_REPLICA_ID`, else `<hostname>-<pid>`: this process in logs and `job_leaders`.
    pub replica_id: String,
    /// `ATRIUM_*_INTERVAL_SECS`: how often each periodic job runs.
    pub intervals: JobIntervals,
    /// `ATRIUM_DELIVERY_*`, `ATRIUM_OUTBOUND_ALLOW_PRIVATE`, `ATRIUM_PUBLIC_URL`,
    /// `ATRIUM_CHANNEL_DISABLE_AFTER_HOURS`, `ATRIUM_SMTP_*`: outbound notifications.
    pub delivery: DeliverySettings,
    /// `ATRIUM_SESSION_IDLE_MINUTES`, `ATRIUM_PASSWORD_HASH_*`: sessions and password hashing.
    pub auth: AuthSettings,
    /// `ATRIUM_TENANT_ERASE_DELAY_HOURS`: how long a workspace's requested erasure can be
    /// cancelled before it is carried out.
    pub erase_delay_hours: u32,
    /// `ATRIUM_TRUST_FORWARDED_PROTO`, `ATRIUM_TRUSTED_PROXY_HOPS`, `ATRIUM_MAX_BODY_BYTES`,
    /// `ATRIUM_REQUEST_TIMEOUT_SECS`, `ATRIUM_HEADER_READ_TIMEOUT_SECS`: the HTTP edge's trust
    /// and limits.
    pub http: HttpSettings,
    /// `ATRIUM_RATE_*`, `ATRIUM_REPLICAS`, `ATRIUM_IP_BLOCK_*`: rate limits and automatic blocks.
    pub limits: LimitSettings,
    /// `ATRIUM_BASE_DOMAIN`, `ATRIUM_TENANT_HEADER_PROXIES`: how tenants' portals are reached.
    pub site: crate::edge::site::SiteSettings,
    /// `ATRIUM_ENCRYPTION_KEY`: the key secrets stored in the database are sealed with. `None`:
    /// the private database's key file (`encryption_key`), else no key.
    pub encryption_key: Option<EncryptionKey>,
}

/// A 256-bit key, never printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EncryptionKey(pub [u8; 32]);

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(..)")
    }
}

/// `ATRIUM_ENCRYPTION_KEY`: 64 hexadecimal digits.
fn encryption_key(raw: Option<String>) -> anyhow::Result<Option<EncryptionKey>> {
    match raw {
        None => Ok(None),
        Some(text) => atrium_app::secrets::Sealer::parse_key(&text)
            .map(|key| Some(EncryptionKey(key)))
            .context(
                "ATRIUM_ENCRYPTION_KEY must be 64 hexadecimal digits (32 bytes), e.g. from `openssl rand -hex 32`",
            ),
    }
}

/// The sealer for stored secrets: the configured key; with the private database and no key, the
/// key file beside its data (made on first start, readable by this user only), so the demo
/// works with no configuration; otherwise none (single sign-on then cannot be set up, and the
/// log says what to set).
pub fn sealer(config: &Config, private_database: bool) -> anyhow::Result<atrium_app::secrets::Sealer> {
    use atrium_app::secrets::Sealer;
    if let Some(EncryptionKey(key)) = config.encryption_key {
        return Ok(Sealer::new(key));
    }
    if !private_database {
        tracing::warn!("ATRIUM_ENCRYPTION_KEY is unset: secrets such as OpenID client secrets cannot be stored");
        return Ok(Sealer::none());
    }
    let path = config.data_dir.join("encryption_key");
    if !path.exists() {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        writeln!(file, "{}", Sealer::new_key_text()).with_context(|| format!("writing {}", path.display()))?;
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let key =
        Sealer::parse_key(&text).with_context(|| format!("{} does not hold 64 hexadecimal digits", path.display()))?;
    Ok(Sealer::new(key))
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
        let addr: SocketAddr = addr
            .parse()
            .with_context(|| format!("ATRIUM_ADDR {addr:?} is not host:port"))?;
        Ok(Self {
            database_url: var("DATABASE_URL"),
            app_database_url: var("ATRIUM_APP_DATABASE_URL"),
            db_max_connections: u32::try_from(positive("ATRIUM_DB_MAX_CONNECTIONS", default_pool_size().into())?)
                .ok()
                .filter(|n| *n <= 1000)
                .context("ATRIUM_DB_MAX_CONNECTIONS must be at most 1000")?,
            addr,
            site_root: var("ATRIUM_SITE_ROOT")
                .unwrap_or_else(|| "target/site".to_owned())
                .into(),
            data_dir: var("ATRIUM_DATA_DIR").unwrap_or_else(|| ".data".to_owned()).into(),
            admin_email: var("ATRIUM_ADMIN_EMAIL").unwrap_or_else(|| "admin@atrium.local".to_owned()),
            admin_password: var("ATRIUM_ADMIN_PASSWORD"),
            seed_demo,
            demo_live: flag("ATRIUM_DEMO_LIVE")?,
            ingest: ingest_limits()?,
            replica_id: replica_id(var("ATRIUM_REPLICA_ID"))?,
            intervals: job_intervals()?,
            delivery: delivery_settings(addr)?,
            auth: auth_settings()?,
            erase_delay_hours: erase_delay_hours(var("ATRIUM_TENANT_ERASE_DELAY_HOURS"))?,
            http: http_settings()?,
            limits: limit_settings()?,
            site: site_settings()?,
            encryption_key: encryption_key(var("ATRIUM_ENCRYPTION_KEY"))?,
        })
    }
}

/// The longest job interval accepted: a week (longer ones are surely a typo, and tokio's timers
/// must not overflow).
const MAX_INTERVAL_SECS: u64 = 7 * 24 * 3600;

/// `ATRIUM_AUDIT_PRUNE_INTERVAL_SECS`, `ATRIUM_ANALYTICS_MAINTENANCE_INTERVAL_SECS`,
/// `ATRIUM_ALERT_INTERVAL_SECS`, `ATRIUM_SESSION_CLEANUP_INTERVAL_SECS`,
/// `ATRIUM_NONCE_CLEANUP_INTERVAL_SECS` and `ATRIUM_TENANT_ERASURE_INTERVAL_SECS`, each defaulting to
/// `JobIntervals::default()`.
fn job_intervals() -> anyhow::Result<JobIntervals> {
    let defaults = JobIntervals::default();
    Ok(JobIntervals {
        audit_pruning: interval(
            "ATRIUM_AUDIT_PRUNE_INTERVAL_SECS",
            var("ATRIUM_AUDIT_PRUNE_INTERVAL_SECS"),
            defaults.audit_pruning,
        )?,
        analytics_maintenance: interval(
            "ATRIUM_ANALYTICS_MAINTENANCE_INTERVAL_SECS",
            var("ATRIUM_ANALYTICS_MAINTENANCE_INTERVAL_SECS"),
            defaults.analytics_maintenance,
        )?,
        alert_evaluation: interval(
            "ATRIUM_ALERT_INTERVAL_SECS",
            var("ATRIUM_ALERT_INTERVAL_SECS"),
            defaults.alert_evaluation,
        )?,
        session_cleanup: interval(
            "ATRIUM_SESSION_CLEANUP_INTERVAL_SECS",
            var("ATRIUM_SESSION_CLEANUP_INTERVAL_SECS"),
            defaults.session_cleanup,
        )?,
        signature_nonce_cleanup: interval(
            "ATRIUM_NONCE_CLEANUP_INTERVAL_SECS",
            var("ATRIUM_NONCE_CLEANUP_INTERVAL_SECS"),
            defaults.signature_nonce_cleanup,
        )?,
        tenant_erasure: interval(
            "ATRIUM_TENANT_ERASURE_INTERVAL_SECS",
            var("ATRIUM_TENANT_ERASURE_INTERVAL_SECS"),
            defaults.tenant_erasure,
        )?,
    })
}

/// `ATRIUM_TENANT_ERASE_DELAY_HOURS`: whole hours from 1 to a year, a week when unset.
fn erase_delay_hours(raw: Option<String>) -> anyhow::Result<u32> {
    use atrium_app::tenants::types::{DEFAULT_ERASE_DELAY_HOURS, MAX_ERASE_DELAY_HOURS};
    let Some(raw) = raw else {
        return Ok(DEFAULT_ERASE_DELAY_HOURS);
    };
    raw.parse::<u32>()
        .ok()
        .filter(|hours| (1..=MAX_ERASE_DELAY_HOURS).contains(hours))
        .with_context(|| {
            format!("ATRIUM_TENANT_ERASE_DELAY_HOURS must be a whole number of hours from 1 to {MAX_ERASE_DELAY_HOURS}, not {raw:?}")
        })
}

/// The longest idle timeout accepted: 30 days (sessions expire after 12 hours anyway).
const MAX_SESSION_IDLE_MINUTES: u64 = 30 * 24 * 60;

/// `ATRIUM_SESSION_IDLE_MINUTES` (default 60), `ATRIUM_PASSWORD_HASH_CONCURRENCY` (default: the
/// number of CPUs), `ATRIUM_PASSWORD_HASH_QUEUE` (default 64) and `ATRIUM_PASSWORD_HASH_WAIT_SECS`
/// (default 10).
fn auth_settings() -> anyhow::Result<AuthSettings> {
    let defaults = AuthSettings::default();
    let idle = positive("ATRIUM_SESSION_IDLE_MINUTES", u64::from(defaults.session_idle_minutes))?;
    anyhow::ensure!(
        idle <= MAX_SESSION_IDLE_MINUTES,
        "ATRIUM_SESSION_IDLE_MINUTES must be at most {MAX_SESSION_IDLE_MINUTES}, not {idle}"
    );
    let hashing = HashingLimits {
        concurrency: usize::try_from(positive(
            "ATRIUM_PASSWORD_HASH_CONCURRENCY",
            defaults.hashing.concurrency as u64,
        )?)?,
        queue: usize::try_from(positive("ATRIUM_PASSWORD_HASH_QUEUE", defaults.hashing.queue as u64)?)?,
        max_wait: Duration::from_secs(positive(
            "ATRIUM_PASSWORD_HASH_WAIT_SECS",
            defaults.hashing.max_wait.as_secs(),
        )?),
    };
    Ok(AuthSettings {
        session_idle_minutes: u32::try_from(idle)?,
        hashing,
    })
}

fn interval(name: &str, raw: Option<String>, default: Duration) -> anyhow::Result<Duration> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    raw.parse::<u64>()
        .ok()
        .filter(|secs| (1..=MAX_INTERVAL_SECS).contains(secs))
        .map(Duration::from_secs)
        .with_context(|| format!("{name} must be a whole number of seconds from 1 to {MAX_INTERVAL_SECS}, not {raw:?}"))
}

/// The longest replica id (the `job_leaders.leader_replica` check allows 128 characters).
const MAX_REPLICA_ID: usize = 128;

/// `ATRIUM_REPLICA_ID` as given (up to 128 visible characters, no spaces), else
/// `<hostname>-<pid>`: unique per process on one host, and a pod's name on Kubernetes.
fn replica_id(configured: Option<String>) -> anyhow::Result<String> {
    match configured {
        Some(id) => {
            let visible = id.chars().all(|c| !c.is_whitespace() && !c.is_control());
            anyhow::ensure!(
                visible && id.chars().count() <= MAX_REPLICA_ID,
                "ATRIUM_REPLICA_ID must be at most {MAX_REPLICA_ID} characters without spaces, not {id:?}"
            );
            Ok(id)
        }
        None => {
            let host: String = hostname()
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .take(MAX_REPLICA_ID - 12)
                .collect();
            let host = if host.is_empty() { "atrium".to_owned() } else { host };
            Ok(format!("{host}-{}", std::process::id()))
        }
    }
}

/// The machine's name without a dependency: Linux's kernel setting, else `/etc/hostname`, else
/// `$HOSTNAME`; empty when none is there.
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .unwrap_or_default()
}

fn flag(name: &str) -> anyhow::Result<Option<bool>> {
    match var(name).as_deref() {
        None => Ok(None),
        Some("true" | "1" | "yes") => Ok(Some(true)),
        Some("false" | "0" | "no") => Ok(Some(false)),
        Some(other) => anyhow::bail!("{name} must be true or false, not {other:?}"),
    }
}

/// Two connections per core plus one: the usual starting point for a PostgreSQL pool (busy
/// backends beyond the cores only take turns). On the 2-core bench machine, with PostgreSQL on the
/// same cores, 5 served the list pages 5-10% faster than 16 with p99 54 instead of 76 ms, and
/// ingestion no slower (`bench/RESULTS.md`); 32 was a third slower. The background jobs keep
/// connections of their own, outside the pool.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores).map_or(u32::MAX, |cores| cores.saturating_mul(2).saturating_add(1))
}

fn positive(name: &str, default: u64) -> anyhow::Result<u64> {
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("{name} must be a positive whole number, not {raw:?}")),
    }
}

/// `ATRIUM_BASE_DOMAIN` (a host name: `acme.{it}` is Acme's portal) and
/// `ATRIUM_TENANT_HEADER_PROXIES` (comma-separated addresses or CIDR ranges whose `X-Tenant`
/// header is believed).
fn site_settings() -> anyhow::Result<crate::edge::site::SiteSettings> {
    let base_domain = match var("ATRIUM_BASE_DOMAIN") {
        None => None,
        Some(raw) => {
            let domain = raw.trim_start_matches('.').to_ascii_lowercase();
            let labels_ok = domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
            anyhow::ensure!(
                labels_ok && domain.len() <= 253,
                "ATRIUM_BASE_DOMAIN must be a host name without scheme or port, like atrium.example.com, not {raw:?}"
            );
            Some(domain)
        }
    };
    let header_proxies = var("ATRIUM_TENANT_HEADER_PROXIES")
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(|entry| {
                    entry
                        .parse::<ipnet::IpNet>()
                        .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .with_context(|| {
                            format!("ATRIUM_TENANT_HEADER_PROXIES: {entry:?} is not an address or CIDR range")
                        })
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(crate::edge::site::SiteSettings {
        base_domain,
        header_proxies,
    })
}

/// The HTTP edge's settings; defaults in `HttpSettings::default()`.
fn http_settings() -> anyhow::Result<HttpSettings> {
    let defaults = HttpSettings::default();
    let seconds = |name: &str, default: Duration| -> anyhow::Result<Duration> {
        let secs = positive(name, default.as_secs())?;
        anyhow::ensure!(secs <= 3600, "{name} must be at most 3600 seconds, not {secs}");
        Ok(Duration::from_secs(secs))
    };
    Ok(HttpSettings {
        trust_forwarded_proto: flag("ATRIUM_TRUST_FORWARDED_PROTO")?.unwrap_or(defaults.trust_forwarded_proto),
        max_body_bytes: usize::try_from(positive("ATRIUM_MAX_BODY_BYTES", defaults.max_body_bytes as u64)?)
            .context("ATRIUM_MAX_BODY_BYTES is too large")?,
        request_timeout: seconds("ATRIUM_REQUEST_TIMEOUT_SECS", defaults.request_timeout)?,
        header_read_timeout: seconds("ATRIUM_HEADER_READ_TIMEOUT_SECS", defaults.header_read_timeout)?,
        trusted_proxy_hops: {
            let hops = match var("ATRIUM_TRUSTED_PROXY_HOPS") {
                None => u64::from(defaults.trusted_proxy_hops),
                Some(raw) => raw.parse::<u64>().ok().filter(|hops| *hops <= 10).with_context(|| {
                    format!("ATRIUM_TRUSTED_PROXY_HOPS must be a whole number from 0 to 10, not {raw:?}")
                })?,
            };
            u8::try_from(hops)?
        },
    })
}

/// The rate limits and automatic blocks; defaults in `LimitSettings::default()`.
fn limit_settings() -> anyhow::Result<LimitSettings> {
    let defaults = LimitSettings::default();
    let count = |name: &str, default: u32| -> anyhow::Result<u32> {
        u32::try_from(positive(name, u64::from(default))?).with_context(|| format!("{name} is too large"))
    };
    let seconds = |name: &str, default: std::time::Duration, max: u64| -> anyhow::Result<std::time::Duration> {
        let secs = positive(name, default.as_secs())?;
        anyhow::ensure!(secs <= max, "{name} must be at most {max}, not {secs}");
        Ok(std::time::Duration::from_secs(secs))
    };
    let replicas = count("ATRIUM_REPLICAS", defaults.replicas)?;
    anyhow::ensure!(replicas <= 1000, "ATRIUM_REPLICAS must be at most 1000, not {replicas}");
    Ok(LimitSettings {
        ip_per_minute: count("ATRIUM_RATE_IP_PER_MINUTE", defaults.ip_per_minute)?,
        ip_burst: count("ATRIUM_RATE_IP_BURST", defaults.ip_burst)?,
        sign_in_per_minute: count("ATRIUM_RATE_SIGN_IN_PER_MINUTE", defaults.sign_in_per_minute)?,
        sign_in_burst: count("ATRIUM_RATE_SIGN_IN_BURST", defaults.sign_in_burst)?,
        expensive_per_hour: count("ATRIUM_RATE_EXPENSIVE_PER_HOUR", defaults.expensive_per_hour)?,
        expensive_burst: count("ATRIUM_RATE_EXPENSIVE_BURST", defaults.expensive_burst)?,
        replicas,
        block_after: count("ATRIUM_IP_BLOCK_AFTER", defaults.block_after)?,
        block_window: seconds("ATRIUM_IP_BLOCK_WINDOW_SECS", defaults.block_window, 86_400)?,
        block_for: std::time::Duration::from_secs(
            60 * seconds(
                "ATRIUM_IP_BLOCK_MINUTES",
                std::time::Duration::from_secs(defaults.block_for.as_secs() / 60),
                30 * 24 * 60,
            )?
            .as_secs(),
        ),
        block_refresh: seconds("ATRIUM_IP_BLOCK_REFRESH_SECS", defaults.block_refresh, 3600)?,
    })
}

/// The outbound notification settings; defaults in `DeliverySettings::default()`.
fn delivery_settings(addr: SocketAddr) -> anyhow::Result<DeliverySettings> {
    let defaults = DeliverySettings::default();
    let schedule = match var("ATRIUM_DELIVERY_SCHEDULE") {
        None => defaults.schedule,
        Some(raw) => parse_schedule(&raw).map_err(|e| anyhow::anyhow!("ATRIUM_DELIVERY_SCHEDULE: {e}"))?,
    };
    let timeout = Duration::from_secs(positive("ATRIUM_DELIVERY_TIMEOUT_SECS", defaults.timeout.as_secs())?);
    let lease = Duration::from_secs(positive("ATRIUM_DELIVERY_LEASE_SECS", defaults.lease.as_secs())?);
    if lease <= timeout {
        anyhow::bail!("ATRIUM_DELIVERY_LEASE_SECS must be longer than ATRIUM_DELIVERY_TIMEOUT_SECS");
    }
    let public_url = var("ATRIUM_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        anyhow::bail!("ATRIUM_PUBLIC_URL must start with http:// or https://, not {public_url:?}");
    }
    Ok(DeliverySettings {
        schedule,
        timeout,
        lease,
        poll_interval: Duration::from_millis(positive(
            "ATRIUM_DELIVERY_POLL_MS",
            u64::try_from(defaults.poll_interval.as_millis()).unwrap_or(1000),
        )?),
        batch: i64::try_from(positive("ATRIUM_DELIVERY_BATCH", 16)?.min(1000))?,
        disable_after: Duration::from_secs(3600 * positive("ATRIUM_CHANNEL_DISABLE_AFTER_HOURS", 24)?),
        policy: AddressPolicy {
            allow_private: flag("ATRIUM_OUTBOUND_ALLOW_PRIVATE")?.unwrap_or(false),
            // Set at start-up once the listener is bound, when the live demo runs.
            demo_receiver: None,
        },
        public_url: public_url.trim_end_matches('/').to_owned(),
        smtp: smtp_settings()?,
    })
}

/// `ATRIUM_SMTP_*`; none without a host.
fn smtp_settings() -> anyhow::Result<Option<SmtpSettings>> {
    let Some(host) = var("ATRIUM_SMTP_HOST") else {
        return Ok(None);
    };
    let tls = match var("ATRIUM_SMTP_TLS").as_deref() {
        None | Some("starttls") => SmtpTls::StartTls,
        Some("tls") => SmtpTls::Tls,
        Some("none") => SmtpTls::None,
        Some(other) => anyhow::bail!("ATRIUM_SMTP_TLS must be starttls, tls or none, not {other:?}"),
    };
    let default_port = match tls {
        SmtpTls::StartTls => 587,
        SmtpTls::Tls => 465,
        SmtpTls::None => 25,
    };
    let port = u16::try_from(positive("ATRIUM_SMTP_PORT", default_port)?).context("ATRIUM_SMTP_PORT is too large")?;
    Ok(Some(SmtpSettings {
        host,
        port,
        tls,
        username: var("ATRIUM_SMTP_USERNAME"),
        password: var("ATRIUM_SMTP_PASSWORD"),
        from: var("ATRIUM_SMTP_FROM").context("ATRIUM_SMTP_FROM is required with ATRIUM_SMTP_HOST")?,
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_whole_positive_seconds_up_to_a_week() {
        let default = Duration::from_secs(15);
        assert_eq!(interval("X", None, default).expect("default"), default);
        assert_eq!(
            interval("X", Some("1".into()), default).expect("one"),
            Duration::from_secs(1)
        );
        assert_eq!(
            interval("X", Some("604800".into()), default).expect("a week"),
            Duration::from_secs(604_800)
        );
        for bad in ["0", "-5", "1.5", "15s", "604801", "99999999999999999999"] {
            let error = interval("ATRIUM_ALERT_INTERVAL_SECS", Some(bad.into()), default)
                .expect_err(bad)
                .to_string();
            assert_eq!(
                error,
                format!("ATRIUM_ALERT_INTERVAL_SECS must be a whole number of seconds from 1 to 604800, not {bad:?}")
            );
        }
    }

    #[test]
    fn erase_delays_are_whole_hours_up_to_a_year() {
        assert_eq!(erase_delay_hours(None).ok(), Some(168));
        assert_eq!(erase_delay_hours(Some("1".into())).ok(), Some(1));
        assert_eq!(erase_delay_hours(Some("8760".into())).ok(), Some(8760));
        for bad in ["0", "8761", "-1", "1.5", "week"] {
            let error = erase_delay_hours(Some(bad.into()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                error.starts_with("ATRIUM_TENANT_ERASE_DELAY_HOURS must be"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn replica_ids_are_taken_as_given_or_made_from_host_and_pid() {
        assert_eq!(replica_id(Some("web-1".into())).expect("given"), "web-1");
        assert!(replica_id(Some("web 1".into())).is_err(), "spaces are refused");
        assert!(replica_id(Some("x".repeat(129))).is_err(), "too long");
        let made = replica_id(None).expect("made");
        assert!(made.ends_with(&format!("-{}", std::process::id())), "{made}");
        assert!(made.len() > format!("-{}", std::process::id()).len(), "{made}");
    }
}
