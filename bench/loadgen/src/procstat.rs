//! CPU time, scheduler wait and memory of the server under test (from
//! `/proc`) and the generator's own CPU time (from `getrusage`).

use std::fs;
use std::time::Instant;

/// One reading of the watched process and of the generator.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// When the reading was taken.
    pub at: Instant,
    /// CPU time of all threads of the watched process, in microseconds.
    pub server_cpu_us: Option<u64>,
    /// Time the watched process's threads sat runnable but not running
    /// (summed over its threads), in microseconds.
    pub server_wait_us: Option<u64>,
    /// The part of `server_wait_us` of the process's main thread (the JS
    /// thread of a Node server), in microseconds.
    pub server_main_wait_us: Option<u64>,
    /// Resident set size of the watched process, in KiB.
    pub server_rss_kb: Option<u64>,
    /// User + system CPU time of the generator, in microseconds.
    pub self_cpu_us: u64,
    /// Time the generator's threads sat runnable but not running, in microseconds.
    pub self_wait_us: Option<u64>,
}

/// Reads the watched process `pid` (if any) and the generator's own CPU time.
pub fn sample(pid: Option<u32>) -> Sample {
    let sched = pid.and_then(schedstat);
    Sample {
        at: Instant::now(),
        server_cpu_us: sched
            .map(|s| s.run_ns / 1000)
            .or_else(|| pid.and_then(stat_us)),
        server_wait_us: sched.map(|s| s.wait_ns / 1000),
        server_main_wait_us: sched.map(|s| s.main_wait_ns / 1000),
        server_rss_kb: pid.and_then(rss_kb),
        self_cpu_us: self_cpu_us(),
        self_wait_us: schedstat(std::process::id()).map(|s| s.wait_ns / 1000),
    }
}

/// Scheduler counters summed over every thread of a process.
#[derive(Debug, Clone, Copy)]
pub struct SchedStat {
    /// Time spent running on a CPU, in nanoseconds.
    pub run_ns: u64,
    /// Time spent runnable but waiting for a CPU (`run_delay`), in nanoseconds.
    pub wait_ns: u64,
    /// The main thread's share of `wait_ns` (the thread whose id is the pid).
    pub main_wait_ns: u64,
}

/// Reads `/proc/<pid>/task/*/schedstat` (fields: run time, run delay,
/// timeslices; nanoseconds) and sums the first two over the threads alive
/// now. `None` when the kernel has no schedstats.
pub fn schedstat(pid: u32) -> Option<SchedStat> {
    let mut sum = SchedStat {
        run_ns: 0,
        wait_ns: 0,
        main_wait_ns: 0,
    };
    let main = pid.to_string();
    let mut any = false;
    for entry in fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let entry = entry.ok()?;
        let is_main = entry.file_name().to_str() == Some(main.as_str());
        let path = entry.path().join("schedstat");
        // A thread may exit between the listing and the read: skip it.
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let (run_ns, wait_ns) = parse_schedstat(&text)?;
        sum.run_ns += run_ns;
        sum.wait_ns += wait_ns;
        if is_main {
            sum.main_wait_ns = wait_ns;
        }
        any = true;
    }
    any.then_some(sum)
}

/// The run time and run delay (nanoseconds) of one thread's `schedstat` line.
fn parse_schedstat(text: &str) -> Option<(u64, u64)> {
    let mut fields = text.split_whitespace();
    let run_ns = fields.next()?.parse().ok()?;
    let wait_ns = fields.next()?.parse().ok()?;
    Some((run_ns, wait_ns))
}

fn stat_us(pid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name: state is field 3, so
    // utime (field 14) and stime (field 15) are at offsets 11 and 12.
    let rest = text.get(text.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 1_000_000 / clock_ticks_per_second())
}

fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf takes an integer name and touches no memory of ours.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).ok().filter(|t| *t > 0).unwrap_or(100)
}

/// VmRSS of `pid` in KiB.
pub fn rss_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "VmRSS:")
}

/// RssAnon of `pid` in KiB: resident anonymous memory (heaps, stacks), not
/// pages mapped from files such as the code of a JIT compiler loaded on
/// first use, which is a one-time cost rather than a per-connection one.
pub fn rss_anon_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "RssAnon:")
}

fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU time of this process (all threads), in microseconds,
/// from `getrusage(RUSAGE_SELF)`.
pub fn self_cpu_us() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable rusage; getrusage fills it or fails.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return 0;
    }
    // SAFETY: getrusage returned 0, so the struct is initialised (and it was zeroed before).
    let usage = unsafe { usage.assume_init() };
    let us = |t: libc::timeval| (t.tv_sec as u64) * 1_000_000 + t.tv_usec as u64;
    us(usage.ru_utime) + us(usage.ru_stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_line_gives_run_time_and_run_delay() {
        assert_eq!(
            parse_schedstat("123456789 98765 4321\n"),
            Some((123_456_789, 98_765))
        );
    }

    #[test]
    fn schedstat_line_without_run_delay_is_rejected() {
        assert_eq!(parse_schedstat("123456789\n"), None);
        assert_eq!(parse_schedstat("abc 1 2"), None);
    }
}
