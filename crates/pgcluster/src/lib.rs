//! A private PostgreSQL cluster run from the machine's `initdb`/`pg_ctl`, for development and tests.
//!
//! The server uses it when no `DATABASE_URL` is given (data under `.data/postgres`), and `cargo xtask
//! test` uses it when nothing answers on 127.0.0.1:5432. It is std-only on purpose: it is driven from
//! synchronous start-up code and from the xtask binary, neither of which should need an async runtime.
//!
//! Layout for a data directory `D`:
//! - `D/` — the PostgreSQL data directory (mode 0700, owned by the OS user that runs PostgreSQL);
//! - `D.password` — the superuser password, mode 0600, kept outside `D` so that a data directory
//!   copied or archived on its own does not carry its credential with it;
//! - `D.log` — the server log (`pg_ctl -l`).
//!
//! PostgreSQL refuses to run as root, so when this process is root the binaries run as the
//! `postgres` OS user through `runuser`, and the files above are handed to that user.

use anyhow::{Context, Result, bail, ensure};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The database superuser that `initdb` creates; also the OS user PostgreSQL runs as under root.
const SUPERUSER: &str = "postgres";

/// What to tell someone whose machine lacks the server binaries.
const INSTALL_HINT: &str = "install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`) \
     or set PG_BIN to the directory that holds initdb and pg_ctl";

/// How long `pg_ctl` may take to start or stop the server, and how long we wait for a cluster that
/// another process is starting.
const SERVER_TIMEOUT: Duration = Duration::from_secs(60);

/// A PostgreSQL cluster in a data directory of our own, listening on 127.0.0.1 only.
#[derive(Debug)]
pub struct Cluster {
    data_dir: PathBuf,
    port: u16,
    password: String,
    /// True when this value started the server and so must stop it; false when it found the
    /// cluster already running (another process or an earlier run owns that server).
    owned: bool,
    bin: PathBuf,
    runner: Runner,
}

