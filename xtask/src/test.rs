//! `cargo xtask test`: every check in one command — fmt, `.sqlx` freshness, Rust tests on a real
//! PostgreSQL, clippy on both halves, a bounded fuzz run, the site build and the Playwright end-to-end tests — ending
//! with a phase summary and the line `N passed, M failed`.
//!
//! A failing gate does not stop the run (the report is more useful whole); a phase that later
//! phases cannot do without (tools, PostgreSQL, the site build for end-to-end) does. `M` counts
//! failed tests plus one for each failed gate that has no test count of its own (fmt, clippy,
//! `.sqlx`, a build, a test binary that died without reporting), so a red run never ends with
//! "0 failed".

use crate::process::{self, Server, check_interrupted, free_port, http_status, run, run_tee};
use crate::site::WasmProfile;
use crate::sqlx_cache::{self, TEST_ARGS};
use crate::tools::{self, Lints, WASM_TARGET, cargo};
use crate::{Ctx, db, libtest, site};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    /// fmt, `.sqlx` freshness, cargo test, clippy.
    pub rust: bool,
    /// Site build and Playwright.
    pub e2e: bool,
}

/// The administrator the end-to-end server seeds and the specs log in as.
const ADMIN_EMAIL: &str = "admin@atrium.local";
/// The end-to-end database; `ATRIUM_E2E_DATABASE` names another so two checkouts can run the specs
/// side by side on one PostgreSQL.
const E2E_DATABASE: &str = "atrium_e2e";

fn e2e_database() -> String {
    std::env::var("ATRIUM_E2E_DATABASE")
        .ok()
        .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or_else(|| E2E_DATABASE.to_owned())
}
/// How many tests each test binary runs at once (libtest's default is one per core).
const TEST_THREADS: &str = "4";
/// How long the test command fuzzes each target.
const FUZZ_SECONDS: u64 = 10;
const READY_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    /// Failed Rust tests and why, repeated under the summary so that a log cut to its tail
    /// (as CI shows it) still says what broke.
    failures: Vec<libtest::Failure>,
}

