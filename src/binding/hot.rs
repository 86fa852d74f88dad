//! The hot send path of the event-loop transport, written against N-API
//! directly (design.md, "Crossing the JS boundary"): `ioSendText(id, text)`,
//! `ioSendBytes(id, buffer)` and `ioFlush(id, seq, wantDrain)`.
//!
//! A socket is named by its id in this thread's hub, so no `External` has to
//! be looked up and borrow-checked per call; a string is copied once, from V8
//! straight into a reused buffer (V8 writes well-formed UTF-8, replacing lone
//! surrogates as `Buffer.from` does), and framed from there. Each function
//! contains panics and throws a JS `Error` on bad arguments.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;

use napi::sys;
use napi::{Env, JsValue, Result};

const OK: sys::napi_status = sys::Status::napi_ok;

thread_local! {
    /// Where strings are copied before framing; kept between calls.
    static TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Text buffers larger than this are released after use.
const KEEP_TEXT: usize = 64 * 1024;

/// Throws `message` as a JS `Error` and returns `undefined`... or null, which
/// N-API treats as undefined.
unsafe fn throw(env: sys::napi_env, message: &CStr) -> sys::napi_value {
    // SAFETY: live env; NUL-terminated message.
    unsafe { sys::napi_throw_error(env, std::ptr::null(), message.as_ptr()) };
    null_mut()
}

unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Option<[sys::napi_value; N]> {
    let mut argv = [null_mut(); N];
    let mut argc = N;
    // SAFETY: argv has room for N values.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            null_mut(),
            null_mut(),
        )
    };
    (status == OK && argc >= N).then_some(argv)
}

unsafe fn get_u32(env: sys::napi_env, v: sys::napi_value) -> Option<u32> {
    let mut out = 0u32;
    // SAFETY: live env and value.
    (unsafe { sys::napi_get_value_uint32(env, v, &mut out) } == OK).then_some(out)
}

unsafe fn get_bool(env: sys::napi_env, v: sys::napi_value) -> Option<bool> {
    let mut out = false;
    // SAFETY: live env and value.
    (unsafe { sys::napi_get_value_bool(env, v, &mut out) } == OK).then_some(out)
}

unsafe fn number(env: sys::napi_env, n: f64) -> sys::napi_value {
    let mut out = null_mut();
    // SAFETY: live env.
    unsafe { sys::napi_create_double(env, n, &mut out) };
    out
}

/// Queues a message on `socket` and says what JS gets back: the bytes now
/// queued for the socket, or -1 when it is closed or no longer sends data.
fn send_on(socket: Option<&crate::io::socket::Socket>, binary: bool, payload: &[u8]) -> f64 {
    socket
        .filter(|s| s.send_message(binary, payload))
        .map_or(-1.0, |s| s.queued() as f64)
}

/// Runs a callback body, turning a panic into a thrown `Error`.
unsafe fn guarded(
    env: sys::napi_env,
    f: impl FnOnce() -> Option<sys::napi_value>,
    usage: &CStr,
) -> sys::napi_value {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Some(v)) => v,
        // SAFETY: live env.
        Ok(None) => unsafe { throw(env, usage) },
        // SAFETY: live env.
        Err(_) => unsafe { throw(env, c"websocket-rs: internal error in the native send path") },
    }
}

