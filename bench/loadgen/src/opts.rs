//! Command-line options shared by every mode.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Everything a scenario may need; each mode uses the fields it documents.
#[derive(Debug, Clone)]
pub struct Opts {
    /// Server host (loopback only in `npm run bench`). `--host`, default 127.0.0.1.
    pub host: String,
    /// Server port. `--port`, required except for `serve` (0 = any free port).
    pub port: u16,
    /// Process whose CPU time and RSS are measured. `--pid`.
    pub pid: Option<u32>,
    /// Connections (echo, idle, broadcast) or concurrent workers (connect). `--connections`.
    pub connections: usize,
    /// Messages in flight per connection. `--window`, default 1.
    pub window: usize,
    /// Payload size in bytes. `--size`, default 32.
    pub size: usize,
    /// Text (true) or binary messages. `--binary` sets false.
    pub text: bool,
    /// Raw TCP echo: no handshake, no framing. `--raw`.
    pub raw: bool,
    /// Measured window. `--duration` in seconds, default 5.
    pub duration: Duration,
    /// Unmeasured warm-up before the window. `--warmup` in seconds, default 1.
    pub warmup: Duration,
    /// Broadcast: messages per trigger. `--count`, default 1.
    pub count: usize,
    /// Broadcast: fewest timed repetitions in the measured window (more run
    /// while the window lasts). `--reps`, default 3.
    pub reps: usize,
    /// Idle: seconds to let the server settle before reading its RSS. `--hold`, default 1.
    pub hold: Duration,
    /// Connect: upper bound on connections opened (keeps ephemeral ports free). `--max`.
    pub max: u64,
    /// `serve`: seconds after which the server exits by itself. `--lifetime`, default 3600.
    pub lifetime: Duration,
}

fn secs(v: &str, name: &str) -> io::Result<Duration> {
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| bad(format!("--{name} expects seconds, got {v:?}")))
}

fn num<T: std::str::FromStr>(v: &str, name: &str) -> io::Result<T> {
    v.parse()
        .map_err(|_| bad(format!("--{name} expects a number, got {v:?}")))
}

/// An `InvalidInput` error with a message.
pub fn bad(text: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, text.into())
}

impl Opts {
    /// Parses `--key value` pairs and `--flag`s.
    pub fn parse(args: &[String]) -> io::Result<Opts> {
        let mut map: HashMap<String, String> = HashMap::new();
        let mut it = args.iter().peekable();
        while let Some(arg) = it.next() {
            let key = arg
                .strip_prefix("--")
                .ok_or_else(|| bad(format!("unexpected argument {arg:?}")))?;
            let value = match it.peek() {
                Some(v) if !v.starts_with("--") => it.next().cloned().unwrap_or_default(),
                _ => "true".to_string(),
            };
            map.insert(key.to_string(), value);
        }
        let get = |k: &str| map.get(k).map(String::as_str);
        let mut o = Opts {
            host: get("host").unwrap_or("127.0.0.1").to_string(),
            port: 0,
            pid: None,
            connections: 1,
            window: 1,
            size: 32,
            text: true,
            raw: get("raw").is_some(),
            duration: Duration::from_secs(5),
            warmup: Duration::from_secs(1),
            count: 1,
            reps: 3,
            hold: Duration::from_secs(1),
            max: 30_000,
            lifetime: Duration::from_secs(3600),
        };
        if let Some(v) = get("port") {
            o.port = num(v, "port")?;
        }
        if let Some(v) = get("pid") {
            o.pid = Some(num(v, "pid")?);
        }
        if let Some(v) = get("connections") {
            o.connections = num::<usize>(v, "connections")?.max(1);
        }
        if let Some(v) = get("window") {
            o.window = num::<usize>(v, "window")?.max(1);
        }
        if let Some(v) = get("size") {
            o.size = num(v, "size")?;
        }
        if get("binary").is_some() {
            o.text = false;
        }
        if let Some(v) = get("duration") {
            o.duration = secs(v, "duration")?;
        }
        if let Some(v) = get("warmup") {
            o.warmup = secs(v, "warmup")?;
        }
        if let Some(v) = get("count") {
            o.count = num::<usize>(v, "count")?.max(1);
        }
        if let Some(v) = get("reps") {
            o.reps = num::<usize>(v, "reps")?.max(1);
        }
        if let Some(v) = get("hold") {
            o.hold = secs(v, "hold")?;
        }
        if let Some(v) = get("max") {
            o.max = num(v, "max")?;
        }
        if let Some(v) = get("lifetime") {
            o.lifetime = secs(v, "lifetime")?;
        }
        Ok(o)
    }

    /// The server address.
    pub fn addr(&self) -> io::Result<SocketAddr> {
        (self.host.as_str(), self.port)
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| bad(format!("cannot resolve {}", self.host)))
    }

    /// The largest frame or message accepted from the server: the payload
    /// size with room to spare, and at least 1 MiB.
    pub fn max_frame(&self) -> usize {
        self.size.saturating_mul(2).max(1 << 20)
    }
}
