//! `cargo xtask tti [--runs N]`: the time-to-interactive benchmark (`end2end/bench/tti.spec.ts`)
//! against the release server and the release site, as a visitor would get them, with its
//! figures kept in `bench/results/tti-<unix seconds>.json`.

use crate::test::{PlaywrightRun, playwright_against_server};
use crate::{Ctx, db, site, tools};
use anyhow::{Result, bail};
use std::time::{SystemTime, UNIX_EPOCH};

/// Its own database, so a benchmark never disturbs a checkout's end-to-end one.
const DATABASE: &str = "atrium_tti";

pub fn run(ctx: &mut Ctx, runs: u32) -> Result<()> {
    let chromium = ctx.phase("tools", |ctx| {
        let chromium = tools::ensure_chromium(ctx)?;
        tools::ensure_e2e_packages(ctx)?;
        Ok(chromium)
    })?;
    // The release server too: a debug server renders the HTML several times slower.
    site::build(ctx, true)?;
    let admin = ctx.phase("postgres", db::admin)?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let out = ctx.path(&format!("bench/results/tti-{stamp}.json"));
    std::fs::create_dir_all(ctx.path("bench/results"))?;
    let what = PlaywrightRun {
        server: "target/release/atrium",
        args: vec!["--project".to_owned(), "tti".to_owned()],
        env: vec![("TTI_RUNS", runs.to_string()), ("TTI_OUT", out.display().to_string())],
    };
    ctx.phase("time to interactive", |ctx| {
        let url = admin.recreate_database(DATABASE)?;
        let outcome = playwright_against_server(ctx, &url, &chromium, &what);
        let dropped = admin.drop_database(DATABASE);
        let (_, failed) = outcome?;
        dropped?;
        if failed > 0 {
            bail!("the benchmark did not complete");
        }
        println!("figures: {}", out.display());
        Ok(())
    })
}
