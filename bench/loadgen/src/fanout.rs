//! Many connections at once: idle connections (server memory per
//! connection) and broadcast (time until every client got every message).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify, Semaphore};

use crate::conn::{self, proto, FrameReader, Msg};
use crate::frame::{self, Rng};
use crate::json::Obj;
use crate::meter::{self, Counters, Mark};
use crate::opts::Opts;
use crate::procstat;

/// Handshakes in progress at once while opening many connections.
const OPEN_CONCURRENCY: usize = 64;
/// Longest a single broadcast may take before the scenario fails.
const BROADCAST_LIMIT: Duration = Duration::from_secs(60);

/// Opens `n` WebSocket connections, `OPEN_CONCURRENCY` at a time.
async fn open_many(o: &Opts, n: usize) -> io::Result<Vec<(TcpStream, FrameReader)>> {
    let gate = Arc::new(Semaphore::new(OPEN_CONCURRENCY));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let (o, gate) = (o.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.map_err(io::Error::other)?;
            let mut rng = Rng::new(0xfa_0000 + i as u64);
            conn::connect(o.addr()?, &mut rng, o.max_frame()).await
        }));
    }
    let mut conns = Vec::with_capacity(n);
    for t in tasks {
        let opened = t.await.map_err(io::Error::other)?;
        conns.push(opened.map_err(|e| {
            io::Error::new(e.kind(), format!("opening connection {}: {e}", conns.len()))
        })?);
    }
    Ok(conns)
}

/// Idle connections: reads the server's RSS, opens `connections`
/// connections, lets the server settle for `hold`, reads RSS again.
pub async fn idle(o: &Opts) -> io::Result<Obj> {
    let counters = Counters::new();
    let anon_before = o.pid.and_then(procstat::rss_anon_kb);
    let a = Mark::now(o.pid, &counters);
    let conns = open_many(o, o.connections).await?;
    let opened_in = a.sample.at.elapsed();
    counters.add(conns.len() as u64, 0);
    tokio::time::sleep(o.hold).await;
    let b = Mark::now(o.pid, &counters);
    let anon_after = o.pid.and_then(procstat::rss_anon_kb);
    let growth_kb = match (a.sample.server_rss_kb, b.sample.server_rss_kb) {
        (Some(x), Some(y)) => Some(y.saturating_sub(x)),
        _ => None,
    };
    let anon_growth_kb = match (anon_before, anon_after) {
        (Some(x), Some(y)) => Some(y.saturating_sub(x)),
        _ => None,
    };
    drop(conns);
    let per = |kb: Option<u64>| kb.map_or(f64::NAN, |g| g as f64 * 1024.0 / o.connections as f64);
    Ok(meter::window(&a, &b, &counters)
        .int("connections", o.connections as u64)
        .num("open_s", opened_in.as_secs_f64())
        .opt("rss_growth_kb", growth_kb)
        .opt("rss_anon_growth_kb", anon_growth_kb)
        // The headline: anonymous memory only (see procstat::rss_anon_kb);
        // VmRSS growth is kept beside it.
        .num("bytes_per_connection", per(anon_growth_kb))
        .num("rss_bytes_per_connection", per(growth_kb)))
}

/// What the receiving tasks of a broadcast share.
struct Fanout {
    counters: Arc<Counters>,
    target: AtomicU64,
    reached: Notify,
    expect: Vec<u8>,
}

async fn sink(
    mut rd: OwnedReadHalf,
    mut reader: FrameReader,
    shared: Arc<Fanout>,
    mut stop: watch::Receiver<bool>,
) {
    let result: io::Result<()> = async {
        loop {
            tokio::select! {
                r = reader.fill(&mut rd) => if r? == 0 { return Ok(()) },
                _ = stop.changed() => return Ok(()),
            }
            let mut got = 0u64;
            while let Some(m) = reader.next_msg().map_err(proto)? {
                if let Msg::Data { payload, .. } = m {
                    if payload != shared.expect.as_slice() {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "broadcast message corrupted",
                        ));
                    }
                    got += 1;
                }
            }
            if got > 0 {
                shared.counters.add(got, got * shared.expect.len() as u64);
                if shared.counters.messages.load(Ordering::Relaxed)
                    >= shared.target.load(Ordering::Relaxed)
                {
                    shared.reached.notify_one();
                }
            }
        }
    }
    .await;
    if let Err(e) = result {
        shared.counters.fail(e.to_string());
        shared.reached.notify_one();
    }
}

