//! `cargo xtask fuzz`: the fuzz targets in `fuzz/` under cargo-fuzz (libFuzzer), each for a
//! bounded time. The test command runs them for a few seconds each so they cannot rot; longer
//! runs (`cargo xtask fuzz --seconds 600`) are for hunting. A crash fails the run and leaves its
//! input in `fuzz/artifacts/<target>/`.

use crate::Ctx;
use crate::process::{output, run};
use crate::tools::cargo;
use anyhow::{Context, Result};

/// cargo-fuzz pinned to a release that builds on rustc 1.95.
const CARGO_FUZZ_VERSION: &str = "0.13.1";

/// Every target in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &["ingest_body", "form_values", "request_signature"];

/// Installs cargo-fuzz when missing (or at another version).
pub fn ensure_cargo_fuzz() -> Result<()> {
    let installed = output(cargo().args(["fuzz", "--version"])).unwrap_or_default();
    if !installed.contains(CARGO_FUZZ_VERSION) {
        run(cargo().args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION]))?;
    }
    Ok(())
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

/// Builds every target, then runs each for `seconds`. Without a sanitizer (`-s none`): the code is
/// safe Rust (`unsafe_code = "forbid"`), so libFuzzer's coverage is what finds panics, and the
/// build needs no nightly compiler.
pub fn run_targets(ctx: &mut Ctx, seconds: u64, build: FuzzBuild) -> Result<()> {
    let dir = ctx.path("fuzz");
    ensure_cargo_fuzz()?;
    for target in TARGETS {
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).with_context(|| format!("creating {}", corpus.display()))?;
        run(cargo()
            .current_dir(&dir)
            .args(["fuzz", "run", "--sanitizer", "none", target])
            .arg(match build {
                FuzzBuild::Release => "--release",
                FuzzBuild::Dev => "--dev",
            })
            // libFuzzer adds what it finds to the first directory (ignored by git); the committed
            // seeds in the second are only read.
            .arg(&corpus)
            .arg(dir.join("seeds").join(target))
            .args(["--", &format!("-max_total_time={seconds}"), "-rss_limit_mb=2048"]))?;
    }
    Ok(())
}
