//! The native transport's JS surface: a hub per environment, adopting a
//! socket's file descriptor, and the requests JS makes of a connection task.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use napi::bindgen_prelude::{Buffer, External, FnArgs, Function, Uint32Array};
use napi::threadsafe_function::ThreadsafeCallContext;
use napi::{Env, Error, Result, Status};
use napi_derive::napi;

use super::batch::{BatchArgs, HeadBuffer};
use super::connection::NativeConnection;
use crate::io::control::IoControl;
use crate::io::hub::Hub;
use crate::io::task::{self, Task};

/// What JS receives: the head Buffer, the large small-payloads, own payloads.
type DeliverJs = FnArgs<(Buffer, Option<Buffer>, Option<Vec<Buffer>>)>;

/// A hub, owned by a JS `External` (one per environment).
pub struct HubHandle(Arc<Hub>);

/// Creates the hub that delivers native connections' events to
/// `deliver(head, large)` (see [`BatchArgs`]): 5 meta words per event:
/// connection id, kind, payload length, a, b.
/// Connections still open when the environment shuts down are closed.
#[napi(catch_unwind)]
pub fn hub_create(env: Env, deliver: Function<DeliverJs, ()>) -> Result<External<HubHandle>> {
    let hub = Arc::new(Hub::default());
    let weak = Arc::downgrade(&hub);
    let tsfn = deliver
        .build_threadsafe_function::<()>()
        .weak::<true>()
        .callee_handled::<false>()
        .build_callback(move |_ctx: ThreadsafeCallContext<()>| {
            let batch = weak.upgrade().map(|h| h.take()).unwrap_or_default();
            let args = BatchArgs::new(batch);
            Ok(FnArgs::from((
                HeadBuffer(args.head),
                args.large.map(Buffer::from),
                args.own
                    .map(|own| own.into_iter().map(Buffer::from).collect::<Vec<_>>()),
            )))
        })?;
    hub.set_deliver(tsfn);
    let for_cleanup = Arc::clone(&hub);
    env.add_env_cleanup_hook(for_cleanup, |h| h.close_all())?;
    Ok(External::new(HubHandle(hub)))
}

fn io_of(handle: &External<NativeConnection>) -> Result<&Arc<IoControl>> {
    handle.io.as_ref().ok_or_else(|| {
        Error::new(
            Status::InvalidArg,
            "this connection's socket is not owned by the native transport".to_string(),
        )
    })
}

/// Takes over a plain TCP socket: duplicates `fd` (close-on-exec), so Node can
/// destroy its own socket in the same tick without closing the connection, and
/// starts the task that reads, parses and writes. `initial_in` holds bytes Node
/// already read past the HTTP head; `initial_out` is written first (the 101).
/// Returns the connection's id in the hub.
#[napi(catch_unwind)]
pub fn io_adopt(
    handle: &mut External<NativeConnection>,
    hub: &External<HubHandle>,
    fd: i32,
    initial_in: &[u8],
    initial_out: &[u8],
    no_delay: bool,
) -> Result<u32> {
    if handle.io.is_some() {
        return Err(Error::new(
            Status::InvalidArg,
            "this connection already owns a socket".to_string(),
        ));
    }
    if fd < 0 {
        return Err(Error::new(
            Status::InvalidArg,
            format!("invalid file descriptor {fd}"),
        ));
    }
    let rt = io_runtime()?;
    // SAFETY: F_DUPFD_CLOEXEC only reads `fd`; a failure returns -1.
    let dup: RawFd = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if dup < 0 {
        let e = std::io::Error::last_os_error();
        return Err(Error::new(
            Status::GenericFailure,
            format!("could not duplicate the socket: {e}"),
        ));
    }
    // SAFETY: `dup` is a fresh descriptor that nothing else owns.
    let owned = unsafe { OwnedFd::from_raw_fd(dup) };
    let std_stream = std::net::TcpStream::from(owned);
    let fail = |e: std::io::Error| {
        Error::new(
            Status::GenericFailure,
            format!("could not take over the socket: {e}"),
        )
    };
    std_stream.set_nonblocking(true).map_err(fail)?;
    let _ = std_stream.set_nodelay(no_delay);
    let stream = {
        let _guard = rt.enter();
        tokio::net::TcpStream::from_std(std_stream).map_err(fail)?
    };
    let ctl = Arc::new(IoControl::new(stream.as_raw_fd(), !initial_out.is_empty()));
    let hub = Arc::clone(&hub.0);
    let id = hub.register(Arc::clone(&ctl), Arc::clone(&handle.conn));
    handle.io = Some(Arc::clone(&ctl));
    let task = Task {
        stream,
        conn: Arc::clone(&handle.conn),
        ctl,
        hub,
        id,
        initial_in: initial_in.to_vec(),
        initial_out: initial_out.to_vec(),
    };
    // The task reports its own panic (the connection closes with 1011), so
    // nothing has to wait on its handle.
    drop(rt.spawn(task::run(task)));
    Ok(id)
}

fn io_runtime() -> Result<&'static tokio::runtime::Runtime> {
    crate::io::runtime().map_err(|e| Error::new(Status::GenericFailure, e))
}

