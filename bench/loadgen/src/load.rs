//! Echo scenarios: pipelined echo over many connections with a window of
//! messages in flight (also used for large-message throughput), and
//! one-at-a-time ping-pong latency.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{Notify, Semaphore};

use crate::conn::{self, proto, FrameReader, Msg};
use crate::frame::{self, Payloads, Rng};
use crate::json::Obj;
use crate::meter::{self, Counters, Mark};
use crate::opts::Opts;

/// Extra time connections get to drain after the window before giving up.
const DRAIN: Duration = Duration::from_secs(30);
/// Bytes in flight per connection up to which one task both reads and writes.
const INLINE_LIMIT: usize = 64 * 1024;
/// How long a clean close may take.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Opens one connection: a WebSocket handshake, or a plain TCP connection in raw mode.
pub async fn open(o: &Opts, rng: &mut Rng) -> io::Result<(TcpStream, FrameReader)> {
    let addr = o.addr()?;
    if o.raw {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok((stream, FrameReader::raw(o.size)))
    } else {
        conn::connect(addr, rng, o.max_frame()).await
    }
}

/// Pipelined echo: `connections` connections, each keeping `window`
/// messages of `size` bytes in flight; every echo is checked byte for byte.
pub async fn echo(o: &Opts) -> io::Result<Obj> {
    let counters = Counters::new();
    let payloads = Arc::new(Payloads::new(o.size, o.text));
    let mut conns = Vec::with_capacity(o.connections);
    for i in 0..o.connections {
        let mut rng = Rng::new(0x5eed_0000 + i as u64);
        let (stream, reader) = open(o, &mut rng).await?;
        conns.push((stream, reader, rng));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(conns.len());
    for (stream, reader, rng) in conns {
        let job = Job {
            payloads: payloads.clone(),
            window: o.window,
            raw: o.raw,
            counters: counters.clone(),
            stop: stop.clone(),
        };
        let limit = o.warmup + o.duration + DRAIN;
        let counters = counters.clone();
        tasks.push(tokio::spawn(async move {
            match tokio::time::timeout(limit, job.run(stream, reader, rng)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => counters.fail(e.to_string()),
                Err(_) => counters.fail("connection did not finish in time"),
            }
        }));
    }
    tokio::time::sleep_until((start + o.warmup).into()).await;
    let a = Mark::now(o.pid, &counters);
    tokio::time::sleep_until((start + o.warmup + o.duration).into()).await;
    let b = Mark::now(o.pid, &counters);
    stop.store(true, Ordering::Release);
    for t in tasks {
        let _ = t.await;
    }
    Ok(meter::window(&a, &b, &counters)
        .int("connections", o.connections as u64)
        .int("window", o.window as u64)
        .int("size", o.size as u64))
}

/// One connection's share of the echo scenario.
struct Job {
    payloads: Arc<Payloads>,
    window: usize,
    raw: bool,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
}

impl Job {
    async fn run(self, stream: TcpStream, reader: FrameReader, rng: Rng) -> io::Result<()> {
        if self.window.saturating_mul(self.payloads.size()) <= INLINE_LIMIT {
            self.run_inline(stream, reader, rng).await
        } else {
            self.run_split(stream, reader, rng).await
        }
    }

    /// Encodes messages `seq..seq + n` into `out` (cleared first).
    fn encode(&self, seq: u64, n: u64, out: &mut Vec<u8>, msg: &mut Vec<u8>, rng: &mut Rng) {
        out.clear();
        for s in seq..seq + n {
            self.payloads.fill(s, msg);
            if self.raw {
                out.extend_from_slice(msg);
            } else {
                frame::encode(out, self.payloads.opcode(), msg, Some(rng.mask()));
            }
        }
    }

    /// Small windows: one task reads the echoes and sends as many new
    /// messages as came back. The whole window fits in the socket buffers,
    /// so a write never waits on the server while it waits on us.
    async fn run_inline(
        self,
        mut stream: TcpStream,
        mut reader: FrameReader,
        mut rng: Rng,
    ) -> io::Result<()> {
        let (mut out, mut msg) = (Vec::new(), Vec::new());
        let window = self.window as u64;
        self.encode(0, window, &mut out, &mut msg, &mut rng);
        stream.write_all(&out).await?;
        let (mut sent, mut seq) = (window, 0u64);
        while seq < sent {
            if reader.fill(&mut stream).await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "server closed the connection",
                ));
            }
            let (mut got, mut bytes) = (0u64, 0u64);
            while let Some(m) = reader.next_msg().map_err(proto)? {
                match m {
                    Msg::Data { payload, .. } => {
                        self.payloads.verify(seq, payload).map_err(proto)?;
                        seq += 1;
                        got += 1;
                        bytes += payload.len() as u64;
                    }
                    Msg::Ping(_) => {}
                    Msg::Close => return Err(io::Error::other("server sent a close frame")),
                }
            }
            if got > 0 {
                self.counters.add(got, bytes);
                if !self.stop.load(Ordering::Acquire) {
                    self.encode(sent, got, &mut out, &mut msg, &mut rng);
                    stream.write_all(&out).await?;
                    sent += got;
                }
            }
        }
        if !self.raw {
            let (mut rd, mut wr) = stream.into_split();
            conn::close(&mut rd, &mut wr, &mut reader, &mut rng, CLOSE_WAIT).await;
        }
        Ok(())
    }

    /// Large windows: a writer task keeps the window full while this task
    /// reads, so neither side can block the other.
    async fn run_split(
        self,
        stream: TcpStream,
        mut reader: FrameReader,
        mut rng: Rng,
    ) -> io::Result<()> {
        let (mut rd, mut wr) = stream.into_split();
        let permits = Arc::new(Semaphore::new(self.window));
        let sent = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(Notify::new());
        let writer = {
            let (permits, sent, done, wake) =
                (permits.clone(), sent.clone(), done.clone(), wake.clone());
            let (payloads, stop, raw, mut rng) = (
                self.payloads.clone(),
                self.stop.clone(),
                self.raw,
                rng.clone(),
            );
            tokio::spawn(async move {
                let mut out = Vec::new();
                let mut msg = Vec::new();
                let mut seq = 0u64;
                let result: io::Result<()> = async {
                    while let Ok(permit) = permits.acquire().await {
                        permit.forget();
                        let mut n = 1;
                        while let Ok(p) = permits.try_acquire() {
                            p.forget();
                            n += 1;
                        }
                        if stop.load(Ordering::Acquire) {
                            break;
                        }
                        out.clear();
                        for _ in 0..n {
                            payloads.fill(seq, &mut msg);
                            if raw {
                                out.extend_from_slice(&msg);
                            } else {
                                frame::encode(&mut out, payloads.opcode(), &msg, Some(rng.mask()));
                            }
                            seq += 1;
                        }
                        sent.store(seq, Ordering::Release);
                        wr.write_all(&out).await?;
                    }
                    Ok(())
                }
                .await;
                done.store(true, Ordering::Release);
                wake.notify_one();
                result.map(|()| wr)
            })
        };
        let mut seq = 0u64;
        loop {
            if done.load(Ordering::Acquire) && seq == sent.load(Ordering::Acquire) {
                break;
            }
            tokio::select! {
                r = reader.fill(&mut rd) => {
                    if r? == 0 {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "server closed the connection"));
                    }
                }
                _ = wake.notified() => continue,
            }
            let (mut got, mut bytes) = (0u64, 0u64);
            while let Some(m) = reader.next_msg().map_err(proto)? {
                match m {
                    Msg::Data { payload, .. } => {
                        self.payloads.verify(seq, payload).map_err(proto)?;
                        seq += 1;
                        got += 1;
                        bytes += payload.len() as u64;
                    }
                    Msg::Ping(_) => {}
                    Msg::Close => {
                        return Err(io::Error::other("server sent a close frame"));
                    }
                }
            }
            if got > 0 {
                self.counters.add(got, bytes);
                permits.add_permits(got as usize);
            }
        }
        let mut wr = writer.await.map_err(io::Error::other)??;
        if !self.raw {
            conn::close(&mut rd, &mut wr, &mut reader, &mut rng, CLOSE_WAIT).await;
        }
        Ok(())
    }
}

