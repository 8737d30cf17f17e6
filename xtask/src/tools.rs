//! Making sure the machine has what a command needs: the wasm target, rustfmt/clippy, Node and
//! the npm packages, Chromium, PostgreSQL. As root they are installed; otherwise the error says
//! exactly what to install.

use crate::Ctx;
use crate::process::{output, run, succeeds};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Whether we run as root (effective uid 0), from /proc so no libc (and no `unsafe`) is needed.
pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let uids = status.lines().find_map(|line| line.strip_prefix("Uid:"))?;
            uids.split_whitespace().nth(1).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// Installs Debian packages when root; otherwise fails naming them and why they are needed.
pub fn apt_install(ctx: &mut Ctx, packages: &[&str], why: &str) -> Result<()> {
    let list = packages.join(" ");
    if !ctx.is_root {
        bail!("{why}: install {list} (Debian/Ubuntu: `sudo apt-get install -y {list}`)");
    }
    println!("{why}: installing {list}");
    if !ctx.apt_updated {
        run(apt_get().arg("update"))?;
        ctx.apt_updated = true;
    }
    run(apt_get().args(["install", "-y"]).args(packages))
}

fn apt_get() -> Command {
    let mut cmd = Command::new("apt-get");
    cmd.env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

pub fn find_in_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// The cargo of the toolchain running xtask (cargo sets $CARGO for the programs it runs).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Leptos bakes `option_env!("LEPTOS_OUTPUT_NAME")` in at compile time and, when it is set,
    // asks for `<name>.wasm` instead of the `<name>_bg.wasm` that wasm-bindgen writes
    // (cargo-leptos sets it and renames the file; we do neither). Unset for every build so the
    // names match and all builds share one fingerprint.
    cmd.env_remove("LEPTOS_OUTPUT_NAME");
    // A CI run compiles a clean clone once: incremental compilation's bookkeeping (recording
    // every query's result for a next build that never comes) is pure cost there.
    // Nor line tables: CI prints no backtraces (a panic's message names its file and line without
    // them), and they cost about 7% of the CPU of building the dependencies (measured on the
    // types crate's: 185 s against 173 s).
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        cmd.env("CARGO_INCREMENTAL", "0")
            .env("CARGO_PROFILE_DEV_DEBUG", "false");
    }
    cmd
}

/// Whether a cargo build also runs clippy's lints on the workspace's own crates.
///
/// `cargo clippy` is `cargo check` with clippy-driver as the compiler of workspace members, so
/// beside the builds the test command needs anyway it type-checks every dependency once more, as
/// metadata-only artifacts no build can reuse: two runs, 4m44s of a 21-minute clean-clone run.
/// With clippy-driver as `RUSTC_WORKSPACE_WRAPPER` and the lint arguments in `CLIPPY_ARGS` (what
/// `cargo clippy` itself sets), the same lints run while each workspace crate is compiled for real
/// and dependencies are compiled as usual. Cargo fingerprints the wrapper and clippy-driver
/// declares `CLIPPY_ARGS`, so all builds of one run must agree: a linted artifact and a plain one
/// are different artifacts, and `cargo xtask run` after a test run recompiles the workspace crates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lints {
    /// A plain build: the edit-and-look loop.
    Off,
    /// Every clippy warning, and every compiler warning, fails the build.
    Deny,
}

impl Lints {
    pub fn apply(self, cmd: &mut Command) -> &mut Command {
        if self == Lints::Deny {
            // clippy-driver splits CLIPPY_ARGS at this separator (clippy's `src/driver.rs`).
            cmd.env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
                .env("CLIPPY_ARGS", "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__");
        }
        cmd
    }
}

