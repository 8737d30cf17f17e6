//! `cargo xtask run`: build, then run the server in the foreground until Ctrl-C.

use crate::process::Server;
use crate::site::WasmProfile;
use crate::{Ctx, site, tools};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::process::{Command, ExitCode};

pub fn run(ctx: &mut Ctx, release: bool) -> Result<ExitCode> {
    let dotenv = read_dotenv(ctx)?;
    let database_url_set = std::env::var_os("DATABASE_URL").is_some_and(|url| !url.is_empty())
        || dotenv.get("DATABASE_URL").is_some_and(|url| !url.is_empty());
    if !database_url_set && ctx.is_root && pgcluster::Cluster::bin_dir().is_err() {
        ctx.phase("postgresql", |ctx| {
            tools::ensure_pg_server(
                ctx,
                "DATABASE_URL is unset, so the server starts a private PostgreSQL from the \
                 machine's binaries",
            )
        })?;
    }
    // The same steps as `cargo xtask build` minus the size report, which would compete with
    // the starting server for the CPU.
    let built = ctx.phase("tools", site::ensure_build_tools).and_then(|()| {
        // The quick debug wasm while developing; `--release` builds what ships.
        let profile = if release {
            WasmProfile::Release
        } else {
            WasmProfile::Dev
        };
        site::build_server_and_site(ctx, release, WasmProfile::chosen(profile), tools::Lints::Off).map(drop)
    });
    ctx.print_phases();
    built?;

    let profile = if release { "release" } else { "debug" };
    let binary = ctx.path(&format!("target/{profile}/atrium"));
    let mut cmd = Command::new(&binary);
    cmd.current_dir(&ctx.root);
    for (key, value) in &dotenv {
        if std::env::var_os(key).is_none() {
            cmd.env(key, value);
        }
    }
    if std::env::var_os("ATRIUM_SITE_ROOT").is_none() && !dotenv.contains_key("ATRIUM_SITE_ROOT") {
        cmd.env("ATRIUM_SITE_ROOT", "target/site");
    }
    println!();
    // The server stops its private PostgreSQL on SIGINT/SIGTERM; Server passes ours on to it.
    let mut server = Server::spawn(&mut cmd, "the server")?;
    let status = server.wait()?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // Ended by a signal we forwarded (Ctrl-C): a normal way to stop a dev server.
        None => ExitCode::SUCCESS,
    })
}

/// Settings from `.env` in the repo root, if present (KEY=VALUE lines, `#` comments, optional
/// `export ` and quotes). They fill in for variables not already set in the environment, so
/// `cp .env.example .env` and editing it works without a shell `source`.
fn read_dotenv(ctx: &Ctx) -> Result<BTreeMap<String, String>> {
    let path = ctx.path(".env");
    let mut settings = BTreeMap::new();
    if !path.is_file() {
        return Ok(settings);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = [('"', '"'), ('\'', '\'')]
            .iter()
            .find_map(|(open, close)| value.strip_prefix(*open)?.strip_suffix(*close))
            .unwrap_or(value);
        // An empty value means "use the default", the same as leaving the line out.
        if !value.is_empty() {
            settings.insert(key.trim().to_owned(), value.to_owned());
        }
    }
    println!("read {} setting(s) from .env", settings.len());
    Ok(settings)
}
