//! The few libuv functions the event-loop transport calls, found in the
//! running process (Node exports libuv's symbols to addons).
//!
//! They are looked up once with `dlsym` instead of being linked: the addon
//! loads in any host, and where a symbol is missing the transport is simply
//! not offered (connections stay on the JS-fed transport).
//!
//! Handles are kept as opaque, zeroed memory of the size libuv reports
//! (`uv_handle_size`); the only field we touch is `data`, the first field of
//! every handle (`uv_handle_t`), where we keep a pointer to our own state.

use std::ffi::{c_int, c_uint, c_void, CStr};
use std::sync::OnceLock;

/// `uv_poll_event`: the socket is readable.
pub const READABLE: c_int = 1;
/// `uv_poll_event`: the socket is writable.
pub const WRITABLE: c_int = 2;

/// `uv_handle_type` values used here (stable across libuv 1.x).
const UV_CHECK: c_int = 2;
const UV_IDLE: c_int = 6;
const UV_POLL: c_int = 8;

/// An opaque handle: the memory libuv works in.
pub type Handle = c_void;
/// `uv_loop_t`.
pub type Loop = c_void;

/// `uv_poll_cb`.
pub type PollCb = unsafe extern "C" fn(handle: *mut Handle, status: c_int, events: c_int);
/// `uv_check_cb` / `uv_idle_cb`.
pub type HandleCb = unsafe extern "C" fn(handle: *mut Handle);

/// The libuv entry points, resolved in the host process.
pub struct Uv {
    handle_size: unsafe extern "C" fn(c_int) -> usize,
    poll_init: unsafe extern "C" fn(*mut Loop, *mut Handle, c_int) -> c_int,
    poll_start: unsafe extern "C" fn(*mut Handle, c_int, PollCb) -> c_int,
    poll_stop: unsafe extern "C" fn(*mut Handle) -> c_int,
    check_init: unsafe extern "C" fn(*mut Loop, *mut Handle) -> c_int,
    check_start: unsafe extern "C" fn(*mut Handle, HandleCb) -> c_int,
    check_stop: unsafe extern "C" fn(*mut Handle) -> c_int,
    idle_init: unsafe extern "C" fn(*mut Loop, *mut Handle) -> c_int,
    idle_start: unsafe extern "C" fn(*mut Handle, HandleCb) -> c_int,
    idle_stop: unsafe extern "C" fn(*mut Handle) -> c_int,
    close: unsafe extern "C" fn(*mut Handle, Option<HandleCb>),
    unref: unsafe extern "C" fn(*mut Handle),
    strerror: unsafe extern "C" fn(c_int) -> *const std::ffi::c_char,
    version: unsafe extern "C" fn() -> c_uint,
}

static UV: OnceLock<Option<Uv>> = OnceLock::new();

/// libuv, when the host process exports it (Node does).
pub fn api() -> Option<&'static Uv> {
    UV.get_or_init(resolve).as_ref()
}

// Each transmute's target is the declared type of the field it fills.
#[allow(clippy::missing_transmute_annotations)]
fn resolve() -> Option<Uv> {
    /// Looks up `name` (NUL-terminated) among the process's global symbols.
    fn sym(name: &CStr) -> Option<*mut c_void> {
        // SAFETY: dlsym only reads the NUL-terminated name.
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    }
    macro_rules! f {
        ($name:literal) => {
            // SAFETY: the symbol is libuv's function of that name, whose C
            // signature is the field's type (libuv 1.x ABI).
            unsafe { std::mem::transmute::<*mut c_void, _>(sym($name)?) }
        };
    }
    let uv = Uv {
        handle_size: f!(c"uv_handle_size"),
        poll_init: f!(c"uv_poll_init"),
        poll_start: f!(c"uv_poll_start"),
        poll_stop: f!(c"uv_poll_stop"),
        check_init: f!(c"uv_check_init"),
        check_start: f!(c"uv_check_start"),
        check_stop: f!(c"uv_check_stop"),
        idle_init: f!(c"uv_idle_init"),
        idle_start: f!(c"uv_idle_start"),
        idle_stop: f!(c"uv_idle_stop"),
        close: f!(c"uv_close"),
        unref: f!(c"uv_unref"),
        strerror: f!(c"uv_strerror"),
        version: f!(c"uv_version"),
    };
    // The handle layouts we rely on (a `data` pointer first) are libuv 1.x's.
    // SAFETY: uv_version takes no arguments.
    let major = unsafe { (uv.version)() } >> 16;
    (major == 1).then_some(uv)
}

/// Memory for one handle, word-aligned and zeroed. Freed by [`free_handle`]
/// (after libuv's close callback, never before).
fn alloc_handle(size: usize) -> *mut Handle {
    let words = size.div_ceil(8).max(4);
    let mem: Box<[u64]> = vec![0u64; words].into_boxed_slice();
    Box::into_raw(mem).cast::<Handle>()
}

/// Frees memory from [`alloc_handle`] of the same `size`.
///
/// # Safety
/// `h` came from `alloc_handle(size)` and libuv no longer uses it.
pub unsafe fn free_handle(h: *mut Handle, size: usize) {
    let words = size.div_ceil(8).max(4);
    let slice = std::ptr::slice_from_raw_parts_mut(h.cast::<u64>(), words);
    // SAFETY: per the contract, this is the box alloc_handle leaked.
    drop(unsafe { Box::from_raw(slice) });
}

/// The `data` field of a handle (its first field).
///
/// # Safety
/// `h` is live handle memory.
pub unsafe fn data(h: *mut Handle) -> *mut c_void {
    // SAFETY: every uv handle starts with `void* data`.
    unsafe { *h.cast::<*mut c_void>() }
}