/// `ioSendText(id, text)`: queues a text message on socket `id`. Returns the
/// bytes now queued for the socket, or -1 when the socket is closed or the
/// connection no longer sends data.
unsafe extern "C" fn io_send_text(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by N-API with a live env and callback info.
    unsafe {
        guarded(
            env,
            || {
                let [id, text] = args::<2>(env, info)?;
                let id = get_u32(env, id)?;
                // The UTF-16 length is known without a pass over the string;
                // UTF-8 takes at most 3 bytes per UTF-16 unit. So the string is
                // read once, not measured first and copied after.
                let mut units = 0usize;
                if sys::napi_get_value_string_utf16(env, text, null_mut(), 0, &mut units) != OK {
                    return None;
                }
                let len = units.saturating_mul(3);
                let Some(socket) = crate::io::hub::current_socket(id) else {
                    return Some(number(env, -1.0));
                };
                let queued = TEXT.with(|cell| {
                    let mut buf = cell.borrow_mut();
                    buf.clear();
                    buf.reserve(len + 1);
                    let mut written = 0usize;
                    let status = sys::napi_get_value_string_utf8(
                        env,
                        text,
                        buf.as_mut_ptr().cast::<c_char>(),
                        len + 1,
                        &mut written,
                    );
                    if status != OK {
                        return None;
                    }
                    // SAFETY: N-API wrote `written` (<= len) bytes of UTF-8.
                    buf.set_len(written.min(len));
                    let queued = send_on(Some(&*socket), false, &buf);
                    if buf.capacity() > KEEP_TEXT {
                        *buf = Vec::new();
                    }
                    Some(queued)
                })?;
                Some(number(env, queued))
            },
            c"ioSendText(id, text): expected a socket id and a string",
        )
    }
}

/// `ioSendBytes(id, buffer)`: queues a binary message on socket `id`; returns
/// as `ioSendText` does.
unsafe extern "C" fn io_send_bytes(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as in io_send_text.
    unsafe {
        guarded(
            env,
            || {
                let [id, data] = args::<2>(env, info)?;
                let id = get_u32(env, id)?;
                let mut ptr = null_mut();
                let mut len = 0usize;
                if sys::napi_get_buffer_info(env, data, &mut ptr, &mut len) != OK {
                    return None;
                }
                let bytes: &[u8] = if len == 0 || ptr.is_null() {
                    &[]
                } else {
                    // SAFETY: the Buffer's live memory, read during this call only.
                    std::slice::from_raw_parts(ptr.cast::<u8>(), len)
                };
                let socket = crate::io::hub::current_socket(id);
                Some(number(env, send_on(socket.as_deref(), true, bytes)))
            },
            c"ioSendBytes(id, buffer): expected a socket id and a Buffer",
        )
    }
}

/// `ioFlush(id, seq, wantDrain)`: see [`crate::io::socket::Socket::flush`].
/// Returns the bytes still queued, or -1 for a closed or unknown socket.
unsafe extern "C" fn io_flush(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as in io_send_text.
    unsafe {
        guarded(
            env,
            || {
                let [id, seq, drain] = args::<3>(env, info)?;
                let id = get_u32(env, id)?;
                let seq = get_u32(env, seq)?;
                let drain = get_bool(env, drain)?;
                let queued = crate::io::hub::current_socket(id)
                    .map_or(-1, |socket| socket.flush(seq, drain));
                Some(number(env, queued as f64))
            },
            c"ioFlush(id, seq, wantDrain): expected a socket id, a number and a boolean",
        )
    }
}

/// Adds the hot functions to the module's exports.
pub fn register(env: &Env, exports: &napi::bindgen_prelude::Object) -> Result<()> {
    type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;
    let functions: [(&CStr, Callback); 3] = [
        (c"ioSendText", io_send_text),
        (c"ioSendBytes", io_send_bytes),
        (c"ioFlush", io_flush),
    ];
    for (name, cb) in functions {
        let mut f = null_mut();
        // SAFETY: live env; the name is NUL-terminated; the callback is a
        // plain function that lives as long as the addon.
        let status = unsafe {
            sys::napi_create_function(env.raw(), name.as_ptr(), -1, Some(cb), null_mut(), &mut f)
        };
        // SAFETY: as above; `exports` is the module's exports object.
        let status = if status == OK {
            unsafe { sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), f) }
        } else {
            status
        };
        if status != OK {
            return Err(napi::Error::new(
                napi::Status::GenericFailure,
                format!("websocket-rs: could not export {}", name.to_string_lossy()),
            ));
        }
    }
    Ok(())
}
