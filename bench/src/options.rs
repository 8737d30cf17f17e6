//! The command line: what to run, at what size, against which binary and database.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: atrium-bench [all|ingest|peer|lists] [options]

  all                 ingest the dataset over HTTP, then time the panels over it (default)
  ingest              ingestion only (no panels, no peer query table)
  peer                the plain-PostgreSQL peer alone (no server): its ingestion and queries
  lists               list pages under wrk: a tenant's users at two sizes, the platform's tenants

lists options:
  --smoke             every step once at a tiny size (the test command runs this)
  --tenants N         tenants on the platform (default 10000)
  --big-users N       users of the large tenant (default 100000)
  --mid-users N       users of the middling tenant (default 10000)
  --duration SECS     each wrk run (default 10; a 2 s warm-up precedes it)
  --connections N     wrk connections (default 32)
  --peers DIR         also run DIR/run_django_admin.sh and DIR/run_axum_ceiling.sh (../shared/peers)

  --quick             smoke run: 200k points, 5 runs per panel
  --points N          points to ingest; the panels run over them (default 10M; 200k, 1M, 1_000_000 work)
  --series N          series in the fleet (default 100)
  --batch N           points per ingestion request (default 5000)
  --clients N         concurrent ingestion clients (default 4)
  --runs N            timed runs per panel and side (default 20)
  --peer-rows N       rows the plain-PostgreSQL peer ingests (default: min(points, 1M))
  --insert-rows N     rows per statement of the peer's multi-row INSERT (default 1000)
  --no-peer           skip the plain-PostgreSQL peer
  --atrium PATH       the server binary (default $CARGO_TARGET_DIR/release/atrium, else target/release/atrium)
  --site-root DIR     passed to the server as ATRIUM_SITE_ROOT
  --port N            the server's port on 127.0.0.1 (default: a free one)
  --out DIR           results directory (default bench/results/<UTC timestamp>)

environment:
  BENCH_DATABASE_URL  a superuser URL of an existing PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/postgres);
                      the bench drops and recreates the database atrium_bench there. Unset: a private
                      throwaway cluster in a temporary directory.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    All,
    Ingest,
    Peer,
    Lists,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    pub quick: bool,
    pub points: u64,
    pub series: u32,
    pub batch: usize,
    pub clients: usize,
    pub runs: usize,
    pub peer: bool,
    pub peer_rows: u64,
    pub insert_rows: usize,
    pub atrium: PathBuf,
    pub site_root: Option<PathBuf>,
    pub port: Option<u16>,
    pub out: PathBuf,
    pub database_url: Option<String>,
    pub lists: crate::lists::Plan,
}

/// `10M`, `200k`, `1_000_000`, `5000`.
fn count(text: &str) -> Result<u64> {
    let clean = text.replace('_', "");
    let (digits, factor) = match clean.chars().last() {
        Some('k' | 'K') => (&clean[..clean.len() - 1], 1_000),
        Some('m' | 'M') => (&clean[..clean.len() - 1], 1_000_000),
        _ => (clean.as_str(), 1),
    };
    let value: u64 = digits.parse().with_context(|| format!("{text:?} is not a count"))?;
    Ok(value * factor)
}

fn default_atrium() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("release/atrium"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/atrium"),
    }
}

