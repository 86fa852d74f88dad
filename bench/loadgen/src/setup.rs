//! Connection setup rate: open, handshake, close handshake, repeat.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::conn;
use crate::frame::{self, Rng};
use crate::json::Obj;
use crate::meter::{self, Counters, Mark};
use crate::opts::Opts;

/// How long one open/close cycle may take before it counts as failed.
const CYCLE_LIMIT: Duration = Duration::from_secs(5);

/// One full connection lifetime: TCP connect, opening handshake, close
/// handshake, and the server's end of stream.
async fn cycle(o: &Opts, rng: &mut Rng) -> io::Result<()> {
    let (stream, mut reader) = conn::connect(o.addr()?, rng, o.max_frame()).await?;
    let (mut rd, mut wr) = stream.into_split();
    let mut out = Vec::with_capacity(16);
    frame::encode(
        &mut out,
        frame::OP_CLOSE,
        &1000u16.to_be_bytes(),
        Some(rng.mask()),
    );
    tokio::io::AsyncWriteExt::write_all(&mut wr, &out).await?;
    loop {
        while let Some(m) = reader.next_msg().map_err(conn::proto)? {
            if let conn::Msg::Close = m {
                // The server answers the close and then ends the TCP
                // connection; waiting for that keeps TIME_WAIT on its side.
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    while let Ok(n) = reader.fill(&mut rd).await {
                        if n == 0 {
                            break;
                        }
                    }
                })
                .await;
                return Ok(());
            }
        }
        if reader.fill(&mut rd).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "server closed without a close frame",
            ));
        }
    }
}

/// Runs `connections` workers that each open and close connections back to
/// back until the window ends or `max` connections have been opened.
pub async fn connect(o: &Opts) -> io::Result<Obj> {
    let counters = Counters::new();
    let started = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let stop_at = start + o.warmup + o.duration;
    let mut tasks = Vec::with_capacity(o.connections);
    for i in 0..o.connections {
        let (o, counters, started) = (o.clone(), counters.clone(), started.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(0xc0_0000 + i as u64);
            while Instant::now() < stop_at && started.fetch_add(1, Ordering::Relaxed) < o.max {
                match tokio::time::timeout(CYCLE_LIMIT, cycle(&o, &mut rng)).await {
                    Ok(Ok(())) => counters.add(1, 0),
                    Ok(Err(e)) => {
                        counters.fail(e.to_string());
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Err(_) => counters.fail("open/close cycle timed out"),
                }
            }
        }));
    }
    tokio::time::sleep_until((start + o.warmup).into()).await;
    let a = Mark::now(o.pid, &counters);
    // The window ends at `stop_at`, or earlier once `max` connections were
    // started and have finished (so the rate is not diluted by idle time).
    while Instant::now() < stop_at && started.load(Ordering::Relaxed) < o.max {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = if Instant::now() < stop_at {
        for t in tasks {
            let _ = t.await;
        }
        Mark::now(o.pid, &counters)
    } else {
        let b = Mark::now(o.pid, &counters);
        for t in tasks {
            let _ = t.await;
        }
        b
    };
    let capped = started.load(Ordering::Relaxed) >= o.max;
    Ok(meter::window(&a, &b, &counters)
        .int("concurrency", o.connections as u64)
        .bool("hit_max", capped))
}
