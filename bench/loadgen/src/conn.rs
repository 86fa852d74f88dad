//! Client connections: the opening handshake, a buffered frame reader that
//! reassembles fragmented messages, and a clean close.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use sha1::{Digest, Sha1};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::frame::{self, FrameError, Rng};

/// The GUID of RFC 6455 §1.3, appended to the key before hashing.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// Largest handshake response or request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Read granularity for the socket buffer.
const READ_CHUNK: usize = 64 * 1024;

/// Turns a protocol error into an `io::Error` so one error type flows through.
pub fn proto(e: FrameError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.0)
}

fn invalid(text: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, text.into())
}

/// `Sec-WebSocket-Accept` for a given key (RFC 6455 §4.2.2).
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// Reads an HTTP head (up to and including the blank line) from `stream`.
/// Returns the head and whatever bytes followed it.
pub async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid("HTTP head too large"));
        }
        // Read straight into the heap buffer: a stack array here would live
        // in every connection task's future for the task's whole life.
        buf.reserve(2048);
        if stream.read_buf(&mut buf).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed during the handshake",
            ));
        }
    }
}

/// The value of header `name` (case-insensitive) in an HTTP head.
pub fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Opens a TCP connection to `addr` and performs the client handshake.
/// Returns the stream and a reader already holding any bytes that arrived
/// with the 101 response.
pub async fn connect(
    addr: SocketAddr,
    rng: &mut Rng,
    max_frame: usize,
) -> io::Result<(TcpStream, FrameReader)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut nonce = [0u8; 16];
    nonce[..8].copy_from_slice(&rng.next_u64().to_ne_bytes());
    nonce[8..].copy_from_slice(&rng.next_u64().to_ne_bytes());
    let key = base64::engine::general_purpose::STANDARD.encode(nonce);
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let (head, rest) = read_head(&mut stream).await?;
    let status = head.lines().next().unwrap_or("");
    if !status.starts_with("HTTP/1.1 101") {
        return Err(invalid(format!("handshake refused: {status}")));
    }
    if header_value(&head, "sec-websocket-accept") != Some(accept_key(&key).as_str()) {
        return Err(invalid("handshake: wrong Sec-WebSocket-Accept"));
    }
    Ok((stream, FrameReader::with_bytes(max_frame, rest)))
}

/// One unit the reader hands out.
#[derive(Debug)]
pub enum Msg<'a> {
    /// A complete data message (text or binary).
    Data {
        /// `OP_TEXT` or `OP_BINARY`.
        opcode: u8,
        /// The unmasked payload.
        payload: &'a [u8],
    },
    /// A ping with its payload (the caller may answer it).
    Ping(&'a [u8]),
    /// A close frame.
    Close,
}

/// Buffers socket bytes and yields complete messages, reassembling fragments.
/// When `raw` is set there is no framing: every `raw` bytes are one message.
#[derive(Debug)]
pub struct FrameReader {
    buf: Vec<u8>,
    pos: usize,
    want: usize,
    max: usize,
    fragments: Vec<u8>,
    fragment_op: Option<u8>,
    raw: Option<usize>,
}

impl FrameReader {
    /// A reader that rejects frames and messages over `max` bytes.
    pub fn new(max: usize) -> Self {
        // The buffer is allocated on the first read, so idle connections
        // (in the reference server) cost no more than they must.
        FrameReader {
            buf: Vec::new(),
            pos: 0,
            want: 0,
            max,
            fragments: Vec::new(),
            fragment_op: None,
            raw: None,
        }
    }

    /// A reader that starts with bytes already read (those after an HTTP head).
    pub fn with_bytes(max: usize, bytes: Vec<u8>) -> Self {
        let mut r = FrameReader::new(max);
        r.buf = bytes;
        r
    }

    /// A reader for a raw TCP echo: every `size` bytes count as a message.
    pub fn raw(size: usize) -> Self {
        let mut r = FrameReader::new(size);
        r.raw = Some(size.max(1));
        r
    }

