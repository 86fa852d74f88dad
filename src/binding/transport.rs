//! The event-loop transport's JS surface: a hub per environment, adopting a
//! socket's file descriptor, and the requests JS makes of a socket.

use std::os::fd::RawFd;
use std::rc::Rc;

use napi::bindgen_prelude::{External, Function, Uint32Array, Unknown};
use napi::{Env, Error, JsValue, Result, Status};
use napi_derive::napi;

use super::connection::NativeConnection;
use crate::io::hub::Hub;
use crate::io::socket::Socket;

/// A hub, owned by a JS `External` (one per environment).
pub struct HubHandle(Rc<Hub>);

/// Whether this process can run the event-loop transport (libuv found).
#[napi(catch_unwind)]
pub fn io_available() -> bool {
    crate::io::uv::api().is_some()
}

/// Creates the hub that delivers the events of the sockets Rust owns to
/// `deliver(head, large, own)` (see `BatchArgs`): 5 meta words per event:
/// socket id, kind, payload length, a, b. Sockets still open when the
/// environment shuts down are closed.
#[napi(catch_unwind)]
pub fn hub_create(env: Env, deliver: Function<Unknown, Unknown>) -> Result<External<HubHandle>> {
    // SAFETY: called from JS on this environment's thread; `deliver` is a
    // live function value of this call.
    let hub = unsafe { Hub::create(env.raw(), deliver.raw())? };
    let for_cleanup = Rc::clone(&hub);
    env.add_env_cleanup_hook(for_cleanup, |h| h.close_all())?;
    Ok(External::new(HubHandle(hub)))
}

fn socket_of(handle: &External<NativeConnection>) -> Result<&Rc<Socket>> {
    handle.io.as_ref().ok_or_else(|| {
        Error::new(
            Status::InvalidArg,
            "this connection's socket is not owned by the native transport".to_string(),
        )
    })
}

/// Takes over a plain TCP socket: duplicates `fd` (close-on-exec), so Node
/// can destroy its own socket in the same tick without closing the
/// connection, and watches the duplicate on this thread's loop.
/// `initial_in` holds bytes Node already read past the HTTP head;
/// `initial_out` is written first (the 101). Returns the socket's id.
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
    if hub.0.is_dead() {
        return Err(Error::new(
            Status::GenericFailure,
            "the environment is shutting down".to_string(),
        ));
    }
    let fail = |what: &str| {
        let e = std::io::Error::last_os_error();
        Error::new(Status::GenericFailure, format!("{what}: {e}"))
    };
    // SAFETY: F_DUPFD_CLOEXEC only reads `fd`; a failure returns -1.
    let dup: RawFd = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if dup < 0 {
        return Err(fail("could not duplicate the socket"));
    }
    // SAFETY: `dup` is our descriptor; F_GETFL/F_SETFL only change its flags.
    let nonblocking = unsafe {
        let flags = libc::fcntl(dup, libc::F_GETFL);
        flags >= 0 && libc::fcntl(dup, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
    };
    if !nonblocking {
        let err = fail("could not take over the socket");
        // SAFETY: ours, unused.
        unsafe { libc::close(dup) };
        return Err(err);
    }
    set_int_option(
        dup,
        libc::IPPROTO_TCP,
        libc::TCP_NODELAY,
        i32::from(no_delay),
    );
    let socket = Socket::adopt(
        &hub.0,
        std::sync::Arc::clone(&handle.conn),
        dup,
        initial_in,
        initial_out,
    )
    .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
    let id = socket.id;
    handle.io = Some(socket);
    Ok(id)
}

/// Bytes queued for this connection and not yet written to the socket.
#[napi(catch_unwind)]
pub fn io_queued(handle: &External<NativeConnection>) -> Result<f64> {
    Ok(socket_of(handle)?.queued() as f64)
}

/// `socket.end()`: shut down the write side once everything queued is written;
/// with `then_close`, close the socket right after instead of waiting for the
/// peer to end its side (`drop()`).
#[napi(catch_unwind)]
pub fn io_end(handle: &External<NativeConnection>, then_close: bool) -> Result<()> {
    socket_of(handle)?.end(then_close);
    Ok(())
}

/// `socket.destroy()`: close at once; unwritten bytes are discarded.
#[napi(catch_unwind)]
pub fn io_destroy(handle: &External<NativeConnection>) -> Result<()> {
    socket_of(handle)?.close(false);
    Ok(())
}

/// Stops (true) or restarts (false) reading from the socket.
#[napi(catch_unwind)]
pub fn io_set_paused(handle: &External<NativeConnection>, paused: bool) -> Result<()> {
    socket_of(handle)?.set_paused(paused);
    Ok(())
}

fn set_int_option(fd: RawFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) {
    if fd < 0 {
        return;
    }
    // SAFETY: `fd` is a socket we own; the value is a c_int that lives across the call.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// `socket.setNoDelay(on)`.
#[napi(catch_unwind)]
pub fn io_set_no_delay(handle: &External<NativeConnection>, on: bool) -> Result<()> {
    let fd = socket_of(handle)?.fd();
    set_int_option(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, i32::from(on));
    Ok(())
}

/// `socket.setKeepAlive(on, initialDelay)` (delay in ms; under 1 s keeps the OS default).
#[napi(catch_unwind)]
pub fn io_set_keep_alive(
    handle: &External<NativeConnection>,
    on: bool,
    delay_ms: u32,
) -> Result<()> {
    let fd = socket_of(handle)?.fd();
    set_int_option(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, i32::from(on));
    if on && delay_ms >= 1000 {
        let secs = libc::c_int::try_from(delay_ms / 1000).unwrap_or(libc::c_int::MAX);
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        set_int_option(fd, libc::IPPROTO_TCP, libc::TCP_KEEPALIVE, secs);
        #[cfg(not(any(target_os = "macos", target_os = "ios")))]
        set_int_option(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, secs);
    }
    Ok(())
}

/// `broadcastUTF`/`broadcastBytes` for the native connections `ids` of a hub:
/// the message is encoded once (a server's frames are unmasked, so they are
/// the same bytes for everyone) and queued on each open connection; JS calls
/// [`io_flush_broadcasts`] once at the end of the synchronous run, so a burst
/// of broadcasts reaches each peer in one write. Returns how many
/// connections got it.
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
    for socket in hub.0.members(&ids) {
        if socket.send_encoded(&frames) {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Writes what the broadcasts of this JS run queued (one write per socket).
#[napi(catch_unwind)]
pub fn io_flush_broadcasts(hub: &External<HubHandle>) {
    hub.0.flush_dirty();
}
