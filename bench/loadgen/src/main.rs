//! `loadgen`: the neutral load generator behind `npm run bench`.
//!
//! ```text
//! loadgen <mode> [--port N] [--pid PID] [--connections N] [--window N] [--size B]
//!         [--binary] [--raw] [--duration S] [--warmup S] [--count N] [--reps N] ...
//! ```
//! Modes: `echo`, `latency`, `connect`, `idle`, `broadcast`, `probe` (one
//! message echoed and checked), and `serve` (the native reference server).
//! Every mode except `serve` prints one JSON object on stdout. With `--pid`,
//! the CPU time (all threads) and RSS of that process are read from `/proc`
//! at the edges of the measured window.

mod conn;
mod fanout;
mod frame;
mod json;
mod load;
mod meter;
mod opts;
mod procstat;
mod serve;
mod setup;

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use json::Obj;
use opts::Opts;

/// Raises the soft open-file limit to the hard limit (10 000 connections
/// need more descriptors than the usual default of 1024).
fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the duration of the calls.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
    }
    lim.rlim_cur
}

async fn probe(o: &Opts) -> io::Result<Obj> {
    let payloads = frame::Payloads::new(o.size, o.text);
    let mut rng = frame::Rng::new(0x9b0e);
    let (stream, mut reader) = load::open(o, &mut rng).await?;
    let (mut rd, mut wr) = stream.into_split();
    let mut out = Vec::new();
    let mut msg = Vec::new();
    payloads.fill(0, &mut msg);
    frame::encode(&mut out, payloads.opcode(), &msg, Some(rng.mask()));
    tokio::io::AsyncWriteExt::write_all(&mut wr, &out).await?;
    loop {
        if let Some(conn::Msg::Data { payload, .. }) = reader.next_msg().map_err(conn::proto)? {
            payloads.verify(0, payload).map_err(conn::proto)?;
            break;
        }
        if reader.fill(&mut rd).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "server closed the connection",
            ));
        }
    }
    conn::close(
        &mut rd,
        &mut wr,
        &mut reader,
        &mut rng,
        Duration::from_secs(2),
    )
    .await;
    Ok(Obj::new().bool("ok", true))
}

async fn run(mode: &str, o: &Opts) -> io::Result<Option<Obj>> {
    Ok(Some(match mode {
        "echo" => load::echo(o).await?,
        "latency" => load::latency(o).await?,
        "connect" => setup::connect(o).await?,
        "idle" => fanout::idle(o).await?,
        "broadcast" => fanout::broadcast(o).await?,
        "probe" => tokio::time::timeout(Duration::from_secs(10), probe(o))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "probe timed out"))??,
        "serve" => {
            serve::serve(o).await?;
            return Ok(None);
        }
        other => return Err(opts::bad(format!("unknown mode {other:?}"))),
    }))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first().cloned() else {
        eprintln!("usage: loadgen <echo|latency|connect|idle|broadcast|probe|serve> [--options]");
        return ExitCode::from(2);
    };
    let fd_limit = raise_fd_limit();
    let result = Opts::parse(args.get(1..).unwrap_or(&[])).and_then(|o| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(run(&mode, &o))
    });
    match result {
        Ok(Some(obj)) => {
            let obj = obj.str("mode", &mode).int("fd_limit", fd_limit);
            println!("{}", obj.finish());
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            println!(
                "{}",
                Obj::new()
                    .str("mode", &mode)
                    .str("error", &e.to_string())
                    .finish()
            );
            ExitCode::FAILURE
        }
    }
}