pub fn run_all(ctx: &mut Ctx, options: Options) -> Result<ExitCode> {
    let mut tally = Tally::default();
    if let Err(err) = run_phases(ctx, &options, &mut tally) {
        println!("\nstopped: {err:#}");
        tally.failed += 1;
    }
    ctx.print_phases();
    for failure in &tally.failures {
        println!("failed: {}", failure.name);
        for line in &failure.why {
            println!("    {line}");
        }
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn run_phases(ctx: &mut Ctx, options: &Options, tally: &mut Tally) -> Result<()> {
    let chromium = ctx.phase("tools", |ctx| {
        site::ensure_build_tools(ctx)?;
        if options.rust {
            tools::ensure_lint_tools()?;
        }
        if options.e2e {
            let chromium = tools::ensure_chromium(ctx)?;
            tools::ensure_e2e_packages(ctx)?;
            return Ok(Some(chromium));
        }
        Ok(None)
    })?;

    if options.rust {
        gate(ctx, tally, "fmt", |_| run(cargo().args(["fmt", "--all", "--check"])));
    }

    let admin = ctx.phase("postgres", db::admin)?;

    // The fuzz targets compile in what the builds and tests below leave idle (see `start_build`).
    let fuzz_build = if options.rust {
        Some(crate::fuzz::start_build(ctx))
    } else {
        None
    };

    // The builds the run needs anyway carry clippy's lints (see `Lints`); the developer's
    // `--e2e-only` loop builds plainly.
    let lints = if options.rust { Lints::Deny } else { Lints::Off };
    // The whole test command (CI) tests the site that ships; `--e2e-only` is the developer's loop
    // and takes the quick debug wasm.
    let profile = WasmProfile::chosen(if options.rust {
        WasmProfile::Release
    } else {
        WasmProfile::Dev
    });
    // With the Rust phases to run, the browser half builds beside them (see `SiteJob`). The app
    // crate is marked for the online `.sqlx` build first, so the two builds read one timestamp.
    if options.rust {
        sqlx_cache::invalidate_app(ctx)?;
    }
    let site_job = if options.rust && chromium.is_some() {
        Some(site::SiteJob::start(ctx, profile, lints)?)
    } else {
        None
    };
    if options.rust {
        // Also the server's first build and clippy's gate for the server half: it compiles online,
        // linted, and the offline builds after it reuse the artifacts.
        gate(ctx, tally, ".sqlx freshness and clippy (server)", |ctx| {
            sqlx_cache::check_committed(ctx, &admin, lints)
        });
        let template = ctx.phase("test database template", |ctx| {
            db::migrated_template(ctx, &ctx.path("target/debug/atrium"))
        });
        let test_server = match &template {
            Ok(Some(template)) => template.url.clone(),
            Ok(None) => admin.url.clone(),
            // The tests can still run, each migrating its own database; the gate is counted.
            Err(_) => {
                tally.failed += 1;
                admin.url.clone()
            }
        };
        let mut tests = cargo();
        tests
            .args(["test", "--no-fail-fast"])
            .args(TEST_ARGS)
            // sqlx::test creates a database per test on this server.
            .env("DATABASE_URL", &test_server)
            .env("SQLX_OFFLINE", "true")
            // The integration tests mostly wait (on PostgreSQL, on servers they start, on
            // timeouts they test): four at a time on two cores took the server's from 98 s to 61 s.
            .env("RUST_TEST_THREADS", TEST_THREADS);
        cargo_test(ctx, tally, "cargo test", lints.apply(&mut tests));
        drop(template);
        // Its own invocation: in one with the app, feature unification would rebuild shared
        // dependencies for both. With the profile `cargo xtask` itself was built with (CI drops
        // line tables only for the builds xtask starts), so that it reuses those dependencies.
        cargo_test(
            ctx,
            tally,
            "xtask tests (clippy)",
            lints.apply(
                cargo()
                    .args(["test", "-p", "xtask"])
                    .env_remove("CARGO_PROFILE_DEV_DEBUG"),
            ),
        );
        // A few seconds per target: enough to prove the targets build and run and to replay the
        // committed seeds; `cargo xtask fuzz` runs longer. Built in the background (above), run
        // after the tests: three libFuzzers at once would take both cores from tests that
        // measure time.
        gate(ctx, tally, "fuzz (bounded)", |ctx| {
            if let Some(Ok(build)) = fuzz_build {
                // A failed build is tried again, in the open, by `run_targets`.
                let _ = build.wait();
            }
            crate::fuzz::run_targets(ctx, FUZZ_SECONDS, crate::fuzz::FuzzBuild::Dev)
        });
        if !options.e2e {
            // No site build to carry the browser half's lints.
            gate(ctx, tally, "clippy (hydrate)", |_| {
                run(cargo()
                    .args(["clippy", "-p", "atrium-hydrate", "--target", WASM_TARGET])
                    .args(["--target-dir", "target/front", "--", "-D", "warnings"]))
            });
        }
    }

    if let Some(chromium) = chromium {
        let built = match site_job {
            // The server was built by the `.sqlx` phase; this offline build only confirms it.
            Some(job) => {
                // The lists smoke's driver too, while the site may still be building (the smoke
                // phase's own build then has nothing to do).
                gate(ctx, tally, "lists benchmark build", |_| {
                    run(lints.apply(&mut bench_build()))
                });
                ctx.phase("server build", |_| run(lints.apply(&mut site::server_build(false))))
                    .and_then(|()| job.finish(ctx))
            }
            None => site::build_server_and_site(ctx, false, profile, lints),
        };
        match built {
            Ok(sizes) => {
                sizes.print();
                // Only the release wasm is what visitors download; the dev one is ten times it.
                if profile == WasmProfile::Release {
                    gate(ctx, tally, "wasm budget", |_| sizes.check_budget());
                }
                end_to_end(ctx, tally, &admin, &chromium);
                gate(ctx, tally, "lists benchmark (smoke)", |ctx| {
                    list_bench_smoke(ctx, &admin, lints)
                });
            }
            Err(_) => {
                tally.failed += 1;
                ctx.skip("end-to-end", "the site did not build");
            }
        }
    }
    Ok(())
}

/// Runs a gate phase; a failure is counted and the run goes on.
fn gate(ctx: &mut Ctx, tally: &mut Tally, name: &str, body: impl FnOnce(&mut Ctx) -> Result<()>) {
    if ctx.phase(name, body).is_err() {
        tally.failed += 1;
    }
}

/// A `cargo test` command with its output teed: shown live and summed from the harness's
/// `test result: ok. X passed; Y failed; …` lines.
fn cargo_test(ctx: &mut Ctx, tally: &mut Tally, phase: &str, cmd: &mut Command) {
    let mut report = libtest::Report::default();
    let result = ctx.phase(phase, |_| {
        let status = run_tee(cmd, |line| report.line(line))?;
        if !status.success() {
            bail!("cargo test failed ({status})");
        }
        Ok(())
    });
    tally.passed += report.passed;
    tally.failed += report.failed;
    if result.is_err() && report.failed == 0 {
        tally.failed += 1;
    }
    tally.failures.append(&mut report.failures);
}

/// The server on a fresh database, Playwright against it, and the cleanup whatever happens.
fn end_to_end(ctx: &mut Ctx, tally: &mut Tally, admin: &db::Admin, chromium: &Path) {
    let mut counted_failures = 0;
    let result = ctx.phase("end-to-end", |ctx| {
        let url = admin.recreate_database(&e2e_database())?;
        let outcome = playwright_against_server(ctx, &url, chromium, &PlaywrightRun::specs());
        let dropped = admin.drop_database(&e2e_database());
        let (passed, failed) = outcome?;
        tally.passed += passed;
        tally.failed += failed;
        counted_failures += failed;
        dropped?;
        if failed > 0 {
            bail!("{failed} end-to-end test(s) failed");
        }
        Ok(())
    });
    if result.is_err() && counted_failures == 0 {
        tally.failed += 1;
    }
}

/// The lists benchmark once at a tiny size against the server the specs ran on, so that it cannot
/// rot: seeding, sessions, wrk and the report all run (`bench/run.sh lists` measures properly).
fn list_bench_smoke(ctx: &mut Ctx, admin: &db::Admin, lints: Lints) -> Result<()> {
    tools::ensure_wrk(ctx)?;
    run(lints.apply(&mut bench_build()))?;
    run(Command::new(ctx.path("target/debug/atrium-bench"))
        .args(["lists", "--smoke", "--atrium"])
        .arg(ctx.path("target/debug/atrium"))
        .arg("--out")
        .arg(ctx.path("target/bench-smoke/lists"))
        .env("BENCH_DATABASE_URL", &admin.url)
        .env("BENCH_DATABASE_NAME", "atrium_bench_smoke"))
}

/// The benchmark driver, built beside the server: alone, cargo would resolve smaller feature sets
/// for their shared dependencies (serde, syn, tokio, …) and compile about a hundred of them again
/// (1m27s in a clean-clone run); together it compiles the driver alone (6 s).
fn bench_build() -> Command {
    let mut cmd = site::server_build(false);
    cmd.args(["-p", "atrium-bench"]);
    cmd
}

/// Which server Playwright runs against and what it runs.
pub struct PlaywrightRun {
    /// The server binary, relative to the workspace root.
    pub server: &'static str,
    /// Arguments after `playwright test`.
    pub args: Vec<String>,
    /// Extra environment for Playwright.
    pub env: Vec<(&'static str, String)>,
}

impl PlaywrightRun {
    /// Every project: the specs, and the time-to-interactive benchmark once per case.
    fn specs() -> Self {
        Self {
            server: "target/debug/atrium",
            args: Vec::new(),
            env: vec![("TTI_RUNS", "1".to_owned())],
        }
    }
}

/// Starts the server on a fresh database, waits for /ready, runs Playwright, stops the server;
/// returns Playwright's (passed, failed).
pub fn playwright_against_server(
    ctx: &mut Ctx,
    url: &str,
    chromium: &Path,
    what: &PlaywrightRun,
) -> Result<(u64, u64)> {
    let port = free_port()?;
    // The invitations spec starts an SMTP sink on this port (the server only connects to it when
    // it sends an email, so the other specs never need it).
    let smtp_port = free_port()?;
    // The single sign-on spec starts an OpenID provider on this port.
    let oidc_port = free_port()?;
    let password = pgcluster::random_alphanumeric(20)?;
    let log_path = ctx.path("target/e2e-server.log");
    let log = std::fs::File::create(&log_path).with_context(|| format!("cannot create {}", log_path.display()))?;
    let mut server_cmd = Command::new(ctx.path(what.server));
    server_cmd
        .current_dir(&ctx.root)
        .env("DATABASE_URL", url)
        .env("ATRIUM_ADDR", format!("127.0.0.1:{port}"))
        .env("ATRIUM_SITE_ROOT", "target/site")
        .env("ATRIUM_SEED_DEMO", "true")
        .env("ATRIUM_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ATRIUM_ADMIN_PASSWORD", &password)
        // channels.spec.ts starts its webhook receiver on 127.0.0.1, which the server refuses to
        // send to by default (server-side request forgery); the e2e server must allow it.
        .env("ATRIUM_OUTBOUND_ALLOW_PRIVATE", "true")
        .env("ATRIUM_SMTP_HOST", "127.0.0.1")
        .env("ATRIUM_SMTP_PORT", smtp_port.to_string())
        .env("ATRIUM_SMTP_TLS", "none")
        .env("ATRIUM_SMTP_FROM", "Atrium <atrium@e2e.test>")
        // Single sign-on seals client secrets with it; a run's own key.
        .env("ATRIUM_ENCRYPTION_KEY", pgcluster::random_hex(32)?)
        .env("RUST_LOG", "info")
        // The alerts journey waits for the evaluator; a 1 s interval keeps the wait short and
        // lets the spec measure breach-to-browser latency against a known cadence.
        .env("ATRIUM_ALERT_INTERVAL_SECS", "1")
        // Every spec signs in from 127.0.0.1, far more often than the product's per-address
        // sign-in limit (10 a minute) allows, and exports and channel tests in a row. A block of
        // 127.0.0.1 would end the run, so the specs get limits they never reach; the limits and
        // blocks themselves are tested in server/tests/integration/limits.rs.
        .env("ATRIUM_RATE_IP_PER_MINUTE", "1000000")
        .env("ATRIUM_RATE_IP_BURST", "100000")
        .env("ATRIUM_RATE_SIGN_IN_PER_MINUTE", "1000000")
        .env("ATRIUM_RATE_SIGN_IN_BURST", "100000")
        .env("ATRIUM_RATE_EXPENSIVE_PER_HOUR", "1000000")
        .env("ATRIUM_RATE_EXPENSIVE_BURST", "100000")
        .env("ATRIUM_IP_BLOCK_AFTER", "1000000")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    let mut server = Server::spawn(&mut server_cmd, "the end-to-end server")?;
    println!("server log: {}", log_path.display());

    let failure_report = |what: &str| {
        format!(
            "{what}; last lines of {}:\n{}",
            log_path.display(),
            process::tail(&log_path, 40)
        )
    };
    if let Err(err) = wait_ready(&mut server, port) {
        server.stop();
        bail!(failure_report(&format!("{err:#}")));
    }

    let json_path = ctx.path("target/playwright.json");
    let _ = std::fs::remove_file(&json_path);
    let mut playwright = Command::new("npx");
    playwright
        .args(["--no-install", "playwright", "test", "--reporter=list,json"])
        .args(&what.args)
        .envs(what.env.iter().map(|(key, value)| (key, value)))
        .current_dir(ctx.path("end2end"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("SMTP_SINK_PORT", smtp_port.to_string())
        .env("OIDC_PROVIDER_PORT", oidc_port.to_string())
        .env("ATRIUM_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ATRIUM_ADMIN_PASSWORD", &password)
        .env("DATABASE_URL", url)
        // The first-run spec starts this binary itself, with no configuration, on the built site.
        .env("ATRIUM_BIN", ctx.path(what.server))
        .env("ATRIUM_SITE_DIR", ctx.path("target/site"))
        .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &json_path)
        // Playwright's own browser download is skipped; playwright.config.ts launches this one.
        .env("CHROMIUM_PATH", chromium)
        .stdin(Stdio::null());
    println!("$ {}", process::show(&playwright));
    let status = playwright.status().context("cannot run npx playwright");
    server.stop();
    let status = status?;
    check_interrupted()?;

    let counts = read_playwright_report(&json_path);
    let (passed, failed) = counts.unwrap_or((0, 0));
    if !status.success() {
        println!("{}", failure_report("Playwright failed"));
        if failed == 0 {
            // Failed without a failing test (config error, crash): still a failure.
            bail!("Playwright failed ({status}) without reporting a failed test");
        }
    }
    Ok((passed, failed))
}

fn wait_ready(server: &mut Server, port: u16) -> Result<()> {
    let start = Instant::now();
    loop {
        if let Some(status) = server.try_wait()? {
            bail!("the server exited before it was ready ({status})");
        }
        if http_status(port, "/ready") == Some(200) {
            println!(
                "server ready on 127.0.0.1:{port} after {:.1}s",
                start.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        check_interrupted()?;
        if start.elapsed() > READY_TIMEOUT {
            bail!("GET /ready did not return 200 within {READY_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// `(passed, failed)` from Playwright's JSON report: flaky tests passed on retry, so they pass.
fn read_playwright_report(path: &PathBuf) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let report: serde_json::Value = serde_json::from_str(&text).ok()?;
    let stats = report.get("stats")?;
    let count = |key: &str| stats.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    Some((count("expected") + count("flaky"), count("unexpected")))
}
