//! Atrium's build, run and test driver: `cargo xtask build|run|test|sqlx` (see README.md).

mod assets;
mod db;
mod fuzz;
mod libtest;
mod process;
mod serve;
mod site;
mod sqlx_cache;
mod test;
mod tools;
mod tti;

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask <command> [flags]

commands:
  build [--release]        build the server and the site (target/site)
  site [--lints]           build only the browser half into target/site (ATRIUM_WASM_PROFILE
                           picks the wasm profile, release by default; --lints denies clippy's
                           warnings); the test command runs it beside its Rust phases
  run [--release]          build, then run the server (private PostgreSQL unless DATABASE_URL is set)
  test [--no-e2e|--e2e-only]
                           every check: fmt, .sqlx freshness, Rust tests on PostgreSQL, clippy,
                           site build, Playwright end-to-end tests
  sqlx                     regenerate the committed .sqlx/ query cache from migrations/
  fuzz [--seconds N] [--dev]
                           run every fuzz target in fuzz/ for N seconds each (default 60; 0
                           only builds them), optimised unless --dev
  tti [--runs N]           time to hydrated on /login and /analytics over a slow link, cold and
                           warm cache, against the release build (default 5 runs)";

fn main() -> ExitCode {
    match dispatch() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("\nerror: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, flags) = match args.split_first() {
        Some((command, flags)) => (command.as_str(), flags),
        None => ("help", &[][..]),
    };
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    process::install_signal_handler()?;
    let mut ctx = Ctx::new(root);
    match command {
        "build" => {
            let release = parse_flags(flags, &["--release"])?.contains(&"--release");
            let result = site::build(&mut ctx, release);
            ctx.print_phases();
            result.map(|()| ExitCode::SUCCESS)
        }
        "site" => {
            let lints = if parse_flags(flags, &["--lints"])?.contains(&"--lints") {
                tools::Lints::Deny
            } else {
                tools::Lints::Off
            };
            let result = ctx.phase("tools", site::ensure_build_tools).and_then(|()| {
                site::build_site(&mut ctx, site::WasmProfile::chosen(site::WasmProfile::Release), lints)
            });
            ctx.print_phases();
            result.map(|_| ExitCode::SUCCESS)
        }
        "run" => {
            let release = parse_flags(flags, &["--release"])?.contains(&"--release");
            serve::run(&mut ctx, release)
        }
        "test" => {
            let flags = parse_flags(flags, &["--no-e2e", "--e2e-only"])?;
            let options = test::Options {
                rust: !flags.contains(&"--e2e-only"),
                e2e: !flags.contains(&"--no-e2e"),
            };
            if !options.rust && !options.e2e {
                bail!("--no-e2e and --e2e-only together leave nothing to run");
            }
            test::run_all(&mut ctx, options)
        }
        "sqlx" => {
            parse_flags(flags, &[])?;
            let result = sqlx_cache::regenerate_committed(&mut ctx);
            ctx.print_phases();
            result.map(|()| ExitCode::SUCCESS)
        }
        "fuzz" => {
            let (seconds, build) = fuzz_flags(flags)?;
            let result = ctx.phase("fuzz", |ctx| fuzz::run_targets(ctx, seconds, build));
            ctx.print_phases();
            result.map(|()| ExitCode::SUCCESS)
        }
        "tti" => {
            let runs = match flags {
                [] => 5,
                [flag, value] if flag == "--runs" => value
                    .parse()
                    .ok()
                    .filter(|runs| *runs >= 1)
                    .ok_or_else(|| anyhow::anyhow!("--runs takes a whole number from 1, not `{value}`"))?,
                _ => bail!("usage: cargo xtask tti [--runs N]"),
            };
            let result = tti::run(&mut ctx, runs);
            ctx.print_phases();
            result.map(|()| ExitCode::SUCCESS)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Accepts only the listed flags, so a typo fails loudly instead of being ignored.
/// `cargo xtask fuzz`'s flags: seconds per target (60 unless `--seconds N`) and the build.
fn fuzz_flags(flags: &[String]) -> Result<(u64, fuzz::FuzzBuild)> {
    let mut seconds = 60;
    let mut build = fuzz::FuzzBuild::Release;
    let mut rest = flags.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--seconds" => {
                let value = rest.next().map_or("", String::as_str);
                seconds = value
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--seconds takes a whole number, not `{value}`"))?;
            }
            "--dev" => build = fuzz::FuzzBuild::Dev,
            _ => bail!("usage: cargo xtask fuzz [--seconds N] [--dev]"),
        }
    }
    Ok((seconds, build))
}

fn parse_flags<'a>(flags: &'a [String], allowed: &[&str]) -> Result<Vec<&'a str>> {
    flags
        .iter()
        .map(|flag| {
            if allowed.contains(&flag.as_str()) {
                Ok(flag.as_str())
            } else {
                bail!("unknown flag `{flag}`\n\n{USAGE}")
            }
        })
        .collect()
}

/// The workspace root: this crate's parent directory, fixed at compile time because xtask is
/// only ever run by cargo from this checkout.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// State shared by the phases of one xtask run.
pub struct Ctx {
    pub root: PathBuf,
    pub is_root: bool,
    /// `apt-get update` runs at most once per xtask run, before the first install.
    apt_updated: bool,
    phases: Vec<PhaseRecord>,
}

struct PhaseRecord {
    name: String,
    elapsed: Duration,
    status: &'static str,
}

impl Ctx {
    fn new(root: PathBuf) -> Ctx {
        Ctx {
            root,
            is_root: tools::running_as_root(),
            apt_updated: false,
            phases: Vec::new(),
        }
    }

    /// Runs one named phase, printing its start and its outcome with the elapsed time.
    pub fn phase<T>(&mut self, name: &str, body: impl FnOnce(&mut Ctx) -> Result<T>) -> Result<T> {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = body(self).and_then(|value| {
            process::check_interrupted()?;
            Ok(value)
        });
        let elapsed = start.elapsed();
        match &result {
            Ok(_) => println!("<== {name}: ok ({})", format_duration(elapsed)),
            Err(err) => println!("<== {name}: FAILED ({}): {err:#}", format_duration(elapsed)),
        }
        self.phases.push(PhaseRecord {
            name: name.to_owned(),
            elapsed,
            status: if result.is_ok() { "ok" } else { "FAILED" },
        });
        result
    }

    /// Records a phase that was not run because an earlier one failed.
    pub fn skip(&mut self, name: &str, reason: &str) {
        println!("\n--- {name}: skipped ({reason})");
        self.phases.push(PhaseRecord {
            name: name.to_owned(),
            elapsed: Duration::ZERO,
            status: "skipped",
        });
    }

    pub fn print_phases(&self) {
        if self.phases.is_empty() {
            return;
        }
        let width = self.phases.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let total: Duration = self.phases.iter().map(|p| p.elapsed).sum();
        println!("\nphases:");
        for phase in &self.phases {
            println!(
                "  {:<width$}  {:<7}  {:>8}",
                phase.name,
                phase.status,
                format_duration(phase.elapsed)
            );
        }
        println!("  {:<width$}  {:<7}  {:>8}", "total", "", format_duration(total));
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        format!("{}m{:02}s", duration.as_secs() / 60, duration.as_secs() % 60)
    }
}
