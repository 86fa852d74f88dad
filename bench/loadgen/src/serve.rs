//! `serve`: a minimal native WebSocket echo server, the ceiling the Node
//! servers are compared with. It reads what arrived, answers every complete
//! message in one buffer, and writes that buffer once per read. It
//! understands the same `broadcast:<n>:<size>` trigger as `servers/echo.js`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::conn::{self, FrameReader, Msg};
use crate::frame;
use crate::json::Obj;
use crate::opts::{bad, Opts};

/// Largest message the reference server accepts (the benches send 16 MiB).
const MAX_MESSAGE: usize = 64 << 20;

type Hub = Arc<Mutex<HashMap<u64, mpsc::UnboundedSender<Arc<Vec<u8>>>>>>;

/// Listens on `host:port` (port 0 picks a free one), prints `{"port":N}` on
/// stdout, and serves until killed or until `lifetime` has passed.
pub async fn serve(o: &Opts) -> io::Result<()> {
    let listener = TcpListener::bind((o.host.as_str(), o.port)).await?;
    let port = listener.local_addr()?.port();
    let mut stdout = io::stdout();
    writeln!(
        stdout,
        "{}",
        Obj::new().int("port", u64::from(port)).finish()
    )?;
    stdout.flush()?;
    let hub: Hub = Arc::new(Mutex::new(HashMap::new()));
    let ids = AtomicU64::new(0);
    let lifetime = tokio::time::sleep(o.lifetime);
    tokio::pin!(lifetime);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let id = ids.fetch_add(1, Ordering::Relaxed);
                let hub = hub.clone();
                tokio::spawn(async move {
                    let _ = handle(stream, id, &hub).await;
                    if let Ok(mut h) = hub.lock() {
                        h.remove(&id);
                    }
                });
            }
            _ = &mut lifetime => return Ok(()),
        }
    }
}

async fn handle(mut stream: TcpStream, id: u64, hub: &Hub) -> io::Result<()> {
    stream.set_nodelay(true)?;
    // The handshake's texts are dropped before the connection settles in.
    let rest = {
        let (head, rest) = conn::read_head(&mut stream).await?;
        let Some(key) = conn::header_value(&head, "sec-websocket-key") else {
            stream
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                )
                .await?;
            return Err(bad("not a WebSocket upgrade"));
        };
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n\r\n",
            conn::accept_key(key)
        );
        stream.write_all(response.as_bytes()).await?;
        rest
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    if let Ok(mut h) = hub.lock() {
        h.insert(id, tx);
    }
    let mut reader = FrameReader::with_bytes(MAX_MESSAGE, rest);
    let mut out = Vec::new();
    loop {
        loop {
            let m = match reader.next_msg() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(e) => {
                    frame::encode(&mut out, frame::OP_CLOSE, &1002u16.to_be_bytes(), None);
                    stream.write_all(&out).await?;
                    return Err(conn::proto(e));
                }
            };
            match m {
                Msg::Data { opcode, payload } => {
                    if opcode == frame::OP_TEXT && std::str::from_utf8(payload).is_err() {
                        frame::encode(&mut out, frame::OP_CLOSE, &1007u16.to_be_bytes(), None);
                        stream.write_all(&out).await?;
                        return Ok(());
                    }
                    match parse_trigger(opcode, payload) {
                        Some((n, size)) => fan_out(hub, n, size),
                        None => frame::encode(&mut out, opcode, payload, None),
                    }
                }
                Msg::Ping(p) => frame::encode(&mut out, frame::OP_PONG, p, None),
                Msg::Close => {
                    frame::encode(&mut out, frame::OP_CLOSE, &1000u16.to_be_bytes(), None);
                    stream.write_all(&out).await?;
                    return stream.shutdown().await;
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        tokio::select! {
            // Wait for readiness before `fill` reserves its read buffer, so an
            // idle connection holds no buffer (the idle scenario measures it).
            r = stream.readable() => {
                r?;
                if reader.fill(&mut stream).await? == 0 {
                    return Ok(());
                }
            }
            m = rx.recv() => {
                let Some(frames) = m else { return Ok(()) };
                out.extend_from_slice(&frames);
                while let Ok(more) = rx.try_recv() {
                    out.extend_from_slice(&more);
                }
            }
        }
    }
}

/// `broadcast:<n>:<size>` as (n, size), bounded so a typo cannot exhaust memory.
fn parse_trigger(opcode: u8, payload: &[u8]) -> Option<(usize, usize)> {
    if opcode != frame::OP_TEXT {
        return None;
    }
    let text = std::str::from_utf8(payload)
        .ok()?
        .strip_prefix("broadcast:")?;
    let (n, size) = text.split_once(':')?;
    let (n, size): (usize, usize) = (n.parse().ok()?, size.parse().ok()?);
    (n <= 10_000 && size <= MAX_MESSAGE).then_some((n, size))
}

/// Queues `n` text messages of `size` bytes for every connection; the frames
/// are encoded once and shared.
fn fan_out(hub: &Hub, n: usize, size: usize) {
    let payload = frame::pattern(size, true);
    let mut frames = Vec::with_capacity(n * (size + 10));
    for _ in 0..n {
        frame::encode(&mut frames, frame::OP_TEXT, &payload, None);
    }
    let frames = Arc::new(frames);
    if let Ok(h) = hub.lock() {
        for tx in h.values() {
            let _ = tx.send(frames.clone());
        }
    }
}
