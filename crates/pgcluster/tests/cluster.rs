//! Starts real clusters from the machine's PostgreSQL binaries in temp dirs under `target/`.
#![expect(clippy::unwrap_used, reason = "a test fails by panicking")]

use pgcluster::Cluster;
use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A fresh data directory path for one test (removed with its sibling files first).
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pgcluster-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    for ext in ["password", "log"] {
        let _ = std::fs::remove_file(dir.with_extension(ext));
    }
    dir
}

/// Runs one statement through psql with the cluster's URL and returns its unaligned output.
fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new(Cluster::bin_dir().unwrap().join("psql"))
        .args(["-X", "-w", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql, url])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn accepts(port: u16) -> bool {
    TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// The server is gone once nothing accepts on its port (pg_ctl -w has returned by then, but
/// keep the check tolerant of a slow socket teardown).
fn wait_closed(port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if !accepts(port) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn starts_connects_reuses_restarts_and_stops() {
    let dir = fresh_dir("lifecycle");
    let mut first = Cluster::start(&dir).unwrap();
    assert!(first.owned());
    let port = first.port();
    assert!(first.url("postgres").starts_with("postgres://postgres:"));
    assert!(first.url("postgres").ends_with(&format!("@127.0.0.1:{port}/postgres")));
    assert_eq!(psql(&first.url("postgres"), "select 40 + 2").unwrap(), "42");

    // Listens on 127.0.0.1 only, with password authentication.
    assert_eq!(
        psql(&first.url("postgres"), "show listen_addresses").unwrap(),
        "127.0.0.1"
    );
    let no_password = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    assert!(psql(&no_password, "select 1").is_err());
    let wrong_password = format!("postgres://postgres:wrong@127.0.0.1:{port}/postgres");
    assert!(psql(&wrong_password, "select 1").is_err());

    // The unix socket is in the data directory, not /var/run/postgresql.
    assert!(dir.join(format!(".s.PGSQL.{port}")).exists());

    // The password lives beside the data dir, private, not inside it.
    let password_file = dir.with_extension("password");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&password_file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    assert!(dir.with_extension("log").is_file());

    // ensure_database is idempotent and the database is usable.
    first.ensure_database("app db").unwrap();
    first.ensure_database("app db").unwrap();
    assert_eq!(
        psql(&first.url("app db"), "select current_database()").unwrap(),
        "app db"
    );

    // A second start on the running cluster reuses it and does not own it.
    let mut second = Cluster::start(&dir).unwrap();
    assert!(!second.owned());
    assert_eq!(second.port(), port);
    assert_eq!(second.url("postgres"), first.url("postgres"));
    second.stop();
    drop(second);
    assert_eq!(psql(&first.url("postgres"), "select 1").unwrap(), "1");

    // The owner stops it.
    first.stop();
    assert!(wait_closed(port), "server still accepts on {port} after stop");
    assert!(!dir.join("postmaster.pid").exists());
    drop(first);

    // Starting again keeps the data (no re-initdb, same password) and owns the new server.
    let third = Cluster::start(&dir).unwrap();
    assert!(third.owned());
    assert_eq!(
        psql(
            &third.url("app db"),
            "select count(*) from pg_database where datname = 'app db'"
        )
        .unwrap(),
        "1"
    );
    let port = third.port();
    drop(third);
    assert!(wait_closed(port), "Drop did not stop the server on {port}");
}

#[test]
fn recovers_from_a_crash_and_a_stale_pid_file() {
    let dir = fresh_dir("crash");
    let cluster = Cluster::start(&dir).unwrap();
    let pid_file = dir.join("postmaster.pid");
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned();

    // Kill the postmaster outright, as a crash or OOM kill would: postmaster.pid stays behind.
    assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(pid_file.exists());
    // Forget the dead server without running pg_ctl stop against it.
    std::mem::forget(cluster);

    let restarted = Cluster::start(&dir).unwrap();
    assert!(restarted.owned());
    assert_eq!(psql(&restarted.url("postgres"), "select 1").unwrap(), "1");
    drop(restarted);

    // A pid file naming a live process that is not this cluster's postmaster (pid reuse after
    // a container restart): here, this test process itself.
    let fake = format!(
        "{}\n{}\n0\n1\n.\n127.0.0.1\n0 0\nready\n",
        std::process::id(),
        dir.display()
    );
    std::fs::write(&pid_file, fake).unwrap();
    let again = Cluster::start(&dir).unwrap();
    assert!(again.owned());
    assert_eq!(psql(&again.url("postgres"), "select 1").unwrap(), "1");
}

#[test]
fn refuses_a_non_empty_directory_that_is_not_a_cluster() {
    let dir = fresh_dir("not-a-cluster");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let err = Cluster::start(&dir).unwrap_err();
    assert!(
        format!("{err:#}").contains("not a PostgreSQL data directory"),
        "{err:#}"
    );
    assert!(dir.join("notes.txt").exists());
}