impl Options {
    /// `Ok(None)` for `--help`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>> {
        let mut options = Options {
            mode: Mode::All,
            quick: false,
            points: 10_000_000,
            series: 100,
            batch: 5_000,
            clients: 4,
            runs: 20,
            peer: true,
            peer_rows: 0,
            insert_rows: 1_000,
            atrium: default_atrium(),
            site_root: None,
            port: None,
            out: PathBuf::new(),
            database_url: std::env::var("BENCH_DATABASE_URL").ok().filter(|url| !url.is_empty()),
            lists: crate::lists::Plan::full(),
        };
        let mut smoke = false;
        let mut list_sizes: Vec<(&str, u32)> = Vec::new();
        let mut list_duration = None;
        let mut list_connections = None;
        let (mut points, mut runs, mut peer_rows, mut out) = (None, None, None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = || -> Result<String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .with_context(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "all" => options.mode = Mode::All,
                "ingest" => options.mode = Mode::Ingest,
                "peer" => options.mode = Mode::Peer,
                "lists" => options.mode = Mode::Lists,
                "--smoke" => smoke = true,
                "--tenants" => list_sizes.push(("tenants", u32::try_from(count(&value()?)?)?)),
                "--big-users" => list_sizes.push(("big", u32::try_from(count(&value()?)?)?)),
                "--mid-users" => list_sizes.push(("mid", u32::try_from(count(&value()?)?)?)),
                "--duration" => list_duration = Some(count(&value()?)?),
                "--connections" => list_connections = Some(u32::try_from(count(&value()?)?)?),
                "--peers" => options.lists.peers = Some(value()?.into()),
                "-h" | "--help" | "help" => return Ok(None),
                "--quick" => options.quick = true,
                "--no-peer" => options.peer = false,
                "--points" => points = Some(count(&value()?)?),
                "--series" => options.series = u32::try_from(count(&value()?)?)?,
                "--batch" => options.batch = usize::try_from(count(&value()?)?)?,
                "--clients" => options.clients = usize::try_from(count(&value()?)?)?,
                "--runs" => runs = Some(usize::try_from(count(&value()?)?)?),
                "--peer-rows" => peer_rows = Some(count(&value()?)?),
                "--insert-rows" => options.insert_rows = usize::try_from(count(&value()?)?)?,
                "--atrium" => options.atrium = value()?.into(),
                "--site-root" => options.site_root = Some(value()?.into()),
                "--port" => options.port = Some(value()?.parse().context("--port")?),
                "--out" => out = Some(PathBuf::from(value()?)),
                other => bail!("unknown argument {other:?}\n\n{USAGE}"),
            }
        }
        if smoke {
            let peers = options.lists.peers.take();
            options.lists = crate::lists::Plan::smoke();
            options.lists.peers = peers;
        }
        for (which, size) in list_sizes {
            match which {
                "tenants" => options.lists.tenants = size,
                "big" => options.lists.big_users = size,
                _ => options.lists.mid_users = size,
            }
        }
        if let Some(secs) = list_duration {
            options.lists.duration = std::time::Duration::from_secs(secs.max(1));
        }
        if let Some(connections) = list_connections {
            options.lists.connections = connections.max(1);
        }
        if options.mode == Mode::Lists && options.lists.tenants < 2 {
            bail!("--tenants must be at least 2 (load-big and load-mid)");
        }
        if options.quick {
            options.points = 200_000;
            options.runs = 5;
        }
        options.points = points.unwrap_or(options.points);
        options.runs = runs.unwrap_or(options.runs);
        options.peer_rows = peer_rows.unwrap_or(options.points.min(1_000_000));
        if options.mode == Mode::Peer && !options.peer {
            bail!("`peer` with --no-peer leaves nothing to run");
        }
        if options.series == 0 || options.batch == 0 || options.clients == 0 || options.runs == 0 {
            bail!("--series, --batch, --clients and --runs must be at least 1");
        }
        if options.points < u64::from(options.series) {
            bail!("--points must be at least --series");
        }
        options.out = out.unwrap_or_else(|| {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("results")
                .join(stamp.to_string())
        });
        Ok(Some(options))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>> {
        Options::parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn counts_take_suffixes() {
        assert_eq!(count("10M").unwrap(), 10_000_000);
        assert_eq!(count("200k").unwrap(), 200_000);
        assert_eq!(count("1_000_000").unwrap(), 1_000_000);
        assert!(count("ten").is_err());
    }

    #[test]
    fn defaults_quick_and_overrides() {
        let o = parse(&[]).unwrap().unwrap();
        assert_eq!(
            (o.mode, o.points, o.runs, o.peer_rows),
            (Mode::All, 10_000_000, 20, 1_000_000)
        );
        let o = parse(&["--quick"]).unwrap().unwrap();
        assert_eq!((o.points, o.runs, o.peer_rows), (200_000, 5, 200_000));
        let o = parse(&["ingest", "--quick", "--points=1M", "--runs", "3", "--no-peer"])
            .unwrap()
            .unwrap();
        assert_eq!((o.mode, o.points, o.runs, o.peer), (Mode::Ingest, 1_000_000, 3, false));
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--batch"]).is_err());
        assert!(parse(&["--clients", "0"]).is_err());
    }

    #[test]
    fn lists_take_sizes_and_a_smoke_size() {
        let o = parse(&["lists", "--big-users", "50k", "--peers", "/p"])
            .unwrap()
            .unwrap();
        assert_eq!(o.mode, Mode::Lists);
        assert_eq!(
            (o.lists.tenants, o.lists.big_users, o.lists.mid_users),
            (10_000, 50_000, 10_000)
        );
        assert_eq!(o.lists.peers.as_deref(), Some(std::path::Path::new("/p")));
        let o = parse(&["lists", "--smoke", "--duration", "3"]).unwrap().unwrap();
        assert_eq!((o.lists.big_users, o.lists.duration.as_secs()), (400, 3));
        assert!(parse(&["lists", "--tenants", "1"]).is_err());
    }
}
