//! Running child processes: echoing them, capturing or teeing their output, and passing
//! Ctrl-C/SIGTERM on to a long-running server child.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the signal handler; phases check it so an interrupted run stops at the next boundary.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The server child that a signal should be passed on to. Servers run in their own process group
/// (so a terminal's Ctrl-C reaches them exactly once, through us, and we can clean up after);
/// plain tools such as cargo stay in ours and get the terminal's signal directly.
static FORWARD_TO: Mutex<Option<u32>> = Mutex::new(None);

pub fn install_signal_handler() -> Result<()> {
    ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let target = FORWARD_TO.lock().map(|pid| *pid).unwrap_or(None);
        if let Some(pid) = target {
            send_signal(pid, "INT");
        }
    })
    .context("cannot install the Ctrl-C handler")
}

pub fn check_interrupted() -> Result<()> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        bail!("interrupted");
    }
    Ok(())
}

/// Sends a signal with kill(1): the workspace forbids `unsafe`, which libc's kill would need.
pub fn send_signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// A child command running beside the phases, its output kept in a log until `wait` prints it (so
/// two outputs never interleave). Dropped unwaited (an earlier phase stopped the run), the child
/// is killed.
pub struct Background {
    child: Option<Child>,
    log: std::path::PathBuf,
}

impl Background {
    /// Starts `cmd`, writing its stdout and stderr to `log`.
    pub fn spawn(cmd: &mut Command, log: &Path) -> Result<Background> {
        if let Some(parent) = log.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let out = std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let err = out.try_clone()?;
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        println!("$ {} > {} &", show(cmd), log.display());
        let child = cmd.spawn().with_context(|| format!("cannot start {}", show(cmd)))?;
        Ok(Background {
            child: Some(child),
            log: log.to_path_buf(),
        })
    }

    /// Starts this same xtask binary with `args`.
    pub fn xtask(root: &Path, args: &[&str], envs: &[(&str, &str)], log: &Path) -> Result<Background> {
        let mut cmd = Command::new(std::env::current_exe().context("cannot find the xtask binary")?);
        cmd.args(args).envs(envs.iter().copied()).current_dir(root);
        Self::spawn(&mut cmd, log)
    }

    /// Waits for the child and prints its log; fails if it failed.
    pub fn wait(mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            bail!("the background job was not started");
        };
        let status = child.wait().context("the background job did not finish")?;
        println!("--- {} ---", self.log.display());
        print!(
            "{}",
            String::from_utf8_lossy(&std::fs::read(&self.log).unwrap_or_default())
        );
        println!("--- end of {} ---", self.log.display());
        check_interrupted()?;
        if !status.success() {
            bail!("it failed ({status}); its output is above");
        }
        Ok(())
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A server child in its own process group; signals to xtask are forwarded to it while this
/// value lives, and dropping it stops the server (SIGTERM, then SIGKILL after a grace period).
pub struct Server {
    child: Child,
    name: String,
}

impl Server {
    pub fn spawn(cmd: &mut Command, name: &str) -> Result<Server> {
        cmd.process_group(0);
        println!("$ {}", show(cmd));
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {name} ({})", show(cmd)))?;
        if let Ok(mut slot) = FORWARD_TO.lock() {
            *slot = Some(child.id());
        }
        Ok(Server {
            child,
            name: name.to_owned(),
        })
    }

    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }

    /// Waits for the server to exit on its own (`cargo xtask run`).
    pub fn wait(&mut self) -> Result<ExitStatus> {
        let status = self.child.wait()?;
        self.forget_forwarding();
        Ok(status)
    }

    /// Stops the server: SIGTERM (it shuts down gracefully), then SIGKILL after 15 s.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            self.forget_forwarding();
            return;
        }
        send_signal(self.child.id(), "TERM");
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                self.forget_forwarding();
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("{} did not stop within 15 s of SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.forget_forwarding();
    }

    fn forget_forwarding(&self) {
        if let Ok(mut slot) = FORWARD_TO.lock()
            && *slot == Some(self.child.id())
        {
            *slot = None;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The command line as it would be typed, with passwords in URLs masked.
pub fn show(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    // $CARGO is a long toolchain path; "cargo" says the same thing.
    let program = match program.file_name() {
        Some(name) if name == "cargo" => "cargo".into(),
        _ => program.to_string_lossy(),
    };
    let mut parts = vec![program.into_owned()];
    parts.extend(cmd.get_args().map(|arg| arg.to_string_lossy().into_owned()));
    redact(&parts.join(" "))
}

/// Masks the password of every `scheme://user:password@` in `text`, for logs.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        out.push_str(head);
        let authority_end = tail.find(['/', ' ', '?']).unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

/// Runs a command with inherited stdio, failing if it exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    println!("$ {}", show(cmd));
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("cannot run {}", show(cmd)))?;
    check_interrupted()?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(())
}

/// Runs a command quietly and returns its stdout; on failure the error carries its output.
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", show(cmd)))?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}):\n{}{}",
            show(cmd),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True if the command runs and exits zero; its output is discarded.
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

/// Runs a command printing its stdout live while handing each line to `on_line`.
pub fn run_tee(cmd: &mut Command, mut on_line: impl FnMut(&str)) -> Result<ExitStatus> {
    println!("$ {}", show(cmd));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", show(cmd)))?;
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        let mut line = Vec::new();
        let mut console = std::io::stdout();
        // Byte lines rather than `lines()`: a test printing invalid UTF-8 must not end the tee.
        while reader.read_until(b'\n', &mut line)? > 0 {
            console.write_all(&line)?;
            console.flush()?;
            on_line(String::from_utf8_lossy(&line).trim_end());
            line.clear();
        }
    }
    let status = child.wait()?;
    check_interrupted()?;
    Ok(status)
}

/// The last `lines` lines of a text file, for failure reports.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_else(|err| format!("(cannot read {}: {err})", path.display()));
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("cannot bind 127.0.0.1:0 to find a free port")?;
    Ok(listener.local_addr()?.port())
}

pub fn port_open(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// The status code of `GET path` on 127.0.0.1:port, or None if nothing answered. A raw
/// HTTP/1.1 request keeps an HTTP client library out of xtask for one probe.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 32];
    let read = stream.read(&mut head).ok()?;
    let head = String::from_utf8_lossy(&head[..read]).into_owned();
    head.strip_prefix("HTTP/1.")?
        .get(2..5)
        .and_then(|code| code.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_masks_only_passwords() {
        assert_eq!(
            redact("psql --dbname=postgres://u:secret@h:5432/db -c x"),
            "psql --dbname=postgres://u:***@h:5432/db -c x"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact("http://127.0.0.1:3000/ready"), "http://127.0.0.1:3000/ready");
    }
}
