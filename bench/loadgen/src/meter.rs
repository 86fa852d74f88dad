//! Counters shared by connection tasks, and the measured window: readings at
//! its start and end turned into the JSON fields every scenario reports.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::json::Obj;
use crate::procstat::{self, Sample};

/// Messages and payload bytes verified so far, plus the first error seen.
#[derive(Debug, Default)]
pub struct Counters {
    /// Messages received and verified.
    pub messages: AtomicU64,
    /// Payload bytes of those messages.
    pub bytes: AtomicU64,
    /// Connections or operations that failed.
    pub errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Counters {
    /// New zeroed counters.
    pub fn new() -> Arc<Self> {
        Arc::new(Counters::default())
    }

    /// Adds verified messages.
    pub fn add(&self, messages: u64, bytes: u64) {
        self.messages.fetch_add(messages, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records a failure (the first message is kept for the report).
    pub fn fail(&self, text: impl Into<String>) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut slot) = self.first_error.lock() {
            if slot.is_none() {
                *slot = Some(text.into());
            }
        }
    }

    /// The first recorded failure, if any.
    pub fn first_error(&self) -> Option<String> {
        self.first_error.lock().ok().and_then(|s| s.clone())
    }

    /// A snapshot of (messages, bytes).
    pub fn snapshot(&self) -> (u64, u64) {
        (
            self.messages.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }
}

/// One endpoint of the measured window.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    /// Process readings.
    pub sample: Sample,
    /// Messages verified so far.
    pub messages: u64,
    /// Payload bytes verified so far.
    pub bytes: u64,
}

impl Mark {
    /// Takes a reading now.
    pub fn now(pid: Option<u32>, counters: &Counters) -> Mark {
        let (messages, bytes) = counters.snapshot();
        Mark {
            sample: procstat::sample(pid),
            messages,
            bytes,
        }
    }
}

/// The fields every scenario reports about a window from `a` to `b`:
/// elapsed time, messages and bytes, rates, server CPU time, scheduler wait
/// and RSS, and the generator's own CPU share and scheduler wait (above ~0.85
/// of a core busy, or a large wait, the generator may be the limit).
///
/// `server_wait_share` is the fraction of a core the server's threads spent
/// runnable but not running during the window (sum of their `run_delay`
/// growth divided by the window): threads of one process queueing for the
/// same core show up here, as does other load on that core.
pub fn window(a: &Mark, b: &Mark, counters: &Counters) -> Obj {
    let elapsed = b.sample.at.duration_since(a.sample.at).as_secs_f64();
    let messages = b.messages.saturating_sub(a.messages);
    let bytes = b.bytes.saturating_sub(a.bytes);
    let per_s = |v: u64| {
        if elapsed > 0.0 {
            v as f64 / elapsed
        } else {
            0.0
        }
    };
    let server_cpu = match (a.sample.server_cpu_us, b.sample.server_cpu_us) {
        (Some(x), Some(y)) => Some(y.saturating_sub(x)),
        _ => None,
    };
    let server_wait = match (a.sample.server_wait_us, b.sample.server_wait_us) {
        (Some(x), Some(y)) => Some(y.saturating_sub(x)),
        _ => None,
    };
    let gen_cpu = b.sample.self_cpu_us.saturating_sub(a.sample.self_cpu_us);
    let gen_wait = match (a.sample.self_wait_us, b.sample.self_wait_us) {
        (Some(x), Some(y)) => y.saturating_sub(x) as f64 / 1e6 / elapsed.max(1e-9),
        _ => f64::NAN,
    };
    let mut o = Obj::new()
        .num("elapsed_s", elapsed)
        .int("messages", messages)
        .int("bytes", bytes)
        .num("msgs_per_s", per_s(messages))
        .num("mb_per_s", per_s(bytes) / 1e6)
        .opt("server_cpu_us", server_cpu)
        .num(
            "server_cpu_share",
            server_cpu.map_or(f64::NAN, |c| c as f64 / 1e6 / elapsed),
        )
        .num(
            "server_cpu_us_per_msg",
            match server_cpu {
                Some(c) if messages > 0 => c as f64 / messages as f64,
                _ => f64::NAN,
            },
        )
        .opt("server_wait_us", server_wait)
        .num(
            "server_wait_share",
            server_wait.map_or(f64::NAN, |w| w as f64 / 1e6 / elapsed),
        )
        .num(
            "server_main_wait_share",
            match (a.sample.server_main_wait_us, b.sample.server_main_wait_us) {
                (Some(x), Some(y)) => y.saturating_sub(x) as f64 / 1e6 / elapsed,
                _ => f64::NAN,
            },
        )
        .opt("server_rss_start_kb", a.sample.server_rss_kb)
        .opt("server_rss_kb", b.sample.server_rss_kb)
        .int("gen_cpu_us", gen_cpu)
        .num("gen_cpu_share", gen_cpu as f64 / 1e6 / elapsed.max(1e-9))
        .num("gen_wait_share", gen_wait)
        .int("errors", counters.errors.load(Ordering::Relaxed));
    if let Some(e) = counters.first_error() {
        o = o.str("first_error", &e);
    }
    o
}
