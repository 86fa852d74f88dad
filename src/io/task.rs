//! The task that owns one TCP connection: reads, feeds the core, reports the
//! events, writes what the core queued, and closes.

use std::future::Future;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use tokio::net::TcpStream;
use wsproto::Connection;

use super::control::IoControl;
use super::events::{
    describe, Batch, KIND_CLOSED, KIND_DROPPED, KIND_EOF, KIND_IO_ERROR, KIND_WRITTEN,
};
use super::hub::Hub;

/// Bytes read per system call.
const READ_BUFFER: usize = 64 * 1024;

/// Everything a connection task needs.
pub struct Task {
    /// The socket.
    pub stream: TcpStream,
    /// The protocol state, shared with the JS thread (which queues sends).
    pub conn: Arc<Mutex<Connection>>,
    /// Requests from JS.
    pub ctl: Arc<IoControl>,
    /// Where events go.
    pub hub: Arc<Hub>,
    /// This connection's id in its hub.
    pub id: u32,
    /// Bytes that arrived before Rust took the socket (after the HTTP head).
    pub initial_in: Vec<u8>,
    /// Bytes to write before anything the core queues (the 101 response).
    pub initial_out: Vec<u8>,
}

/// Feeds received bytes to the core and describes what they produced.
fn receive(conn: &Mutex<Connection>, id: u32, data: &[u8], batch: &mut Batch) {
    let mut c = conn.lock().unwrap_or_else(PoisonError::into_inner);
    c.receive(data);
    while let Some(event) = c.poll_event() {
        let (kind, a, b, payload) = describe(event);
        batch.push(id, kind, a, b, payload);
    }
}

fn report_error(batch: &mut Batch, id: u32, err: &io::Error, write: bool) {
    let errno = err
        .raw_os_error()
        .and_then(|e| u32::try_from(e).ok())
        .unwrap_or(0);
    batch.push_slice(
        id,
        KIND_IO_ERROR,
        errno,
        u32::from(write),
        err.to_string().as_bytes(),
    );
}

/// Applies TCP options JS asked for since the last look.
fn apply_options(stream: &TcpStream, ctl: &IoControl) {
    match ctl.nodelay.swap(0, Ordering::AcqRel) {
        1 => {
            let _ = stream.set_nodelay(false);
        }
        2 => {
            let _ = stream.set_nodelay(true);
        }
        _ => {}
    }
    let keepalive = ctl
        .keepalive
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some((on, delay_ms)) = keepalive {
        set_keepalive(stream, on, delay_ms);
    }
}

/// SO_KEEPALIVE and, when given, TCP_KEEPIDLE (as Node's `setKeepAlive`).
fn set_keepalive(stream: &TcpStream, on: bool, delay_ms: u32) {
    let fd = stream.as_raw_fd();
    let flag: libc::c_int = i32::from(on);
    let size = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: fd is the open socket owned by `stream`; the option values are
    // c_ints that live across the calls.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_KEEPALIVE,
            (&flag as *const libc::c_int).cast(),
            size,
        );
        if on && delay_ms >= 1000 {
            let secs = libc::c_int::try_from(delay_ms / 1000).unwrap_or(libc::c_int::MAX);
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_KEEPIDLE,
                (&secs as *const libc::c_int).cast(),
                size,
            );
        }
    }
}

/// Reads what the socket has into the worker thread's shared buffer and feeds
/// it to the core: an idle connection holds no read buffer of its own.
/// Returns `Ok(0)` at end of stream, `Err(WouldBlock)` when nothing was there.
fn read_into_core(
    stream: &TcpStream,
    conn: &Mutex<Connection>,
    id: u32,
    batch: &mut Batch,
) -> io::Result<usize> {
    thread_local! {
        static READ_BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; READ_BUFFER]);
    }
    READ_BUF.with(|cell| {
        let mut buf = cell.borrow_mut();
        let n = stream.try_read(&mut buf)?;
        if n > 0 {
            receive(conn, id, &buf[..n], batch);
        }
        Ok(n)
    })
}