/// Writes what the core has queued: straight from this thread when the task
/// has nothing pending, else by waking the task. `seq` (when non-zero) is
/// reported back in a `WRITTEN` event once those bytes are written;
/// `want_drain` asks for that report even without a new `seq`. Returns the
/// bytes still queued and not yet written (0: all written already).
#[napi(catch_unwind)]
pub fn io_flush(handle: &External<NativeConnection>, seq: u32, want_drain: bool) -> Result<f64> {
    let ctl = io_of(handle)?;
    if seq != 0 {
        ctl.flush_seq.store(seq, Ordering::Release);
    }
    if want_drain {
        ctl.want_drain.store(true, Ordering::Release);
    }
    let mut conn = handle.lock();
    let wake = task::try_write_direct(&mut conn, ctl);
    let queued = queued(&conn, ctl);
    drop(conn);
    // When everything is written, JS settles the callbacks itself.
    if wake || want_drain || (seq != 0 && queued > 0) {
        ctl.wake();
    }
    Ok(queued as f64)
}

/// Bytes queued for this connection and not yet written to the socket.
#[napi(catch_unwind)]
pub fn io_queued(handle: &External<NativeConnection>) -> Result<f64> {
    let ctl = io_of(handle)?;
    Ok(queued(&handle.lock(), ctl) as f64)
}

/// Bytes in the core's buffer plus those the task took and has not written.
fn queued(conn: &wsproto::Connection, ctl: &IoControl) -> usize {
    conn.outgoing_len() + ctl.unwritten.load(Ordering::Acquire)
}

/// Records a request for the connection's task (in `ctl`'s fields) and wakes it.
fn request(handle: &External<NativeConnection>, f: impl FnOnce(&IoControl)) -> Result<()> {
    let ctl = io_of(handle)?;
    f(ctl);
    ctl.wake();
    Ok(())
}

/// `socket.end()`: shut down the write side once everything queued is written;
/// with `then_close`, close the socket right after instead of waiting for the
/// peer to end its side (`drop()`).
#[napi(catch_unwind)]
pub fn io_end(handle: &External<NativeConnection>, then_close: bool) -> Result<()> {
    request(handle, |ctl| {
        if then_close {
            ctl.close_after_end.store(true, Ordering::Release);
        }
        ctl.end.store(true, Ordering::Release);
    })
}

/// `socket.destroy()`: close at once; unwritten bytes are discarded.
#[napi(catch_unwind)]
pub fn io_destroy(handle: &External<NativeConnection>) -> Result<()> {
    request(handle, |ctl| ctl.destroy.store(true, Ordering::Release))
}

/// Stops (true) or restarts (false) reading from the socket.
#[napi(catch_unwind)]
pub fn io_set_paused(handle: &External<NativeConnection>, paused: bool) -> Result<()> {
    request(handle, |ctl| ctl.paused.store(paused, Ordering::Release))
}

/// `socket.setNoDelay(on)`.
#[napi(catch_unwind)]
pub fn io_set_no_delay(handle: &External<NativeConnection>, on: bool) -> Result<()> {
    request(handle, |ctl| {
        ctl.nodelay.store(if on { 2 } else { 1 }, Ordering::Release);
        ctl.options_changed.store(true, Ordering::Release);
    })
}

/// `socket.setKeepAlive(on, initialDelay)` (delay in ms; under 1 s keeps the OS default).
#[napi(catch_unwind)]
pub fn io_set_keep_alive(
    handle: &External<NativeConnection>,
    on: bool,
    delay_ms: u32,
) -> Result<()> {
    request(handle, |ctl| {
        *ctl.keepalive.lock().unwrap_or_else(PoisonError::into_inner) = Some((on, delay_ms));
        ctl.options_changed.store(true, Ordering::Release);
    })
}

/// `broadcastUTF`/`broadcastBytes` for the native connections `ids` of a hub:
/// the message is encoded once (a server's frames are unmasked, so they are
/// the same bytes for everyone) and queued on each open connection, written
/// at once where the socket takes it. Returns how many connections got it.
#[napi(catch_unwind)]
pub fn io_broadcast(
    hub: &External<HubHandle>,
    ids: Uint32Array,
    payload: &[u8],
    binary: bool,
    fragment_outgoing: bool,
    fragmentation_threshold: f64,
) -> Result<u32> {
    let mut limits = wsproto::Limits::server();
    limits.fragment_outgoing = fragment_outgoing;
    if fragmentation_threshold.is_finite() && fragmentation_threshold >= 1.0 {
        limits.fragmentation_threshold = fragmentation_threshold.min(usize::MAX as f64) as usize;
    }
    let frames = wsproto::broadcast::encode_server_message(&limits, binary, payload);
    let mut sent = 0u32;
    for (ctl, conn) in hub.0.members(&ids) {
        let mut c = conn.lock().unwrap_or_else(PoisonError::into_inner);
        if !c.send_encoded(&frames) {
            continue;
        }
        sent += 1;
        let wake = task::try_write_direct(&mut c, &ctl);
        drop(c);
        if wake {
            ctl.wake();
        }
    }
    Ok(sent)
}
