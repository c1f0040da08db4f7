//! Running a whole process and measuring it: wall time and peak resident memory (the kernel's
//! high-water mark, `VmHWM` in /proc, read every few milliseconds until the process exits: a
//! process that lives only a few milliseconds may end before it is read, so latencies carry no
//! peak), and percentiles of latencies. Shared by the benchmarks that compare whole runs.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A finished run: seconds and peak resident MB.
pub struct Measured {
    pub secs: f64,
    pub peak_mb: f64,
}

/// Runs `cmd` (stdout to /dev/null) to its end; panics, naming it, when it fails: a benchmark
/// of a failed run measures nothing.
pub fn measured(cmd: &mut Command) -> Measured {
    measured_exit(cmd, &[0])
}

/// As [`measured`], with the exit codes that count as success (a search that finds nothing
/// exits 1, as grep does).
pub fn measured_exit(cmd: &mut Command, ok: &[i32]) -> Measured {
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} does not start: {e}"));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file) {
            let hwm = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let secs = t.elapsed().as_secs_f64();
    assert!(
        status.code().is_some_and(|c| ok.contains(&c)),
        "{cmd:?} failed: {status}"
    );
    Measured {
        secs,
        peak_mb: peak_kb as f64 / 1024.0,
    }
}

/// The `p` quantile (0-1) of sorted durations, in milliseconds.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)].as_secs_f64() * 1e3
}