/// Bytes waiting to be written above which the task stops reading.
const OUTPUT_READ_LIMIT: usize = 1024 * 1024;

/// Output capacity kept between writes; a larger buffer (after a large
/// message) is released once written, so idle connections stay small.
const KEEP_OUT_CAPACITY: usize = 16 * 1024;

/// Runs the connection until both directions are done, JS destroys it, or
/// an I/O error ends it; then reports `KIND_CLOSED` and drops the socket.
/// Bytes that arrived with the upgrade are parsed first (their events are
/// queued before anything the task reports). A panic in the task closes the
/// connection with 1011 (see [`PanicGuard`]).
pub fn run(task: Task) -> impl Future<Output = ()> + Send {
    let Task {
        stream,
        conn,
        ctl,
        hub,
        id,
        initial_in,
        initial_out,
    } = task;
    if !initial_in.is_empty() {
        let mut batch = Batch::default();
        receive(&conn, id, &initial_in, &mut batch);
        hub.push(&mut batch);
    }
    drive(stream, Shared { conn, ctl, hub, id }, initial_out)
}

/// What a connection task shares with the JS thread and its hub.
struct Shared {
    conn: Arc<Mutex<Connection>>,
    ctl: Arc<IoControl>,
    hub: Arc<Hub>,
    id: u32,
}

/// Reports a panic of the connection task: dropped while the task unwinds
/// (before its socket is), it clears the descriptor JS writes to directly
/// and closes the connection with 1011. So no second task has to watch the
/// first, and an idle connection costs one small task.
struct PanicGuard<'a>(&'a Shared);

impl Drop for PanicGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            forget_socket(&self.0.conn, &self.0.ctl);
            report_panic(&self.0.hub, self.0.id);
        }
    }
}

/// Clears the descriptor JS may write to directly and drops the task's
/// waker: the task is ending.
fn forget_socket(conn: &Mutex<Connection>, ctl: &IoControl) {
    {
        // No direct write may reach this descriptor once it is closed (and
        // possibly reused): clear it under the core's lock.
        let _c = conn.lock().unwrap_or_else(PoisonError::into_inner);
        ctl.fd.store(-1, Ordering::Release);
        ctl.unwritten.store(0, Ordering::Release);
    }
    ctl.clear_waker();
}

/// Reports an I/O error to JS at once.
fn report_error_now(hub: &Hub, id: u32, err: &io::Error, write: bool) {
    let mut batch = Batch::default();
    report_error(&mut batch, id, err, write);
    hub.push(&mut batch);
}

/// What ended a wait of the connection loop.
enum Wake {
    /// JS asked for something ([`IoControl::wake`]).
    Control,
    /// The socket can take bytes (or reported an error).
    Writable(io::Result<()>),
    /// The socket has bytes or end of stream (or reported an error).
    Readable(io::Result<()>),
}

/// Waits for JS, then for the socket to be writable (when `write`), then
/// readable (when `read`), in that order of priority. Registers interest
/// without futures of its own, so the task keeps little across a wait.
fn wait<'a>(
    stream: &'a TcpStream,
    ctl: &'a IoControl,
    write: bool,
    read: bool,
) -> impl Future<Output = Wake> + 'a {
    std::future::poll_fn(move |cx| {
        if ctl.poll_woken(cx).is_ready() {
            return Poll::Ready(Wake::Control);
        }
        if write {
            if let Poll::Ready(r) = stream.poll_write_ready(cx) {
                return Poll::Ready(Wake::Writable(r));
            }
        }
        if read {
            if let Poll::Ready(r) = stream.poll_read_ready(cx) {
                return Poll::Ready(Wake::Readable(r));
            }
        }
        Poll::Pending
    })
}