impl Cluster {
    /// Finds the directory holding `initdb` and `pg_ctl`: `$PG_BIN` if set, else the highest
    /// `/usr/lib/postgresql/<version>/bin`, else the directory of the `initdb` found on `PATH`.
    pub fn bin_dir() -> Result<PathBuf> {
        if let Some(dir) = std::env::var_os("PG_BIN").filter(|dir| !dir.is_empty()) {
            let dir = PathBuf::from(dir);
            ensure!(
                has_server_bins(&dir),
                "PG_BIN={} does not contain initdb and pg_ctl; {INSTALL_HINT}",
                dir.display()
            );
            return Ok(dir);
        }
        // Debian installs each major version side by side; the newest is the one to use.
        let mut versioned: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name();
                let version = name
                    .to_str()?
                    .split('.')
                    .map(|part| part.parse().ok())
                    .collect::<Option<Vec<u32>>>()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| has_server_bins(bin))
            .collect();
        versioned.sort();
        if let Some((_, bin)) = versioned.pop() {
            return Ok(bin);
        }
        if let Some(initdb) = find_in_path("initdb") {
            // Distributions often symlink initdb into PATH; pg_ctl lives beside the real file.
            for candidate in [fs::canonicalize(&initdb).ok(), Some(initdb)].into_iter().flatten() {
                if let Some(dir) = candidate.parent()
                    && has_server_bins(dir)
                {
                    return Ok(dir.to_path_buf());
                }
            }
        }
        bail!(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in $PG_BIN, \
             /usr/lib/postgresql/*/bin or PATH; {INSTALL_HINT}"
        )
    }

    /// Initialises `data_dir` if it is empty (superuser `postgres`, scram-sha-256 authentication
    /// with a random password stored in `<data_dir>.password`, mode 0600), then starts it with
    /// `pg_ctl -w` on a free port of 127.0.0.1, logging to `<data_dir>.log`. The unix socket goes
    /// into the data directory itself, never `/var/run/postgresql`.
    ///
    /// If the cluster in `data_dir` is already running (a live postmaster in `postmaster.pid`), it
    /// is reused on the port recorded there and is not owned: `stop` and `Drop` leave it running.
    /// A `postmaster.pid` left by a crash is removed first.
    ///
    /// As root, the data directory is given to the `postgres` OS user and `initdb`/`pg_ctl` run as
    /// that user through `runuser`, since PostgreSQL refuses to run as root.
    pub fn start(data_dir: &Path) -> Result<Cluster> {
        let bin = Self::bin_dir()?;
        let runner = Runner::detect()?;
        let data_dir =
            std::path::absolute(data_dir).with_context(|| format!("cannot resolve the path {}", data_dir.display()))?;
        prepare_data_dir(&data_dir, &runner)?;

        let mut cluster = Cluster {
            password: String::new(),
            port: 0,
            owned: false,
            data_dir,
            bin,
            runner,
        };
        if cluster.data_dir.join("PG_VERSION").is_file() {
            cluster.password = cluster.read_password()?;
        } else {
            cluster.init()?;
        }
        if let Some(port) = cluster.running_port()? {
            cluster.port = port;
            return Ok(cluster);
        }
        cluster.launch()?;
        Ok(cluster)
    }

    /// The TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory, as an absolute path.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Whether this value started the server and will stop it (false when it found it running).
    pub fn owned(&self) -> bool {
        self.owned
    }

    /// `postgres://postgres:<password>@127.0.0.1:<port>/<database>`, percent-encoded.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{}",
            percent_encode(&self.password),
            self.port,
            percent_encode(database)
        )
    }

    /// Creates `database` unless it already exists.
    pub fn ensure_database(&self, database: &str) -> Result<()> {
        // `\gexec` runs the generated statement only when the row exists, which gives
        // "create if missing" in one round trip; the name travels as a psql variable so that
        // `%I`/`:'name'` do the quoting, not string pasting here.
        let script = "SELECT format('CREATE DATABASE %I', :'name') \
                      WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')\\gexec\n";
        let mut psql = self.psql("postgres");
        psql.arg("-v").arg(format!("name={database}"));
        run_with_stdin(psql, script).with_context(|| format!("cannot create database {database:?}"))?;
        Ok(())
    }

    /// Stops the server (`pg_ctl stop -m fast`) if this value started it; otherwise does nothing.
    /// Also called from `Drop`. Failures are printed, not returned, because this runs on the way
    /// out (shutdown, drop) where nothing better can be done with them.
    pub fn stop(&mut self) {
        if !self.owned {
            return;
        }
        self.owned = false;
        let mut cmd = self.runner.command(self.bin.join("pg_ctl"));
        cmd.args(["stop", "-m", "fast", "-w", "-t"])
            .arg(SERVER_TIMEOUT.as_secs().to_string())
            .arg("-D")
            .arg(&self.data_dir);
        if let Err(err) = run(cmd) {
            eprintln!(
                "pgcluster: could not stop PostgreSQL in {}: {err:#}",
                self.data_dir.display()
            );
        }
    }

    /// A `psql` command connected over TCP to `database` as the superuser. The password goes
    /// through the environment rather than the command line, where `ps` would show it.
    fn psql(&self, database: &str) -> Command {
        let local = self.bin.join("psql");
        let mut cmd = Command::new(if local.is_file() { local } else { PathBuf::from("psql") });
        cmd.args(["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", SUPERUSER, "-d", database])
            .env("PGPASSWORD", &self.password)
            .env("PGCONNECT_TIMEOUT", "10");
        cmd
    }

    fn password_file(&self) -> PathBuf {
        sibling(&self.data_dir, "password")
    }

    fn log_file(&self) -> PathBuf {
        sibling(&self.data_dir, "log")
    }

    fn read_password(&self) -> Result<String> {
        let path = self.password_file();
        let password = fs::read_to_string(&path).with_context(|| {
            format!(
                "the PostgreSQL cluster in {} has no readable password file {}; if this \
                 cluster holds nothing you need, delete the directory to start afresh",
                self.data_dir.display(),
                path.display()
            )
        })?;
        let password = password.trim().to_owned();
        ensure!(!password.is_empty(), "{} is empty", path.display());
        Ok(password)
    }

    /// Runs `initdb` into the (empty) data directory with a fresh password.
    fn init(&mut self) -> Result<()> {
        let not_empty = fs::read_dir(&self.data_dir)
            .with_context(|| format!("cannot read {}", self.data_dir.display()))?
            .next()
            .is_some();
        ensure!(
            !not_empty,
            "{} is not empty but is not a PostgreSQL data directory (no PG_VERSION); \
             move it away or delete it",
            self.data_dir.display()
        );
        self.password = random_alphanumeric(32)?;
        let password_file = self.password_file();
        write_private(&password_file, &self.password, &self.runner)?;
        let mut cmd = self.runner.command(self.bin.join("initdb"));
        cmd.arg("-D")
            .arg(&self.data_dir)
            .args(["-U", SUPERUSER, "--auth=scram-sha-256", "--encoding=UTF8"])
            // The C locale exists on every system and sorts the same everywhere, so tests do
            // not depend on which locales the machine happens to have generated.
            .arg("--locale=C")
            .arg(OsString::from_iter([
                OsStr::new("--pwfile="),
                password_file.as_os_str(),
            ]));
        run(cmd).with_context(|| format!("initdb failed for {}; {INSTALL_HINT}", self.data_dir.display()))?;
        Ok(())
    }

    /// The port of a live server already running on this data directory, if any. Removes a
    /// `postmaster.pid` that no live postmaster backs (left by a crash or a killed container),
    /// because PostgreSQL refuses to start when that pid now belongs to another process.
    fn running_port(&self) -> Result<Option<u16>> {
        let pid_file = self.data_dir.join("postmaster.pid");
        let text = match fs::read_to_string(&pid_file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", pid_file.display()));
            }
        };
        let mut lines = text.lines();
        let pid = lines.next().and_then(|line| line.trim().parse::<u32>().ok());
        // Line 4 of postmaster.pid is the port (see PostgreSQL's pidfile.h).
        let port = lines.nth(2).and_then(|line| line.trim().parse::<u16>().ok());
        match (pid, port) {
            (Some(pid), Some(port)) if postmaster_alive(pid, &self.data_dir) => {
                // It may still be starting (another process ran pg_ctl a moment ago).
                wait_for_port(port, SERVER_TIMEOUT).with_context(|| {
                    format!(
                        "PostgreSQL (pid {pid}) is running on {} but does not answer on \
                         127.0.0.1:{port}; see {}",
                        self.data_dir.display(),
                        self.log_file().display()
                    )
                })?;
                Ok(Some(port))
            }
            (Some(pid), None) if postmaster_alive(pid, &self.data_dir) => bail!(
                "PostgreSQL (pid {pid}) is running on {} but its postmaster.pid names no port",
                self.data_dir.display()
            ),
            _ => {
                fs::remove_file(&pid_file)
                    .with_context(|| format!("cannot remove the stale {}", pid_file.display()))?;
                Ok(None)
            }
        }
    }

    /// Starts the server with `pg_ctl -w` on a free port and takes ownership of it.
    fn launch(&mut self) -> Result<()> {
        self.launch_on(None)
    }

    /// Starts the stopped server again on the port it had, so that clients holding its address
    /// (a running app's pool) find it again: what a database restart looks like to them.
    pub fn restart(&mut self) -> Result<()> {
        if self.owned {
            bail!("PostgreSQL in {} is already running", self.data_dir.display());
        }
        self.launch_on(Some(self.port))
    }

    /// Starts the server on `port`, or on a free one when `None`.
    fn launch_on(&mut self, port: Option<u16>) -> Result<()> {
        let log_file = self.log_file();
        touch_owned(&log_file, &self.runner)?;
        let mut last_error = None;
        // Retried because the port picked can be taken before PostgreSQL binds it, and because
        // after a crash the old server's children can hold shared memory for a moment.
        for attempt in 0..3 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_secs(1));
            }
            let port = match port {
                Some(port) => port,
                None => free_port()?,
            };
            // `-k .` puts the unix socket in the data directory (the server's working
            // directory): short enough for the 107-byte socket path limit wherever the data
            // directory lives, and never clashing with a system server's /var/run/postgresql.
            let options = format!("-p {port} -c listen_addresses=127.0.0.1 -k .");
            let mut cmd = self.runner.command(self.bin.join("pg_ctl"));
            cmd.args(["start", "-w", "-t"])
                .arg(SERVER_TIMEOUT.as_secs().to_string())
                .arg("-D")
                .arg(&self.data_dir)
                .arg("-l")
                .arg(&log_file)
                .arg("-o")
                .arg(options);
            match run(cmd) {
                Ok(_) => {
                    self.port = port;
                    self.owned = true;
                    wait_for_port(port, SERVER_TIMEOUT)?;
                    return Ok(());
                }
                Err(err) => last_error = Some(err),
            }
        }
        let tail = log_tail(&log_file, 20);
        let err = last_error.unwrap_or_else(|| anyhow::anyhow!("pg_ctl start failed"));
        Err(err.context(format!(
            "cannot start PostgreSQL in {}; last lines of {}:\n{tail}",
            self.data_dir.display(),
            log_file.display()
        )))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How the PostgreSQL binaries are run: as ourselves, or (when we are root) as `postgres`.
#[derive(Debug, Clone)]
enum Runner {
    Direct,
    AsPostgres { uid: u32, gid: u32 },
}

impl Runner {
    fn detect() -> Result<Runner> {
        if effective_uid()? != 0 {
            return Ok(Runner::Direct);
        }
        let id = |flag: &str| -> Result<u32> {
            let mut cmd = Command::new("id");
            cmd.args([flag, SUPERUSER]);
            let out = run(cmd).context(
                "running as root needs the `postgres` OS user to run PostgreSQL as \
                 (Debian's `apt-get install postgresql` creates it); or run as a normal user",
            )?;
            let text = String::from_utf8_lossy(&out.stdout);
            text.trim()
                .parse()
                .with_context(|| format!("unexpected `id {flag} postgres` output {text:?}"))
        };
        Ok(Runner::AsPostgres {
            uid: id("-u")?,
            gid: id("-g")?,
        })
    }

    fn command(&self, program: PathBuf) -> Command {
        let mut cmd = match self {
            Runner::Direct => Command::new(program),
            Runner::AsPostgres { .. } => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", SUPERUSER, "--"]).arg(program);
                cmd
            }
        };
        // The caller's working directory may be unreadable to `postgres` (e.g. /root), which
        // makes initdb and postgres fail to resolve their own paths; every path we pass is
        // absolute, so "/" is a safe place to run from.
        cmd.current_dir("/");
        cmd
    }

    /// Gives `path` to the user PostgreSQL runs as (no-op when that is us).
    fn hand_over(&self, path: &Path) -> Result<()> {
        if let Runner::AsPostgres { uid, gid } = *self {
            std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .with_context(|| format!("cannot chown {} to postgres", path.display()))?;
        }
        Ok(())
    }
}

/// Creates the data directory (mode 0700, as initdb wants) and checks that the user PostgreSQL
/// runs as can use it.
fn prepare_data_dir(data_dir: &Path, runner: &Runner) -> Result<()> {
    if let Some(parent) = data_dir.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    if !data_dir.exists() {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
    }
    if let Runner::AsPostgres { uid, .. } = *runner {
        let owner = fs::metadata(data_dir)
            .with_context(|| format!("cannot stat {}", data_dir.display()))?
            .uid();
        if owner != uid {
            // Recursive, in case an earlier run as another user initialised it.
            let mut cmd = Command::new("chown");
            cmd.args(["-R", "postgres:postgres"]).arg(data_dir);
            run(cmd)?;
        }
        let mut check = runner.command(PathBuf::from("test"));
        check.arg("-w").arg(data_dir).arg("-a").arg("-x").arg(data_dir);
        if run(check).is_err() {
            bail!(
                "the postgres OS user cannot use {}: every parent directory must be \
                 traversable by it (chmod o+x), or choose a data directory elsewhere",
                data_dir.display()
            );
        }
    }
    Ok(())
}

/// True if `pid` is a live postmaster serving `data_dir` (not a process that reused the pid).
fn postmaster_alive(pid: u32, data_dir: &Path) -> bool {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let Ok(stat) = fs::read_to_string(proc_dir.join("stat")) else {
        return false;
    };
    // A killed postmaster can linger as a zombie when no init reaps orphans (containers
    // without one); its /proc entry exists but it serves nothing. The state letter follows the
    // parenthesised command name, which may itself contain spaces or parentheses.
    let state = stat
        .rfind(')')
        .and_then(|end| stat[end + 1..].split_whitespace().next());
    if matches!(state, None | Some("Z" | "X" | "x")) {
        return false;
    }
    // The postmaster runs with the data directory as its working directory; comparing that is
    // exact. Reading another user's cwd can be denied, so fall back to the process name.
    match (fs::read_link(proc_dir.join("cwd")), fs::canonicalize(data_dir)) {
        (Ok(cwd), Ok(dir)) => cwd == dir,
        _ => fs::read_to_string(proc_dir.join("comm"))
            .map(|comm| matches!(comm.trim(), "postgres" | "postmaster"))
            .unwrap_or(false),
    }
}

fn has_server_bins(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            fs::metadata(candidate)
                .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// The effective uid, from /proc (no libc: the workspace forbids `unsafe`), else `id -u`.
fn effective_uid() -> Result<u32> {
    if let Ok(status) = fs::read_to_string("/proc/self/status")
        && let Some(uids) = status.lines().find_map(|line| line.strip_prefix("Uid:"))
        && let Some(euid) = uids.split_whitespace().nth(1)
        && let Ok(euid) = euid.parse()
    {
        return Ok(euid);
    }
    let mut cmd = Command::new("id");
    cmd.arg("-u");
    let out = run(cmd)?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .with_context(|| format!("unexpected `id -u` output {text:?}"))
}

/// `<data_dir>.<extension>`: a sibling of the data directory (outside it).
fn sibling(data_dir: &Path, extension: &str) -> PathBuf {
    let mut name = data_dir.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// Writes a secret file with mode 0600, owned by the user PostgreSQL runs as (initdb reads it).
fn write_private(path: &Path, contents: &str, runner: &Runner) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // `mode` applies only on creation; an older file keeps its bits unless we set them.
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    runner.hand_over(path)
}

/// Creates `path` if missing and hands it to the PostgreSQL user, who appends to it via pg_ctl.
fn touch_owned(path: &Path, runner: &Runner) -> Result<()> {
    fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o640)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    runner.hand_over(path)
}

/// Random alphanumeric text from the kernel's generator (passwords for local tooling).
pub fn random_alphanumeric(len: usize) -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("cannot read /dev/urandom")?;
    // The modulo bias (256 % 62) costs a fraction of a bit per character; irrelevant at 32
    // characters for a password that never leaves 127.0.0.1.
    Ok(bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect())
}

/// `bytes` random bytes from the kernel's generator as lowercase hex (keys for local tooling).
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut raw = vec![0u8; bytes];
    fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut raw))
        .context("cannot read /dev/urandom")?;
    Ok(raw.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("cannot bind 127.0.0.1:0 to find a free port")?;
    Ok(listener.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!("nothing accepts connections on {addr} after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs a command with no stdin, failing with its output when it exits non-zero.
fn run(mut cmd: Command) -> Result<Output> {
    cmd.stdin(Stdio::null());
    let out = cmd.output().with_context(|| format!("cannot run {}", describe(&cmd)))?;
    check(&cmd, out)
}

fn run_with_stdin(mut cmd: Command, input: &str) -> Result<Output> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().with_context(|| format!("cannot run {}", describe(&cmd)))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    check(&cmd, out)
}

fn check(cmd: &Command, out: Output) -> Result<Output> {
    if out.status.success() {
        return Ok(out);
    }
    bail!(
        "{} failed ({}):\n{}{}",
        describe(cmd),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(percent_encode("a b/c@d:%"), "a%20b%2Fc%40d%3A%25");
    }

    #[test]
    fn sibling_files_sit_beside_the_data_dir() {
        let dir = Path::new("/x/.data/postgres");
        assert_eq!(sibling(dir, "password"), PathBuf::from("/x/.data/postgres.password"));
    }

    #[test]
    fn passwords_are_alphanumeric_and_distinct() {
        let a = random_alphanumeric(32).unwrap();
        let b = random_alphanumeric(32).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