/// One-at-a-time echo on one connection: send, wait for the echo, repeat.
/// Reports round-trip percentiles in microseconds.
pub async fn latency(o: &Opts) -> io::Result<Obj> {
    let counters = Counters::new();
    let payloads = Payloads::new(o.size, o.text);
    let mut rng = Rng::new(0x1a7e);
    let (stream, mut reader) = open(o, &mut rng).await?;
    let (mut rd, mut wr) = stream.into_split();
    let start = Instant::now();
    let (measure_from, stop_at) = (start + o.warmup, start + o.warmup + o.duration);
    let mut a: Option<Mark> = None;
    let mut rtts: Vec<u64> = Vec::new();
    let (mut out, mut msg) = (Vec::new(), Vec::new());
    let mut seq = 0u64;
    loop {
        let now = Instant::now();
        if now >= stop_at {
            break;
        }
        if a.is_none() && now >= measure_from {
            a = Some(Mark::now(o.pid, &counters));
        }
        payloads.fill(seq, &mut msg);
        out.clear();
        if o.raw {
            out.extend_from_slice(&msg);
        } else {
            frame::encode(&mut out, payloads.opcode(), &msg, Some(rng.mask()));
        }
        let sent_at = Instant::now();
        wr.write_all(&out).await?;
        let len = loop {
            if let Some(m) = reader.next_msg().map_err(proto)? {
                match m {
                    Msg::Data { payload, .. } => {
                        payloads.verify(seq, payload).map_err(proto)?;
                        break payload.len() as u64;
                    }
                    Msg::Ping(_) => continue,
                    Msg::Close => return Err(io::Error::other("server sent a close frame")),
                }
            }
            if reader.fill(&mut rd).await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "server closed the connection",
                ));
            }
        };
        let rtt = sent_at.elapsed();
        seq += 1;
        if a.is_some() {
            counters.add(1, len);
            rtts.push(rtt.as_nanos() as u64);
        }
    }
    let b = Mark::now(o.pid, &counters);
    let a = a.unwrap_or(b);
    if !o.raw {
        conn::close(&mut rd, &mut wr, &mut reader, &mut rng, CLOSE_WAIT).await;
    }
    rtts.sort_unstable();
    let pct = |p: f64| -> f64 {
        if rtts.is_empty() {
            return f64::NAN;
        }
        let idx = ((rtts.len() as f64 - 1.0) * p).round() as usize;
        rtts.get(idx).copied().unwrap_or(0) as f64 / 1000.0
    };
    let mean = if rtts.is_empty() {
        f64::NAN
    } else {
        rtts.iter().sum::<u64>() as f64 / rtts.len() as f64 / 1000.0
    };
    Ok(meter::window(&a, &b, &counters)
        .int("size", o.size as u64)
        .num("p50_us", pct(0.50))
        .num("p99_us", pct(0.99))
        .num("mean_us", mean)
        .num("max_us", pct(1.0)))
}
