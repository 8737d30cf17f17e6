//! The committed `.sqlx/` query cache: regenerating it from `migrations/`, and checking that the
//! committed one is current.
//!
//! How it works (checked in sqlx-macros-core 0.8.6, `query/mod.rs`, `expand_with_data`): when the
//! query macros run online (`SQLX_OFFLINE` not true, `DATABASE_URL` set) and `SQLX_OFFLINE_DIR` is
//! set in the environment, each macro writes `query-<sha256 of the SQL>.json` into that directory,
//! which must already exist. So a build against a freshly migrated database, with that variable
//! pointing at an empty directory, produces exactly the cache the current code needs.

use crate::process::run;
use crate::tools::{Lints, cargo};
use crate::{Ctx, db};
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The packages and features `cargo xtask test` tests. The cache build compiles the tests with
/// exactly these arguments so that the later offline `cargo test` reuses its artifacts.
pub const TEST_ARGS: &[&str] = &[
    "-p",
    "atrium-types",
    "-p",
    "atrium-app",
    "-p",
    "atrium-server",
    "-p",
    "pgcluster",
    "-p",
    "series-analysis",
    "--features",
    "atrium-app/ssr",
];

/// Scratch database the macros describe queries against; recreated each time.
const CACHE_DATABASE: &str = "atrium_sqlx";

/// `ATRIUM_SQLX_DATABASE` names another scratch database, so two checkouts can refresh side by side.
fn cache_database() -> String {
    std::env::var("ATRIUM_SQLX_DATABASE")
        .ok()
        .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or_else(|| CACHE_DATABASE.to_owned())
}

/// `cargo xtask sqlx`: regenerate `.sqlx/` in place.
pub fn regenerate_committed(ctx: &mut Ctx) -> Result<()> {
    let admin = ctx.phase("postgres", db::admin)?;
    let fresh = ctx.path("target/sqlx-prepare");
    invalidate_app(ctx)?;
    ctx.phase("generate query cache", |ctx| generate(ctx, &admin, &fresh, Lints::Off))?;
    ctx.phase("replace .sqlx", |ctx| {
        let committed = ctx.path(".sqlx");
        if committed.exists() {
            fs::remove_dir_all(&committed).with_context(|| format!("cannot remove {}", committed.display()))?;
        }
        fs::rename(&fresh, &committed).with_context(|| format!("cannot move {} to .sqlx", fresh.display()))?;
        let count = fs::read_dir(&committed)?.count();
        println!(".sqlx/ now holds {count} query file(s)");
        Ok(())
    })
}

/// Makes the next build of the app crate, and of everything built on it (server, tests), compile
/// it again. Cargo does not track SQLX_OFFLINE, so an up-to-date crate would not re-run its query
/// macros online; the later offline builds then find the online artifacts fresh and reuse them.
/// Called before `generate`, and before anything else starts building the app (the test
/// command's site build), so that no build sees the file change under it.
pub fn invalidate_app(ctx: &Ctx) -> Result<()> {
    touch(&ctx.path("app/src/lib.rs"))
}

/// The freshness gate of `cargo xtask test`: regenerate into a scratch directory and compare
/// with the committed `.sqlx/` (a missing `.sqlx/` counts as empty). With `Lints::Deny` the
/// same builds are clippy's gate for the server half. The caller has called `invalidate_app`.
pub fn check_committed(ctx: &mut Ctx, admin: &db::Admin, lints: Lints) -> Result<()> {
    let fresh = ctx.path("target/sqlx-check");
    generate(ctx, admin, &fresh, lints)?;
    let differences = compare(&ctx.path(".sqlx"), &fresh)?;
    if !differences.is_empty() {
        bail!(
            "the .sqlx cache is stale: run cargo xtask sqlx\n  {}",
            differences.join("\n  ")
        );
    }
    println!(".sqlx/ is current");
    Ok(())
}

/// Migrates a fresh database and builds the server and the tests online against it, with the
/// macros writing their query files into `out_dir`.
fn generate(ctx: &mut Ctx, admin: &db::Admin, out_dir: &Path, lints: Lints) -> Result<()> {
    let url = admin.recreate_database(&cache_database())?;
    for migration in migrations(&ctx.path("migrations"))? {
        admin
            .run_file(&url, &migration.path, !migration.no_transaction)
            .with_context(|| format!("migration {} failed", migration.path.display()))?;
    }
    if out_dir.exists() {
        fs::remove_dir_all(out_dir).with_context(|| format!("cannot clear {}", out_dir.display()))?;
    }
    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;

    let online = |mut cmd: Command| -> Command {
        cmd.env("SQLX_OFFLINE", "false")
            .env("DATABASE_URL", &url)
            .env("SQLX_OFFLINE_DIR", out_dir);
        lints.apply(&mut cmd);
        cmd
    };
    // One invocation for the server binary and every test: the tests of a package with a binary
    // build that binary too, and one schedule lets the test targets compile beside the server's
    // last crates instead of after them.
    let mut build = cargo();
    build.args(["test", "--no-run"]).args(TEST_ARGS);
    let built = run(&mut online(build)).context("building against the migrated database failed");
    let dropped = admin.drop_database(&cache_database());
    built?;
    dropped
}