    /// Reads more bytes from `src`; returns how many (0 at end of stream).
    /// Cancel-safe: nothing is lost if the future is dropped.
    pub async fn fill<R: AsyncRead + Unpin>(&mut self, src: &mut R) -> io::Result<usize> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let need = self.want.saturating_sub(self.buf.len()).max(READ_CHUNK);
        self.buf.reserve(need);
        src.read_buf(&mut self.buf).await
    }

    /// The next complete message in the buffer, or `None` until more arrives.
    pub fn next_msg(&mut self) -> Result<Option<Msg<'_>>, FrameError> {
        if let Some(size) = self.raw {
            let end = self.pos + size;
            let Some(payload) = self.buf.get(self.pos..end) else {
                self.want = size;
                return Ok(None);
            };
            self.pos = end;
            return Ok(Some(Msg::Data {
                opcode: frame::OP_BINARY,
                payload,
            }));
        }
        loop {
            let available = self.buf.len().saturating_sub(self.pos);
            let Some(h) = frame::parse_header(self.buf.get(self.pos..).unwrap_or(&[]), self.max)?
            else {
                return Ok(None);
            };
            let total = h.header_len + h.len;
            if available < total {
                self.want = total;
                return Ok(None);
            }
            let (start, end) = (self.pos + h.header_len, self.pos + total);
            self.pos = end;
            self.want = 0;
            if let (Some(key), Some(body)) = (h.mask, self.buf.get_mut(start..end)) {
                frame::apply_mask(body, key);
            }
            // Borrow the body only where it is returned or copied, so the
            // loop can go on mutating `self` (a returned borrow taken before
            // the branch would pin `self` for every later iteration).
            match h.opcode {
                frame::OP_PING => {
                    return Ok(Some(Msg::Ping(self.buf.get(start..end).unwrap_or(&[]))))
                }
                frame::OP_PONG => continue,
                frame::OP_CLOSE => return Ok(Some(Msg::Close)),
                frame::OP_TEXT | frame::OP_BINARY => {
                    if self.fragment_op.is_some() {
                        return Err(FrameError("new message inside a fragmented one".into()));
                    }
                    if h.fin {
                        return Ok(Some(Msg::Data {
                            opcode: h.opcode,
                            payload: self.buf.get(start..end).unwrap_or(&[]),
                        }));
                    }
                    self.fragment_op = Some(h.opcode);
                    self.fragments.clear();
                    self.fragments
                        .extend_from_slice(self.buf.get(start..end).unwrap_or(&[]));
                }
                frame::OP_CONTINUATION => {
                    let Some(op) = self.fragment_op else {
                        return Err(FrameError("continuation frame without a message".into()));
                    };
                    if self.fragments.len() + h.len > self.max {
                        return Err(FrameError("fragmented message exceeds the limit".into()));
                    }
                    self.fragments
                        .extend_from_slice(self.buf.get(start..end).unwrap_or(&[]));
                    if h.fin {
                        self.fragment_op = None;
                        return Ok(Some(Msg::Data {
                            opcode: op,
                            payload: &self.fragments,
                        }));
                    }
                }
                op => return Err(FrameError(format!("unknown opcode {op}"))),
            }
        }
    }
}

/// Sends a close frame (1000), waits for the peer's close frame and end of
/// stream (bounded by `wait`), then drops the connection.
pub async fn close<R, W>(
    rd: &mut R,
    wr: &mut W,
    reader: &mut FrameReader,
    rng: &mut Rng,
    wait: Duration,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut out = Vec::with_capacity(8);
    frame::encode(
        &mut out,
        frame::OP_CLOSE,
        &1000u16.to_be_bytes(),
        Some(rng.mask()),
    );
    if wr.write_all(&out).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(wait, async {
        loop {
            loop {
                match reader.next_msg() {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(_) => return,
                }
            }
            match reader.fill(rd).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
}
