//! The `atrium` process under test: started on 127.0.0.1 against the bench database (it applies
//! its migrations on start), watched through `/proc`, and stopped with SIGTERM (SIGKILL if it
//! does not exit) when the run ends, however it ends.

use crate::http::Client;
use crate::procfs;
use anyhow::{Context, Result, bail};
use hyper::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// How long migrations and start-up may take.
const START_TIMEOUT: Duration = Duration::from_secs(180);
/// How long a graceful stop may take before the process is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// What the server is started with.
pub struct Launch<'a> {
    pub binary: &'a Path,
    pub database_url: &'a str,
    pub port: Option<u16>,
    /// Extra environment (ingestion limits, site root, log filter).
    pub env: Vec<(String, String)>,
    /// stdout and stderr go here.
    pub log: PathBuf,
}

/// A running `atrium`.
pub struct Server {
    child: Child,
    pub pid: u32,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl Server {
    /// Starts the server and waits until `/health` answers 200.
    pub async fn start(launch: Launch<'_>) -> Result<Server> {
        if !launch.binary.is_file() {
            bail!(
                "{} does not exist: build it with `cargo build --release -p atrium-server` (bench/run.sh does)",
                launch.binary.display()
            );
        }
        let port = match launch.port {
            Some(port) => port,
            None => free_port()?,
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let log = std::fs::File::create(&launch.log).with_context(|| format!("creating {}", launch.log.display()))?;
        let mut command = Command::new(launch.binary);
        command
            .arg("serve")
            .env("DATABASE_URL", launch.database_url)
            .env("ATRIUM_ADDR", addr.to_string())
            .env("ATRIUM_SEED_DEMO", "false")
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // The last resort if this process dies without stopping it.
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", launch.binary.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let mut server = Server {
            child,
            pid,
            addr,
            log: launch.log,
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut client = Client::new(self.addr, None)?;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "atrium exited during start-up ({status}); its log:\n{}",
                    self.log_tail(30)
                );
            }
            if let Ok(response) = client.get("/health").await
                && response.status == StatusCode::OK
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "atrium did not answer /health within {START_TIMEOUT:?}; its log:\n{}",
                    self.log_tail(30)
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Peak resident memory so far, KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        procfs::peak_rss_kib(self.pid)
    }

    pub fn rss_kib(&self) -> Option<u64> {
        procfs::rss_kib(self.pid)
    }

    /// SIGTERM (graceful shutdown), then SIGKILL after `STOP_TIMEOUT`.
    pub async fn stop(mut self) -> Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        // std has no way to send SIGTERM and the workspace forbids `unsafe` (libc::kill).
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        if tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await.is_err() {
            eprintln!("bench: atrium did not stop within {STOP_TIMEOUT:?}; killing it");
            self.child.kill().await?;
        }
        Ok(())
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

pub(crate) fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0 to find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// WARN and ERROR lines of a server log (pretty or JSON format), with their most frequent
/// messages: a benchmark that runs into a warning on every request should say so.
pub fn log_summary(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut messages: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines() {
        let Some((level, message)) = level_and_message(&strip_ansi(line)) else {
            continue;
        };
        *counts.entry(level).or_default() += 1;
        *messages.entry(format!("{level} {message}")).or_default() += 1;
    }
    let mut top: Vec<(String, u64)> = messages.into_iter().collect();
    top.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    top.truncate(3);
    json!({
        "warn": counts.get("WARN").copied().unwrap_or(0),
        "error": counts.get("ERROR").copied().unwrap_or(0),
        "top": top.into_iter().map(|(message, count)| json!({"message": message, "count": count})).collect::<Vec<_>>(),
    })
}

/// `Some(("WARN", message))` for a warning or error line.
fn level_and_message(line: &str) -> Option<(&'static str, String)> {
    let (level, message) = if line.starts_with('{') {
        let value: Value = serde_json::from_str(line).ok()?;
        let level = value.get("level")?.as_str()?.to_owned();
        let message = value
            .pointer("/fields/message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        (level, message)
    } else {
        let level = line.split_whitespace().nth(1)?.to_owned();
        let message = match line.rfind("}: ") {
            Some(at) => line[at + 3..].to_owned(),
            None => line.split_whitespace().skip(2).collect::<Vec<_>>().join(" "),
        };
        (level, message)
    };
    let level = match level.as_str() {
        "WARN" => "WARN",
        "ERROR" => "ERROR",
        _ => return None,
    };
    Some((level, message.chars().take(160).collect()))
}

/// The text of a line without ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_found_in_pretty_and_json_lines() {
        let pretty = "\u{1b}[2m2026-11-21T02:55:31Z\u{1b}[0m \u{1b}[33m WARN\u{1b}[0m \u{1b}[1mrequest\u{1b}[0m{method=POST}: sketch configurations differ";
        assert_eq!(
            level_and_message(&strip_ansi(pretty)),
            Some(("WARN", "sketch configurations differ".to_owned()))
        );
        let json = r#"{"timestamp":"x","level":"ERROR","fields":{"message":"ingestion failed"}}"#;
        assert_eq!(level_and_message(json), Some(("ERROR", "ingestion failed".to_owned())));
        assert_eq!(level_and_message("2026-11-21T02:55:31Z  INFO listening"), None);
    }
}