struct Migration {
    version: i64,
    path: PathBuf,
    /// sqlx runs a migration outside a transaction when it starts with `-- no-transaction`
    /// (e.g. for CREATE INDEX CONCURRENTLY); psql must do the same.
    no_transaction: bool,
}

/// The forward migrations (`<version>_<name>.up.sql`, or simple `<version>_<name>.sql`) in
/// version order, as sqlx applies them.
fn migrations(dir: &Path) -> Result<Vec<Migration>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !name.ends_with(".sql") || name.ends_with(".down.sql") {
            continue;
        }
        let version = name
            .split_once('_')
            .and_then(|(version, _)| version.parse().ok())
            .with_context(|| format!("migration {name} does not start with <version>_"))?;
        let text = fs::read_to_string(&path)?;
        let no_transaction = text
            .lines()
            .next()
            .is_some_and(|line| line.trim().starts_with("-- no-transaction"));
        found.push(Migration {
            version,
            path,
            no_transaction,
        });
    }
    found.sort_by_key(|migration| migration.version);
    if let Some(pair) = found.windows(2).find(|pair| pair[0].version == pair[1].version) {
        bail!(
            "migrations {} and {} share a version",
            pair[0].path.display(),
            pair[1].path.display()
        );
    }
    Ok(found)
}

/// Differences between the committed cache and a fresh one, one line each.
fn compare(committed: &Path, fresh: &Path) -> Result<Vec<String>> {
    let names = |dir: &Path| -> Result<BTreeSet<String>> {
        if !dir.exists() {
            return Ok(BTreeSet::new());
        }
        let mut names = BTreeSet::new();
        for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.insert(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    };
    let old = names(committed)?;
    let new = names(fresh)?;
    let mut differences = Vec::new();
    for name in old.union(&new) {
        match (old.contains(name), new.contains(name)) {
            (true, false) => differences.push(format!("no longer used: .sqlx/{name}")),
            (false, true) => differences.push(format!("missing: .sqlx/{name}")),
            _ => {
                if fs::read(committed.join(name))? != fs::read(fresh.join(name))? {
                    differences.push(format!("changed: .sqlx/{name}"));
                }
            }
        }
    }
    Ok(differences)
}

fn touch(path: &Path) -> Result<()> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("cannot touch {}", path.display()))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn migrations_are_forward_only_and_in_version_order() {
        let dir = scratch("migrations");
        fs::write(dir.join("20240102000000_b.up.sql"), "select 2;").unwrap();
        fs::write(dir.join("20240102000000_b.down.sql"), "select -2;").unwrap();
        fs::write(dir.join("20240101000000_a.up.sql"), "-- no-transaction\nselect 1;").unwrap();
        fs::write(dir.join("README.md"), "not a migration").unwrap();
        let found = migrations(&dir).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|m| m.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["20240101000000_a.up.sql", "20240102000000_b.up.sql"]);
        assert!(found[0].no_transaction);
        assert!(!found[1].no_transaction);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn compare_reports_missing_stale_and_changed_files() {
        let committed = scratch("committed");
        let fresh = scratch("fresh");
        fs::write(committed.join("query-a.json"), "a").unwrap();
        fs::write(fresh.join("query-a.json"), "a").unwrap();
        assert!(compare(&committed, &fresh).unwrap().is_empty());
        assert!(
            compare(&committed.join("absent"), &committed.join("absent2"))
                .unwrap()
                .is_empty()
        );

        fs::write(committed.join("query-old.json"), "x").unwrap();
        fs::write(fresh.join("query-new.json"), "y").unwrap();
        fs::write(fresh.join("query-a.json"), "a2").unwrap();
        assert_eq!(
            compare(&committed, &fresh).unwrap(),
            [
                "changed: .sqlx/query-a.json",
                "missing: .sqlx/query-new.json",
                "no longer used: .sqlx/query-old.json"
            ]
        );
        fs::remove_dir_all(committed).unwrap();
        fs::remove_dir_all(fresh).unwrap();
    }
}