/// Sets the `data` field of a handle.
///
/// # Safety
/// `h` is live handle memory.
pub unsafe fn set_data(h: *mut Handle, value: *mut c_void) {
    // SAFETY: as in `data`.
    unsafe { *h.cast::<*mut c_void>() = value }
}

/// libuv's text for an error number.
pub fn strerror(uv: &Uv, err: c_int) -> String {
    // SAFETY: uv_strerror returns a static string (or "Unknown system error").
    let p = unsafe { (uv.strerror)(err) };
    if p.is_null() {
        return format!("error {err}");
    }
    // SAFETY: non-null, NUL-terminated, static.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

impl Uv {
    /// Size of a poll handle.
    pub fn poll_size(&self) -> usize {
        // SAFETY: uv_handle_size only reads its argument.
        unsafe { (self.handle_size)(UV_POLL) }
    }

    fn size_of(&self, kind: c_int) -> usize {
        // SAFETY: as above.
        unsafe { (self.handle_size)(kind) }
    }

    /// A new poll handle watching `fd` on `lp`, its `data` set to `data`.
    ///
    /// # Safety
    /// `lp` is the running loop of this thread; `fd` is an open socket.
    pub unsafe fn new_poll(
        &self,
        lp: *mut Loop,
        fd: c_int,
        data: *mut c_void,
    ) -> Result<*mut Handle, c_int> {
        let size = self.poll_size();
        let h = alloc_handle(size);
        // SAFETY: fresh handle memory of libuv's size.
        let r = unsafe { (self.poll_init)(lp, h, fd) };
        if r != 0 {
            // SAFETY: libuv did not keep the handle (init failed).
            unsafe { free_handle(h, size) };
            return Err(r);
        }
        // SAFETY: initialised handle.
        unsafe { set_data(h, data) };
        Ok(h)
    }

    /// Starts (or changes) watching for `events`; 0 stops.
    ///
    /// # Safety
    /// `h` is an initialised, not closing, poll handle.
    pub unsafe fn poll_events(&self, h: *mut Handle, events: c_int, cb: PollCb) -> c_int {
        if events == 0 {
            // SAFETY: per the contract.
            unsafe { (self.poll_stop)(h) }
        } else {
            // SAFETY: per the contract.
            unsafe { (self.poll_start)(h, events, cb) }
        }
    }

    /// A check handle (runs after each poll phase), `data` set; not started.
    ///
    /// # Safety
    /// `lp` is the running loop of this thread.
    pub unsafe fn new_check(&self, lp: *mut Loop, data: *mut c_void) -> Option<*mut Handle> {
        let size = self.size_of(UV_CHECK);
        let h = alloc_handle(size);
        // SAFETY: fresh handle memory.
        if unsafe { (self.check_init)(lp, h) } != 0 {
            // SAFETY: not kept by libuv.
            unsafe { free_handle(h, size) };
            return None;
        }
        // SAFETY: initialised handle.
        unsafe { set_data(h, data) };
        Some(h)
    }

    /// An idle handle (keeps the loop from blocking while started), unref'd, `data` set.
    ///
    /// # Safety
    /// `lp` is the running loop of this thread.
    pub unsafe fn new_idle(&self, lp: *mut Loop, data: *mut c_void) -> Option<*mut Handle> {
        let size = self.size_of(UV_IDLE);
        let h = alloc_handle(size);
        // SAFETY: fresh handle memory.
        if unsafe { (self.idle_init)(lp, h) } != 0 {
            // SAFETY: not kept by libuv.
            unsafe { free_handle(h, size) };
            return None;
        }
        // SAFETY: initialised handle.
        unsafe {
            set_data(h, data);
            (self.unref)(h);
        }
        Some(h)
    }

    /// Starts a check handle.
    ///
    /// # Safety
    /// `h` is an initialised check handle.
    pub unsafe fn check_start(&self, h: *mut Handle, cb: HandleCb) {
        // SAFETY: per the contract.
        unsafe { (self.check_start)(h, cb) };
    }

    /// Stops a check handle.
    ///
    /// # Safety
    /// `h` is an initialised check handle.
    pub unsafe fn check_stop(&self, h: *mut Handle) {
        // SAFETY: per the contract.
        unsafe { (self.check_stop)(h) };
    }

    /// Starts an idle handle.
    ///
    /// # Safety
    /// `h` is an initialised idle handle.
    pub unsafe fn idle_start(&self, h: *mut Handle, cb: HandleCb) {
        // SAFETY: per the contract.
        unsafe { (self.idle_start)(h, cb) };
    }

    /// Stops an idle handle.
    ///
    /// # Safety
    /// `h` is an initialised idle handle.
    pub unsafe fn idle_stop(&self, h: *mut Handle) {
        // SAFETY: per the contract.
        unsafe { (self.idle_stop)(h) };
    }

    /// Closes a handle; `cb` runs on a later loop iteration, after which the
    /// memory may be freed.
    ///
    /// # Safety
    /// `h` is an initialised handle not already closing.
    pub unsafe fn close(&self, h: *mut Handle, cb: HandleCb) {
        // SAFETY: per the contract.
        unsafe { (self.close)(h, Some(cb)) };
    }

    /// Size of a check handle (to free it).
    pub fn check_size(&self) -> usize {
        self.size_of(UV_CHECK)
    }

    /// Size of an idle handle (to free it).
    pub fn idle_size(&self) -> usize {
        self.size_of(UV_IDLE)
    }
}
