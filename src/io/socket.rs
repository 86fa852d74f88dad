//! One socket Rust owns, driven on the JS thread's libuv loop: a `uv_poll_t`
//! watches the (duplicated) descriptor; readable bytes are read into one
//! shared buffer and fed to the core; queued output is written straight
//! away and, when the kernel does not take it all, when the socket is
//! writable again.
//!
//! Everything here runs on the JS thread, and nothing here calls into JS:
//! events go to the [`Hub`], which delivers them after the poll phase. So no
//! state is borrowed across a call into JS, and a `destroy()` from a handler
//! never frees a socket that a poll callback is using (the poll handle holds
//! its own reference, given back in its close callback).

use std::cell::{Cell, RefCell};
use std::ffi::c_int;
use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use wsproto::Connection;

use super::events::{
    describe, Batch, KIND_CLOSED, KIND_DROPPED, KIND_EOF, KIND_IO_ERROR, KIND_WRITTEN,
};
use super::hub::{contain, Hub, BACKLOG_LIMIT};
use super::uv::{self, Handle, READABLE, WRITABLE};

/// Bytes read per system call, into a buffer shared by every socket of the thread.
const READ_BUFFER: usize = 64 * 1024;

/// Reads per readable callback at most (then other sockets get their turn).
const READS_PER_WAKE: usize = 4;

/// Bytes waiting to be written above which the socket stops being read: a
/// peer that sends without reading our replies (a ping flood) is slowed down
/// by TCP flow control, and memory stays bounded.
const OUTPUT_READ_LIMIT: usize = 1024 * 1024;

/// Output capacity kept between writes; a larger buffer (after a large
/// message) is released once written, so idle connections stay small.
const KEEP_OUT_CAPACITY: usize = 16 * 1024;

#[derive(Default)]
struct State {
    /// The events the poll handle watches now.
    events: c_int,
    /// Bytes to write before the core's output (the 101 response), and how
    /// much of them is written.
    pre: Vec<u8>,
    pre_pos: usize,
    /// Bytes of the core's output buffer already written.
    written: usize,
    paused: bool,
    read_eof: bool,
    write_shut: bool,
    /// Shut the write side down once everything is written (`socket.end()`).
    end: bool,
    /// Close right after the write side is shut (`drop()`: no wait for the peer).
    close_after_end: bool,
    closed: bool,
    /// A panic happened while handling this socket: JS was told (1011) and
    /// closes it; nothing more is read.
    failed: bool,
    /// The newest flush number JS waits on, and the last one reported.
    flush_seq: u32,
    reported_seq: u32,
    /// JS waits for everything to be written (`'drain'`).
    want_drain: bool,
    /// Queued on the hub's list of sockets to write at the end of this JS run.
    dirty: bool,
}

/// A socket owned by the event-loop transport.
pub struct Socket {
    /// Its id in the hub (and in JS).
    pub id: u32,
    hub: Rc<Hub>,
    /// The protocol state, shared with the JS-facing connection handle.
    pub conn: Arc<Mutex<Connection>>,
    fd: Cell<RawFd>,
    poll: Cell<*mut Handle>,
    st: RefCell<State>,
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Flags of every `send`: never block, and no SIGPIPE where the flag exists
/// (elsewhere the socket has SO_NOSIGPIPE, see [`Socket::adopt`]).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
const SEND_FLAGS: libc::c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
const SEND_FLAGS: libc::c_int = libc::MSG_DONTWAIT;

/// `send` without blocking or SIGPIPE.
fn send(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is a live slice; `fd` is the socket we own.
    let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), SEND_FLAGS) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