/// The connection loop. What it keeps across a wait is what an idle
/// connection costs: no read buffer (see [`read_into_core`]), no event batch
/// (events go to the hub as soon as they are described) and no output buffer
/// once everything is written.
///
/// A plain function returning an `async move` block: the block keeps its
/// captures once, where an `async fn` would also copy its arguments into
/// the future (232 bytes instead of 144, which puts the task in a larger
/// allocation class).
#[allow(clippy::manual_async_fn)]
fn drive(stream: TcpStream, sh: Shared, mut out: Vec<u8>) -> impl Future<Output = ()> + Send {
    async move {
        let _guard = PanicGuard(&sh);
        let mut pos = 0usize;
        sh.ctl.unwritten.store(out.len(), Ordering::Release);
        let mut reported_seq = 0u32;
        let mut read_eof = false;
        let mut write_shut = false;
        let mut had_error = false;

        loop {
            if sh.ctl.is_destroyed() {
                break;
            }
            if sh.ctl.options_changed.swap(false, Ordering::AcqRel) {
                apply_options(&stream, &sh.ctl);
            }
            if pos == out.len() {
                if out.capacity() > KEEP_OUT_CAPACITY {
                    out = Vec::new();
                } else {
                    out.clear();
                }
                pos = 0;
                let seq = sh.ctl.flush_seq.load(Ordering::Acquire);
                {
                    // Under the core's lock, so the JS thread's direct writes
                    // (`try_write_direct`) and ours never interleave.
                    let mut c = sh.conn.lock().unwrap_or_else(PoisonError::into_inner);
                    let (left, offset) = sh.ctl.take_leftover();
                    if offset < left.len() {
                        out = left;
                        pos = offset;
                    }
                    if c.has_outgoing() {
                        c.take_outgoing_into(&mut out);
                    }
                    if pos == out.len() {
                        // Nothing to write: the task holds no output buffer
                        // while the connection is idle.
                        out = Vec::new();
                        pos = 0;
                    }
                    sh.ctl.busy.store(pos < out.len(), Ordering::Release);
                    sh.ctl.unwritten.store(out.len() - pos, Ordering::Release);
                }
                if pos == out.len() {
                    let drain = sh.ctl.want_drain.swap(false, Ordering::AcqRel);
                    if seq != reported_seq || drain {
                        reported_seq = seq;
                        let mut batch = Batch::default();
                        batch.push_slice(sh.id, KIND_WRITTEN, seq, 1, &[]);
                        sh.hub.push(&mut batch);
                    }
                } else {
                    // Most writes complete at once: try before waiting.
                    if let Err(e) = write_some(&stream, &out, &mut pos, &sh.ctl) {
                        report_error_now(&sh.hub, sh.id, &e, true);
                        had_error = true;
                        break;
                    }
                    if pos == out.len() {
                        continue;
                    }
                }
            }
            if out.is_empty() && !write_shut && (read_eof || sh.ctl.end.load(Ordering::Acquire)) {
                // Like a net.Socket without allowHalfOpen: end our side once the
                // peer ended its side, or when JS asked to.
                let _ = socket_shutdown_write(&stream);
                write_shut = true;
            }
            if write_shut && (read_eof || sh.ctl.close_after_end.load(Ordering::Acquire)) {
                break;
            }
            let backlogged = sh.hub.is_backlogged();
            // A peer that sends without reading what we answer (a ping flood)
            // stops being read while our replies to it wait: memory stays
            // bounded, and TCP flow control slows the peer down.
            // (The core's buffer grows only while ours waits: it is taken
            // whenever ours is written out.)
            let pending = out.len() - pos;
            let stuck = pending > 0
                && pending
                    + sh.conn
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .outgoing_len()
                    > OUTPUT_READ_LIMIT;
            let can_read =
                !read_eof && !sh.ctl.paused.load(Ordering::Acquire) && !backlogged && !stuck;
            if !read_eof && backlogged {
                sh.hub.wait_for_drain(&sh.ctl);
            }
            match wait(&stream, &sh.ctl, pos < out.len(), can_read).await {
                Wake::Control => {}
                Wake::Writable(r) => {
                    if let Err(e) = r.and_then(|()| write_some(&stream, &out, &mut pos, &sh.ctl)) {
                        report_error_now(&sh.hub, sh.id, &e, true);
                        had_error = true;
                        break;
                    }
                }
                Wake::Readable(r) => {
                    if let Err(e) = r {
                        report_error_now(&sh.hub, sh.id, &e, false);
                        had_error = true;
                        break;
                    }
                    let mut batch = Batch::default();
                    match read_into_core(&stream, &sh.conn, sh.id, &mut batch) {
                        Ok(0) => {
                            read_eof = true;
                            batch.push_slice(sh.id, KIND_EOF, 0, 0, &[]);
                            sh.hub.push(&mut batch);
                        }
                        Ok(_) => sh.hub.push(&mut batch),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => {
                            sh.hub.push(&mut batch);
                            report_error_now(&sh.hub, sh.id, &e, false);
                            had_error = true;
                            break;
                        }
                    }
                }
            }
        }
        forget_socket(&sh.conn, &sh.ctl);
        drop(stream);
        sh.hub.unregister(sh.id);
        let mut batch = Batch::default();
        batch.push_slice(sh.id, KIND_CLOSED, u32::from(had_error), 0, &[]);
        sh.hub.push(&mut batch);
    }
}

