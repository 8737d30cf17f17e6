//! `cargo xtask fuzz`: the fuzz targets in `fuzz/` under cargo-fuzz (libFuzzer), each for a
//! bounded time. The test command runs them for a few seconds each so they cannot rot; longer
//! runs (`cargo xtask fuzz --seconds 600`) are for hunting. A crash fails the run and leaves its
//! input in `fuzz/artifacts/<target>/`.

use crate::Ctx;
use crate::process::{Background, output, run};
use crate::tools::cargo;
use anyhow::{Context, Result, bail};
use std::process::Command;

/// cargo-fuzz pinned to a release that builds on rustc 1.95.
const CARGO_FUZZ_VERSION: &str = "0.13.1";

/// Every target in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &["ingest_body", "form_values", "request_signature"];

fn installed() -> bool {
    output(cargo().args(["fuzz", "--version"]))
        .unwrap_or_default()
        .contains(CARGO_FUZZ_VERSION)
}

/// Installs cargo-fuzz when missing (or at another version).
pub fn ensure_cargo_fuzz() -> Result<()> {
    if !installed() {
        run(cargo().args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION]))?;
    }
    Ok(())
}

/// Starts `cargo xtask fuzz --seconds 0 --dev` beside other work, at the lowest CPU priority:
/// installing cargo-fuzz when missing (38 s of compiling on a new machine) and building the
/// targets (52 s) then takes only what the test command's own builds and tests leave idle, and
/// never slows a test that measures time. `wait` on the job before `run_targets`, which then finds
/// both done (or, if the job failed, tries again in the open).
pub fn start_build(ctx: &Ctx) -> Result<Background> {
    let mut cmd = Command::new("nice");
    cmd.args(["-n", "19"])
        .arg(std::env::current_exe().context("cannot find the xtask binary")?)
        .args(["fuzz", "--seconds", "0", "--dev"])
        .current_dir(&ctx.root);
    Background::spawn(&mut cmd, &ctx.path("target/fuzz-build.log"))
}

/// How the targets are compiled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FuzzBuild {
    /// Optimised: many more executions per second, for hunting (`cargo xtask fuzz`).
    Release,
    /// Unoptimised, with overflow checks and debug assertions: compiled with about 40% less CPU
    /// time than `Release` (8m15s against 14m12s of CPU measured on this machine), which is what
    /// the test command's few seconds per target need; the seeds replay all the same.
    Dev,
}

/// Builds every target, then (unless `seconds` is 0, which only builds) runs them side by side for
/// `seconds`, each libFuzzer on one core (on
/// two cores, three targets at once took the test command's run from 33 s to about 12 s). Without
/// a sanitizer (`-s none`): the code is safe Rust (`unsafe_code = "forbid"`), so libFuzzer's
/// coverage is what finds panics, and the build needs no nightly compiler.
pub fn run_targets(ctx: &mut Ctx, seconds: u64, build: FuzzBuild) -> Result<()> {
    let dir = ctx.path("fuzz");
    ensure_cargo_fuzz()?;
    let profile = match build {
        FuzzBuild::Release => "--release",
        FuzzBuild::Dev => "--dev",
    };
    // One build for all targets first: the runs' own builds then have nothing to do, and do not
    // wait on each other's lock.
    run(cargo()
        .current_dir(&dir)
        .args(["fuzz", "build", "--sanitizer", "none", profile]))?;
    if seconds == 0 {
        // libFuzzer would read 0 as no limit.
        return Ok(());
    }
    let mut running = Vec::new();
    for target in TARGETS {
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).with_context(|| format!("creating {}", corpus.display()))?;
        let mut cmd = cargo();
        cmd.current_dir(&dir)
            .args(["fuzz", "run", "--sanitizer", "none", target, profile])
            // libFuzzer adds what it finds to the first directory (ignored by git); the committed
            // seeds in the second are only read.
            .arg(&corpus)
            .arg(dir.join("seeds").join(target))
            .args(["--", &format!("-max_total_time={seconds}"), "-rss_limit_mb=2048"]);
        let log = ctx.path("target/fuzz-logs").join(format!("{target}.log"));
        running.push((*target, Background::spawn(&mut cmd, &log)?));
    }
    // Every run is waited for and printed, so one crash does not hide another.
    let failed: Vec<&str> = running
        .into_iter()
        .filter_map(|(target, job)| job.wait().err().map(|_| target))
        .collect();
    if !failed.is_empty() {
        bail!(
            "fuzz target(s) failed: {} (inputs in fuzz/artifacts/<target>/)",
            failed.join(", ")
        );
    }
    Ok(())
}