/// Broadcast: `connections` clients; the first sends `broadcast:<count>:<size>`
/// and the server sends `count` text messages of `size` bytes to every
/// client. Each repetition is timed until all arrived; repetitions run back
/// to back through the warm-up, then through the measured window (at least
/// `reps` of them).
pub async fn broadcast(o: &Opts) -> io::Result<Obj> {
    let conns = open_many(o, o.connections).await?;
    let counters = Counters::new();
    let shared = Arc::new(Fanout {
        counters: counters.clone(),
        target: AtomicU64::new(0),
        reached: Notify::new(),
        expect: frame::pattern(o.size, true),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut writers: Vec<OwnedWriteHalf> = Vec::with_capacity(conns.len());
    let mut tasks = Vec::with_capacity(conns.len());
    for (stream, reader) in conns {
        let (rd, wr) = stream.into_split();
        writers.push(wr);
        tasks.push(tokio::spawn(sink(
            rd,
            reader,
            shared.clone(),
            stop_rx.clone(),
        )));
    }
    let per_round = (o.connections * o.count) as u64;
    let mut rng = Rng::new(0xb0ad);
    let mut trigger = Vec::new();
    let text = format!("broadcast:{}:{}", o.count, o.size);
    frame::encode(
        &mut trigger,
        frame::OP_TEXT,
        text.as_bytes(),
        Some(rng.mask()),
    );
    let mut times_ms = Vec::new();
    let measure_from = Instant::now() + o.warmup;
    let mut a: Option<Mark> = None;
    let mut failure = None;
    let mut rep = 0u64;
    loop {
        let now = Instant::now();
        if a.is_none() && now >= measure_from {
            a = Some(Mark::now(o.pid, &counters));
        }
        // The window holds whole repetitions: it ends after the first one
        // that finishes past `duration`, and holds at least `reps` of them.
        if let Some(m) = &a {
            if now >= m.sample.at + o.duration && times_ms.len() >= o.reps {
                break;
            }
        }
        rep += 1;
        shared.target.store(per_round * rep, Ordering::Relaxed);
        let t0 = Instant::now();
        let Some(first) = writers.first_mut() else {
            break;
        };
        first.write_all(&trigger).await?;
        let deadline = t0 + BROADCAST_LIMIT;
        while counters.messages.load(Ordering::Relaxed) < shared.target.load(Ordering::Relaxed) {
            if counters.errors.load(Ordering::Relaxed) > 0 {
                failure = counters.first_error();
                break;
            }
            if tokio::time::timeout_at(deadline.into(), shared.reached.notified())
                .await
                .is_err()
            {
                failure = Some(format!(
                    "broadcast {rep} incomplete after {BROADCAST_LIMIT:?}"
                ));
                break;
            }
        }
        if failure.is_some() {
            break;
        }
        if a.is_some() {
            times_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let b = Mark::now(o.pid, &counters);
    let a = a.unwrap_or(b);
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    drop(writers);
    if let Some(f) = failure {
        counters.fail(f);
    }
    times_ms.sort_by(f64::total_cmp);
    let median = times_ms
        .get(times_ms.len() / 2)
        .copied()
        .unwrap_or(f64::NAN);
    Ok(meter::window(&a, &b, &counters)
        .int("connections", o.connections as u64)
        .int("count", o.count as u64)
        .int("size", o.size as u64)
        .int("reps", times_ms.len() as u64)
        .num("median_ms", median)
        .num("min_ms", times_ms.first().copied().unwrap_or(f64::NAN))
        .num("max_ms", times_ms.last().copied().unwrap_or(f64::NAN))
        // Every message counted is one delivery to one client; the window
        // holds whole repetitions, each timed from its trigger until the
        // last client got the last message.
        .num("deliveries_per_s", {
            let elapsed = b.sample.at.duration_since(a.sample.at).as_secs_f64();
            let delivered = b.messages.saturating_sub(a.messages);
            if elapsed > 0.0 {
                delivered as f64 / elapsed
            } else {
                f64::NAN
            }
        }))
}