fn recv(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is a live, writable slice; `fd` is the socket we own.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

fn is_would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

impl Socket {
    /// Takes over `fd` (already duplicated, non-blocking, owned by us from
    /// now on): registers it with the hub, queues `initial_out` to be written
    /// first, feeds `initial_in` to the core and starts watching the socket.
    pub fn adopt(
        hub: &Rc<Hub>,
        conn: Arc<Mutex<Connection>>,
        fd: RawFd,
        initial_in: &[u8],
        initial_out: &[u8],
    ) -> io::Result<Rc<Socket>> {
        let socket = hub.register(|id| {
            Rc::new(Socket {
                id,
                hub: Rc::clone(hub),
                conn,
                fd: Cell::new(fd),
                poll: Cell::new(std::ptr::null_mut()),
                st: RefCell::new(State {
                    pre: initial_out.to_vec(),
                    ..State::default()
                }),
            })
        });
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        {
            let on: libc::c_int = 1;
            // SAFETY: `fd` is our socket; the value lives across the call.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_NOSIGPIPE,
                    (&on as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
        }
        // The poll handle holds a strong reference, given back when it closes.
        let data = Rc::into_raw(Rc::clone(&socket)).cast_mut().cast();
        // SAFETY: this thread's loop; `fd` is an open socket.
        match unsafe { hub.uv.new_poll(hub.lp, fd, data) } {
            Ok(h) => socket.poll.set(h),
            Err(code) => {
                // SAFETY: the reference made above, not given to libuv.
                drop(unsafe { Rc::from_raw(data.cast::<Socket>().cast_const()) });
                hub.unregister(socket.id);
                hub.nudge();
                // SAFETY: we own `fd` and nothing else uses it.
                unsafe { libc::close(fd) };
                socket.fd.set(-1);
                return Err(io::Error::other(format!(
                    "could not watch the socket: {}",
                    uv::strerror(hub.uv, code)
                )));
            }
        }
        if !initial_in.is_empty() {
            let mut batch = Batch::default();
            socket.feed(initial_in, &mut batch);
            hub.push(&mut batch);
        }
        socket.write_now();
        socket.update_interest();
        Ok(socket)
    }

    /// The socket's descriptor, or -1 once closed.
    pub fn fd(&self) -> RawFd {
        self.fd.get()
    }

    /// Feeds received bytes to the core and describes what they produced.
    fn feed(&self, data: &[u8], batch: &mut Batch) {
        let mut c = lock(&self.conn);
        c.receive(data);
        while let Some(event) = c.poll_event() {
            let (kind, a, b, payload) = describe(event);
            batch.push(self.id, kind, a, b, payload);
        }
    }

    /// Bytes queued and not yet written.
    pub fn queued(&self) -> usize {
        let st = self.st.borrow();
        let core = lock(&self.conn).outgoing_len();
        (st.pre.len() - st.pre_pos) + core.saturating_sub(st.written)
    }

    fn is_closed(&self) -> bool {
        self.st.borrow().closed
    }

    /// Writes what the socket takes. Returns false when an error closed it.
    fn write_now(&self) -> bool {
        match self.write_some() {
            Ok(()) => true,
            Err(e) => {
                self.report_error(&e, true);
                self.close(true);
                false
            }
        }
    }

    /// Writes the pending bytes until done or the kernel's buffer is full.
    fn write_some(&self) -> io::Result<()> {
        let fd = self.fd.get();
        let mut st = self.st.borrow_mut();
        if st.closed || fd < 0 {
            return Ok(());
        }
        while st.pre_pos < st.pre.len() {
            match send(fd, &st.pre[st.pre_pos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => st.pre_pos += n,
                Err(e) if is_would_block(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        if !st.pre.is_empty() {
            st.pre = Vec::new();
            st.pre_pos = 0;
        }
        let mut c = lock(&self.conn);
        loop {
            let out = c.outgoing();
            if st.written >= out.len() {
                break;
            }
            match send(fd, &out[st.written..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => st.written += n,
                Err(e) if is_would_block(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        // Everything is written.
        if c.outgoing().len() > KEEP_OUT_CAPACITY {
            drop(c.take_outgoing());
        } else {
            c.clear_outgoing();
        }
        st.written = 0;
        Ok(())
    }

    /// After a write on writability: report to JS when what it waits for is written.
    fn report_written(&self) {
        let mut st = self.st.borrow_mut();
        let done =
            st.pre_pos >= st.pre.len() && st.written == 0 && !lock(&self.conn).has_outgoing();
        if done && (st.flush_seq != st.reported_seq || st.want_drain) {
            st.reported_seq = st.flush_seq;
            st.want_drain = false;
            let seq = st.flush_seq;
            drop(st);
            self.hub.push_slice(self.id, KIND_WRITTEN, seq, 1, &[]);
        }
    }

    /// Whether the socket should be read now.
    fn wants_read(&self, st: &State, queued: usize) -> bool {
        !st.closed && !st.failed && !st.paused && !st.read_eof && queued <= OUTPUT_READ_LIMIT
    }

    /// Watches for what is needed: readable while reading, writable while
    /// bytes wait.
    fn update_interest(&self) {
        let queued = self.queued();
        let mut st = self.st.borrow_mut();
        if st.closed {
            return;
        }
        let mut want = 0;
        if self.wants_read(&st, queued) {
            want |= READABLE;
        }
        if queued > 0 {
            want |= WRITABLE;
        }
        if want != st.events {
            st.events = want;
            drop(st);
            // SAFETY: the poll handle is live until `close`, which marks closed.
            let r = unsafe { self.hub.uv.poll_events(self.poll.get(), want, on_poll) };
            if r != 0 {
                // The socket cannot be watched: nothing would ever be read or
                // written, so it fails now instead of hanging.
                let e = io::Error::other(uv::strerror(self.hub.uv, r));
                self.report_error(&e, want & WRITABLE != 0);
                self.close(true);
            }
        }
    }

    /// Reads what arrived, a few buffers at most, feeding the core.
    fn read_some(&self) {
        thread_local! {
            static READ_BUF: RefCell<Vec<u8>> = RefCell::new(vec![0u8; READ_BUFFER]);
        }
        if self.hub.backlog() > BACKLOG_LIMIT {
            // JS has not taken the last reads yet: this socket stays readable
            // and is read after the next delivery.
            return;
        }
        let mut batch = Batch::default();
        let mut failed = None;
        let mut eof = false;
        READ_BUF.with(|cell| {
            let mut buf = cell.borrow_mut();
            for _ in 0..READS_PER_WAKE {
                let fd = self.fd.get();
                if fd < 0 {
                    break;
                }
                match recv(fd, &mut buf) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        self.feed(&buf[..n], &mut batch);
                        if n < buf.len() {
                            break;
                        }
                    }
                    Err(e) if is_would_block(&e) => break,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
        });
        self.hub.push(&mut batch);
        if let Some(e) = failed {
            self.report_error(&e, false);
            self.close(true);
            return;
        }
        if eof {
            self.st.borrow_mut().read_eof = true;
            self.hub.push_slice(self.id, KIND_EOF, 0, 0, &[]);
            self.maybe_finish();
        }
    }

    /// Shuts the write side once JS asked to (`socket.end()`; the shim ends a
    /// socket whose peer ended its side after handling that peer's last
    /// events, like a `net.Socket` without allowHalfOpen, so a close frame
    /// queued for them still goes out) and everything is written; closes once
    /// both sides are done (or at once after `drop()`).
    fn maybe_finish(&self) {
        let queued = self.queued();
        let mut st = self.st.borrow_mut();
        if st.closed {
            return;
        }
        if queued == 0 && !st.write_shut && st.end {
            // SAFETY: `fd` is our open socket.
            unsafe { libc::shutdown(self.fd.get(), libc::SHUT_WR) };
            st.write_shut = true;
        }
        if st.write_shut && (st.read_eof || st.close_after_end) {
            drop(st);
            self.close(false);
        }
    }

    /// The socket's pending error (`SO_ERROR`), if any.
    fn pending_error(&self) -> Option<io::Error> {
        let fd = self.fd.get();
        if fd < 0 {
            return None;
        }
        let mut err: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `fd` is our socket; `err` and `len` live across the call.
        let r = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        (r == 0 && err != 0).then(|| io::Error::from_raw_os_error(err))
    }

    fn report_error(&self, err: &io::Error, write: bool) {
        let errno = err
            .raw_os_error()
            .and_then(|e| u32::try_from(e).ok())
            .unwrap_or(0);
        self.hub.push_slice(
            self.id,
            KIND_IO_ERROR,
            errno,
            u32::from(write),
            err.to_string().as_bytes(),
        );
    }

    /// Closes the socket (once): stops watching, closes the descriptor and
    /// reports `KIND_CLOSED`. Unwritten bytes are discarded.
    pub fn close(&self, had_error: bool) {
        {
            let mut st = self.st.borrow_mut();
            if st.closed {
                return;
            }
            st.closed = true;
            st.events = 0;
        }
        self.release();
        self.hub.unregister(self.id);
        self.hub
            .push_slice(self.id, KIND_CLOSED, u32::from(had_error), 0, &[]);
    }

    /// Closes the poll handle and the descriptor.
    fn release(&self) {
        let h = self.poll.replace(std::ptr::null_mut());
        if !h.is_null() {
            // SAFETY: live poll handle, closed once (replaced by null above);
            // uv_close stops watching at once, so the fd may be closed next.
            unsafe { self.hub.uv.close(h, on_poll_closed) };
        }
        let fd = self.fd.replace(-1);
        if fd >= 0 {
            // SAFETY: we own the descriptor; nothing uses it after this.
            unsafe { libc::close(fd) };
        }
    }

    /// Environment teardown: close without reporting (nobody will listen).
    pub fn teardown(&self) {
        {
            let mut st = self.st.borrow_mut();
            if st.closed {
                return;
            }
            st.closed = true;
        }
        self.release();
    }

    /// A panic while handling this socket: JS fails the connection with 1011
    /// (`'error'`, then the close frame and `'close'`); nothing more is read.
    /// A second panic closes the socket at once.
    fn fail_internal(&self) {
        let again = std::mem::replace(&mut self.st.borrow_mut().failed, true);
        if again {
            self.close(true);
            return;
        }
        self.hub.push_slice(
            self.id,
            KIND_DROPPED,
            1011,
            1,
            b"Internal error in the connection",
        );
        self.update_interest();
    }

    // --- requests from JS ------------------------------------------------

    /// Writes what the core queued. `seq` (when non-zero) is reported back
    /// in a `KIND_WRITTEN` event once written, unless written now;
    /// `want_drain` asks for that report even without a new `seq`. Returns
    /// the bytes still queued (0: everything is written), or -1 once the
    /// socket is closed (the callbacks then fail with its close event).
    pub fn flush(&self, seq: u32, want_drain: bool) -> isize {
        if self.is_closed() {
            // Nothing more is written: JS leaves the callbacks to the close event.
            return -1;
        }
        {
            let mut st = self.st.borrow_mut();
            if seq != 0 {
                st.flush_seq = seq;
            }
            if want_drain {
                st.want_drain = true;
            }
        }
        let waiting = self.st.borrow().events & WRITABLE != 0;
        if !waiting && !self.write_now() {
            // Closed on a write error: the callbacks fail with the close.
            return -1;
        }
        let queued = self.queued();
        if queued == 0 {
            let mut st = self.st.borrow_mut();
            st.reported_seq = st.flush_seq;
            if st.want_drain {
                st.want_drain = false;
                let seq = st.flush_seq;
                drop(st);
                self.hub.push_slice(self.id, KIND_WRITTEN, seq, 1, &[]);
            }
        }
        self.update_interest();
        self.maybe_finish();
        isize::try_from(queued).unwrap_or(isize::MAX)
    }

    /// Queues a message (framed by the core); false when closed or the
    /// connection no longer sends data.
    pub fn send_message(&self, binary: bool, payload: &[u8]) -> bool {
        !self.is_closed() && lock(&self.conn).send_message(binary, payload)
    }

    /// Queues encoded frames (a broadcast); they are written by
    /// [`Hub::flush_dirty`] at the end of this synchronous JS run, so many
    /// broadcasts in one run reach each peer in one system call.
    pub fn send_encoded(self: &Rc<Self>, frames: &[u8]) -> bool {
        if self.is_closed() || !lock(&self.conn).send_encoded(frames) {
            return false;
        }
        let newly = !std::mem::replace(&mut self.st.borrow_mut().dirty, true);
        if newly {
            self.hub.mark_dirty(Rc::clone(self));
        }
        true
    }

    /// Writes what a broadcast queued (see [`Socket::send_encoded`]).
    pub fn flush_dirty(&self) {
        self.st.borrow_mut().dirty = false;
        self.flush(0, false);
    }

    /// `socket.end()`; with `then_close`, close once the write side is shut.
    pub fn end(&self, then_close: bool) {
        {
            let mut st = self.st.borrow_mut();
            st.end = true;
            st.close_after_end |= then_close;
        }
        if self.st.borrow().events & WRITABLE == 0 {
            self.write_now();
        }
        self.update_interest();
        self.maybe_finish();
    }

    /// Stops (true) or restarts (false) reading.
    pub fn set_paused(&self, paused: bool) {
        self.st.borrow_mut().paused = paused;
        self.update_interest();
    }
}

unsafe extern "C" fn on_poll(h: *mut Handle, status: c_int, events: c_int) {
    // SAFETY: the poll handle's data is a strong reference to its socket,
    // given back only in the close callback (which runs after this one).
    let socket = unsafe { &*uv::data(h).cast::<Socket>() };
    let ok = contain(|| {
        if status < 0 {
            // libuv reports a socket error (POLLERR) as UV_EBADF: the socket
            // itself knows the real one (a reset peer, a broken pipe).
            let writing = socket.st.borrow().events & WRITABLE != 0;
            let err = socket
                .pending_error()
                .unwrap_or_else(|| io::Error::from_raw_os_error(-status));
            socket.report_error(&err, writing);
            socket.close(true);
            return;
        }
        if events & WRITABLE != 0 {
            if !socket.write_now() {
                return;
            }
            socket.report_written();
            socket.maybe_finish();
        }
        if events & READABLE != 0 && !socket.is_closed() {
            socket.read_some();
        }
        socket.update_interest();
    });
    if !ok {
        // A panic while handling this socket: the socket closes with 1011;
        // the process and the other connections go on.
        contain(|| socket.fail_internal());
    }
}

unsafe extern "C" fn on_poll_closed(h: *mut Handle) {
    contain(|| {
        // SAFETY: the reference given to the handle in `adopt`.
        let socket = unsafe { Rc::from_raw(uv::data(h).cast::<Socket>().cast_const()) };
        let size = socket.hub.uv.poll_size();
        drop(socket);
        // SAFETY: closed; libuv is done with the memory.
        unsafe { uv::free_handle(h, size) };
    });
}
