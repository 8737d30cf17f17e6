//! Readings from `/proc`: load average, a process's peak memory and CPU time. CPU seconds are
//! the figure to trust on a shared, noisy machine: wall-clock throughput halves when another
//! build runs, CPU spent per point much less so.

use std::fs;
use std::process::Command;
use std::sync::OnceLock;

/// `/proc/loadavg`'s three averages (1, 5, 15 minutes).
pub fn loadavg() -> [f64; 3] {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut values = text.split_whitespace().map(|v| v.parse().unwrap_or(f64::NAN));
    [(); 3].map(|()| values.next().unwrap_or(f64::NAN))
}

/// Number of CPUs this process may run on.
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// A `VmXxx:` line of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix(field))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// Peak resident set size (`VmHWM`) in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

/// Current resident set size (`VmRSS`) in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// Clock ticks per second for `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux).
fn ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// The fields of `/proc/<pid>/stat` after the parenthesised command name (which may contain
/// spaces), so that index 0 is the state letter, 1 the parent pid, 11 utime, 12 stime, 13 cutime
/// and 14 cstime (fields 3, 4, 14–17 of proc(5)).
fn stat_fields(pid: &str) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn ticks(fields: &[String], from: usize, to: usize) -> u64 {
    fields
        .get(from..to)
        .map_or(0, |times| times.iter().filter_map(|t| t.parse::<u64>().ok()).sum())
}

/// CPU seconds (user + system) of `pid` alone, its exited children excluded.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let fields = stat_fields(&pid.to_string())?;
    Some(ticks(&fields, 11, 13) as f64 / ticks_per_second())
}

/// CPU seconds of this process.
pub fn own_cpu_seconds() -> f64 {
    cpu_seconds(std::process::id()).unwrap_or(0.0)
}

/// CPU seconds of `root` and its children, living or exited: PostgreSQL's postmaster and its
/// backends, which are all direct children. Exited children count once the parent reaped them.
pub fn tree_cpu_seconds(root: u32) -> Option<f64> {
    let root_fields = stat_fields(&root.to_string())?;
    let mut total = ticks(&root_fields, 11, 15);
    let root_text = root.to_string();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().filter(|n| n.bytes().all(|b| b.is_ascii_digit())) else {
            continue;
        };
        if let Some(fields) = stat_fields(pid)
            && fields.get(1) == Some(&root_text)
        {
            total += ticks(&fields, 11, 15);
        }
    }
    Some(total as f64 / ticks_per_second())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(peak_rss_kib(pid).unwrap() > 0);
        assert!(rss_kib(pid).unwrap() > 0);
        assert!(cpu_seconds(pid).unwrap() >= 0.0);
        // The process's own time first: read second, it could have grown past the tree's.
        let own = cpu_seconds(pid).unwrap();
        assert!(tree_cpu_seconds(pid).unwrap() >= own);
        assert!(loadavg().iter().all(|v| v.is_finite()));
    }
}