/// The wasm target for the browser half (only added when missing: `rustup target add` is slow
/// even when there is nothing to do).
pub fn ensure_wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).map_err(|err| {
        err.context(
            "rustup is needed to add the wasm32-unknown-unknown target; install Rust \
                 with rustup (https://rustup.rs)",
        )
    })?;
    if !installed.lines().any(|line| line.trim() == WASM_TARGET) {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// rustfmt and clippy, which the test command's lint gates run.
pub fn ensure_lint_tools() -> Result<()> {
    let have = |tool: &str| succeeds(cargo().args([tool, "--version"]));
    let missing: Vec<&str> = [("fmt", "rustfmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(tool, _)| !have(tool))
        .map(|(_, component)| component)
        .collect();
    if !missing.is_empty() {
        run(Command::new("rustup").args(["component", "add"]).args(&missing))?;
    }
    Ok(())
}

pub fn ensure_node(ctx: &mut Ctx) -> Result<()> {
    let works = |program: &str| succeeds(Command::new(program).arg("--version"));
    if !(works("node") && works("npm")) {
        apt_install(
            ctx,
            &["nodejs", "npm"],
            "Node.js and npm are needed for ECharts and Playwright",
        )?;
    }
    Ok(())
}

/// `npm ci` in `dir` unless every one of `markers` (files the install creates) already exists.
fn npm_ci(ctx: &mut Ctx, dir: &Path, markers: &[&str], env: &[(&str, &str)]) -> Result<()> {
    if markers.iter().all(|marker| dir.join(marker).exists()) {
        return Ok(());
    }
    ensure_node(ctx)?;
    if !dir.join("package-lock.json").is_file() {
        bail!(
            "{} has no package-lock.json; run `npm install` there once and commit the lock file",
            dir.display()
        );
    }
    let mut cmd = Command::new("npm");
    cmd.args(["ci", "--no-audit", "--no-fund"]).current_dir(dir);
    for (key, value) in env {
        cmd.env(key, value);
    }
    run(&mut cmd)
}

/// The site's npm packages: ECharts, whose script the charts call, and binaryen, whose
/// `wasm-opt` shrinks the release wasm (see `site::optimize_wasm`).
pub fn ensure_site_packages(ctx: &mut Ctx) -> Result<()> {
    let root = ctx.root.clone();
    npm_ci(ctx, &root, &["node_modules/echarts/dist/echarts.min.js", WASM_OPT], &[])
}

/// binaryen's `wasm-opt` from npm (`package.json` pins the version). Not Debian's binaryen: its
/// release 108 predates the wasm features rustc ≥ 1.87 emits and produces a wasm that fails to
/// hydrate.
pub const WASM_OPT: &str = "node_modules/binaryen/bin/wasm-opt";

/// Playwright for the end-to-end tests. Its own browser download is skipped: the tests drive
/// the system Chromium, which apt keeps patched and which needs no extra libraries.
pub fn ensure_e2e_packages(ctx: &mut Ctx) -> Result<()> {
    let dir = ctx.path("end2end");
    npm_ci(
        ctx,
        &dir,
        &["node_modules/@playwright/test/package.json"],
        &[("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")],
    )
}

/// The face `sans-serif` resolves to when the Arabic reference images were taken
/// (`end2end/tests/screenshots.spec.ts`): with it missing, fontconfig picks DejaVu Sans and every
/// Latin word in the images moves.
const REFERENCE_FONT: &str = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";

/// The system Chromium that Playwright drives, and the fonts its reference images were taken in.
pub fn ensure_chromium(ctx: &mut Ctx) -> Result<PathBuf> {
    if !Path::new(REFERENCE_FONT).is_file() {
        apt_install(
            ctx,
            &["fonts-noto-core"],
            "the screenshot specs compare pages drawn in Noto Sans",
        )?;
    }
    let find = || {
        let default = PathBuf::from("/usr/bin/chromium");
        if default.is_file() {
            Some(default)
        } else {
            find_in_path("chromium")
        }
    };
    if let Some(path) = find() {
        return Ok(path);
    }
    apt_install(ctx, &["chromium"], "Chromium is needed for the end-to-end tests")?;
    find().ok_or_else(|| anyhow::anyhow!("chromium was installed but is not at /usr/bin/chromium"))
}

/// `wrk`, the HTTP load generator the lists benchmark (and its peers) measure with.
pub fn ensure_wrk(ctx: &mut Ctx) -> Result<PathBuf> {
    if let Some(path) = find_in_path("wrk") {
        return Ok(path);
    }
    apt_install(ctx, &["wrk"], "wrk is needed for the lists benchmark's smoke run")?;
    find_in_path("wrk").ok_or_else(|| anyhow::anyhow!("wrk was installed but is not on PATH"))
}

/// `psql`, used to probe servers and apply migrations.
pub fn ensure_psql(ctx: &mut Ctx) -> Result<PathBuf> {
    let find = || {
        pgcluster::Cluster::bin_dir()
            .ok()
            .map(|dir| dir.join("psql"))
            .filter(|psql| psql.is_file())
            .or_else(|| find_in_path("psql"))
    };
    if let Some(psql) = find() {
        return Ok(psql);
    }
    apt_install(
        ctx,
        &["postgresql-client"],
        "psql is needed to prepare the test databases",
    )?;
    find().ok_or_else(|| anyhow::anyhow!("postgresql-client was installed but psql is not on PATH"))
}

/// The PostgreSQL server binaries (initdb, pg_ctl) for a private cluster.
pub fn ensure_pg_server(ctx: &mut Ctx, why: &str) -> Result<()> {
    if pgcluster::Cluster::bin_dir().is_ok() {
        return Ok(());
    }
    apt_install(ctx, &["postgresql"], why)?;
    pgcluster::Cluster::bin_dir().map(|_| ())
}