/// Writes what the socket takes of `out[*pos..]` and advances `pos`; a full
/// socket is not an error. A write of 0 bytes is (`WriteZero`).
fn write_some(stream: &TcpStream, out: &[u8], pos: &mut usize, ctl: &IoControl) -> io::Result<()> {
    match stream.try_write(out.get(*pos..).unwrap_or(&[])) {
        Ok(0) => Err(io::Error::from(io::ErrorKind::WriteZero)),
        Ok(n) => {
            *pos += n;
            ctl.unwritten.fetch_sub(n, Ordering::AcqRel);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
        Err(e) => Err(e),
    }
}

/// Shuts down the write side (sends FIN).
fn socket_shutdown_write(stream: &TcpStream) -> io::Result<()> {
    // SAFETY: the descriptor is owned by `stream`, open for this call.
    let r = unsafe { libc::shutdown(stream.as_raw_fd(), libc::SHUT_WR) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Called on the JS thread with the core locked: writes what the core queued
/// straight to the socket when the task has nothing pending, saving the hop
/// to the I/O thread (most small writes complete at once). What the kernel
/// does not take is left for the task. Returns true when the task must be
/// woken (bytes left, or an error for it to find).
pub fn try_write_direct(conn: &mut Connection, ctl: &IoControl) -> bool {
    let fd = ctl.fd.load(Ordering::Acquire);
    if fd < 0 || ctl.busy.load(Ordering::Acquire) || ctl.is_destroyed() || !conn.has_outgoing() {
        return conn.has_outgoing();
    }
    let out = conn.outgoing();
    // SAFETY: `fd` stays open while it is stored in `ctl` (the task clears it
    // under the same lock before closing), and `out` is a live buffer.
    let n = unsafe {
        libc::send(
            fd,
            out.as_ptr().cast(),
            out.len(),
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        )
    };
    let written = usize::try_from(n).unwrap_or(0);
    if written == out.len() {
        if written > KEEP_OUT_CAPACITY {
            // Release a large buffer; an idle connection stays small.
            drop(conn.take_outgoing());
        } else {
            // Keep the buffer's capacity for the next message.
            conn.clear_outgoing();
        }
        return false;
    }
    ctl.put_leftover(conn.take_outgoing(), written);
    true
}

/// Reports a task that panicked: the connection closes with 1011 (`error`
/// then `close` in JS).
pub fn report_panic(hub: &Hub, id: u32) {
    let mut batch = Batch::default();
    batch.push_slice(
        id,
        KIND_DROPPED,
        1011,
        1,
        b"Internal error in the connection task",
    );
    batch.push_slice(id, KIND_CLOSED, 1, 0, &[]);
    hub.unregister(id);
    hub.push(&mut batch);
}
