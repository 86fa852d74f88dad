//! One hub per JS environment (main thread, each worker): the sockets Rust
//! owns on that environment's libuv loop, and the delivery of their events.
//!
//! Sockets are read in libuv's poll phase (see [`super::socket`]); what they
//! produce is collected in one [`Batch`]. A `uv_check_t`, which runs right
//! after the poll phase, hands the whole batch to JS with one
//! `napi_make_callback`: one crossing per loop iteration, however many
//! sockets and messages were read. Because the call is a "make callback",
//! nextTicks and promise jobs run right after it, so replies that handlers
//! queue are written before the loop sleeps again.
//!
//! Lifetime: the check handle is active (and ref'd) exactly while the hub has
//! an open socket or undelivered events, so Node's loop stays alive for them
//! and not longer. An idle handle, unref'd, is started whenever events are
//! queued from outside the poll phase (a `destroy()` from a timer), so the
//! loop does not block before delivering them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use napi::bindgen_prelude::{Buffer, ToNapiValue};
use napi::{sys, Error, Result, Status};

use super::events::{Batch, BATCH_STRIDE};
use super::socket::Socket;
use super::uv::{self, Handle, Loop, Uv};
use crate::binding::batch::{BatchArgs, HeadBuffer};

/// Payload bytes queued for JS above which sockets skip reading until the
/// next delivery (inbound flow control: one loop iteration reads at most
/// about this much more).
pub const BACKLOG_LIMIT: usize = 8 * 1024 * 1024;

/// Bytes of the staging buffer: a batch whose meta words and payloads fit is
/// written there and JS reads it in place, so a delivery creates no Buffer.
pub const STAGING: usize = 64 * 1024;

/// Deliveries in one check callback before the rest waits a loop iteration
/// (events queued by JS during a delivery, e.g. the close of a destroyed socket).
const MAX_ROUNDS: usize = 8;

/// The hub of one environment.
pub struct Hub {
    pub(crate) uv: &'static Uv,
    env: sys::napi_env,
    pub(crate) lp: *mut Loop,
    deliver: sys::napi_ref,
    async_ctx: sys::napi_async_context,
    check: Cell<*mut Handle>,
    idle: Cell<*mut Handle>,
    /// The staging buffer's memory, owned by its JS Buffer (kept alive by
    /// `staging_ref` for the hub's whole life).
    staging: *mut u8,
    staging_ref: sys::napi_ref,
    st: RefCell<HubState>,
}

#[derive(Default)]
struct HubState {
    batch: Batch,
    sockets: HashMap<u32, Rc<Socket>, BuildHasherDefault<IdHasher>>,
    check_on: bool,
    idle_on: bool,
    /// The environment is shutting down: no more handles, no more calls into JS.
    dead: bool,
    /// Sockets with broadcast frames queued and not yet written.
    dirty: Vec<Rc<Socket>>,
}

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::GenericFailure,
            format!("websocket-rs: {what} failed (napi status {status})"),
        ))
    }
}

impl Hub {
    /// Creates the hub of the environment `env`; `deliver` is the JS function
    /// `(head, large, own)` that takes a batch (see [`BatchArgs`]).
    ///
    /// # Safety
    /// Called on the JS thread of `env` with `deliver` a live function value.
    pub unsafe fn create(env: sys::napi_env, deliver: sys::napi_value) -> Result<Rc<Hub>> {
        let uv = uv::api().ok_or_else(|| {
            Error::new(
                Status::GenericFailure,
                "websocket-rs: libuv is not available in this process".to_string(),
            )
        })?;
        let mut lp: *mut sys::uv_loop_s = std::ptr::null_mut();
        let mut deliver_ref = std::ptr::null_mut();
        let mut async_ctx = std::ptr::null_mut();
        // SAFETY: per the contract, on the JS thread of `env`.
        unsafe {
            check(
                sys::napi_get_uv_event_loop(env, &mut lp),
                "napi_get_uv_event_loop",
            )?;
            check(
                sys::napi_create_reference(env, deliver, 1, &mut deliver_ref),
                "napi_create_reference",
            )?;
            let mut resource = std::ptr::null_mut();
            check(
                sys::napi_create_object(env, &mut resource),
                "napi_create_object",
            )?;
            let mut name = std::ptr::null_mut();
            let text = "websocket-rs";
            check(
                sys::napi_create_string_utf8(
                    env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut name,
                ),
                "napi_create_string_utf8",
            )?;
            check(
                sys::napi_async_init(env, resource, name, &mut async_ctx),
                "napi_async_init",
            )?;
        }
        // SAFETY: on the JS thread of `env`.
        let (staging, staging_ref) = unsafe { create_staging(env)? };
        let hub = Rc::new(Hub {
            uv,
            env,
            lp: lp.cast(),
            deliver: deliver_ref,
            async_ctx,
            check: Cell::new(std::ptr::null_mut()),
            idle: Cell::new(std::ptr::null_mut()),
            staging,
            staging_ref,
            st: RefCell::new(HubState::default()),
        });
        // Each handle holds a strong reference, given back in its close callback.
        // SAFETY: this thread's loop.
        let check_h =
            unsafe { uv.new_check(hub.lp, Rc::into_raw(Rc::clone(&hub)).cast_mut().cast()) };
        // SAFETY: this thread's loop.
        let idle_h =
            unsafe { uv.new_idle(hub.lp, Rc::into_raw(Rc::clone(&hub)).cast_mut().cast()) };
        match (check_h, idle_h) {
            (Some(c), Some(i)) => {
                hub.check.set(c);
                hub.idle.set(i);
                Ok(hub)
            }
            (c, i) => {
                // Close what was made: a live handle would keep a worker's loop from closing.
                hub.check.set(c.unwrap_or(std::ptr::null_mut()));
                hub.idle.set(i.unwrap_or(std::ptr::null_mut()));
                for h in [c, i].into_iter().flatten() {
                    // SAFETY: an initialised handle, closed once; its close
                    // callback gives back the hub reference it holds.
                    unsafe { uv.close(h, on_hub_handle_closed) };
                }
                Err(Error::new(
                    Status::GenericFailure,
                    "websocket-rs: could not create the loop's handles".to_string(),
                ))
            }
        }
    }

    /// Registers a socket and returns its id (never 0). The hub now keeps the
    /// loop alive until the socket is closed and its events delivered.
    pub fn register(&self, make: impl FnOnce(u32) -> Rc<Socket>) -> Rc<Socket> {
        // Ids are unique on the thread, across hubs: the hot send path finds
        // a socket by id alone (a second copy of lib/ has a hub of its own).
        let socket = THREAD_SOCKETS.with(|cell| {
            let mut t = cell.borrow_mut();
            t.next_id = t.next_id.wrapping_add(1).max(1);
            while t.map.contains_key(&t.next_id) {
                t.next_id = t.next_id.wrapping_add(1).max(1);
            }
            let socket = make(t.next_id);
            t.map.insert(socket.id, Rc::clone(&socket));
            socket
        });
        let mut st = self.st.borrow_mut();
        st.sockets.insert(socket.id, Rc::clone(&socket));
        if !st.check_on && !st.dead {
            st.check_on = true;
            // SAFETY: the check handle lives until the hub is torn down.
            unsafe { self.uv.check_start(self.check.get(), on_check) };
        }
        socket
    }

    /// Forgets a closed socket.
    pub fn unregister(&self, id: u32) {
        let removed = self.st.borrow_mut().sockets.remove(&id);
        let also = THREAD_SOCKETS.with(|cell| cell.borrow_mut().map.remove(&id));
        drop((removed, also));
    }

    /// Lets the check handle stop if nothing is left (after a failed adopt,
    /// which registered and unregistered a socket without any event).
    pub fn nudge(&self) {
        let mut st = self.st.borrow_mut();
        self.wake(&mut st);
    }

    /// The open sockets among `ids` (unknown or closed ones are skipped).
    pub fn members(&self, ids: &[u32]) -> Vec<Rc<Socket>> {
        let st = self.st.borrow();
        ids.iter()
            .filter_map(|id| st.sockets.get(id).cloned())
            .collect()
    }

    /// Remembers a socket to write in [`Hub::flush_dirty`].
    pub fn mark_dirty(&self, socket: Rc<Socket>) {
        self.st.borrow_mut().dirty.push(socket);
    }

    /// Writes every socket that broadcasts queued bytes on since the last call.
    pub fn flush_dirty(&self) {
        let dirty = std::mem::take(&mut self.st.borrow_mut().dirty);
        for socket in &dirty {
            socket.flush_dirty();
        }
        // Keep the list's allocation for the next burst.
        let mut dirty = dirty;
        dirty.clear();
        let mut st = self.st.borrow_mut();
        if st.dirty.is_empty() {
            st.dirty = dirty;
        }
    }

    /// True once the environment is shutting down.
    pub fn is_dead(&self) -> bool {
        self.st.borrow().dead
    }

    /// Payload bytes waiting for delivery.
    pub fn backlog(&self) -> usize {
        self.st.borrow().batch.data.len()
    }

    /// Queues events for JS (delivered after this loop iteration's poll phase).
    pub fn push(&self, batch: &mut Batch) {
        if batch.is_empty() {
            return;
        }
        let mut st = self.st.borrow_mut();
        st.batch.append(batch);
        self.wake(&mut st);
    }

    /// Queues one event with a borrowed payload.
    pub fn push_slice(&self, id: u32, kind: u32, a: u32, b: u32, payload: &[u8]) {
        let mut st = self.st.borrow_mut();
        st.batch.push_slice(id, kind, a, b, payload);
        self.wake(&mut st);
    }

    /// Makes sure queued events are delivered without the loop blocking first.
    fn wake(&self, st: &mut HubState) {
        if st.dead {
            return;
        }
        if !st.check_on {
            st.check_on = true;
            // SAFETY: live check handle.
            unsafe { self.uv.check_start(self.check.get(), on_check) };
        }
        if !st.idle_on {
            st.idle_on = true;
            // SAFETY: live idle handle.
            unsafe { self.uv.idle_start(self.idle.get(), on_idle) };
        }
    }

    /// Delivers what is queued, a few rounds at most, then stops the idle
    /// handle, and the check handle when nothing is left open.
    fn run_check(&self) {
        for _ in 0..MAX_ROUNDS {
            let batch = {
                let mut st = self.st.borrow_mut();
                if st.batch.is_empty() || st.dead {
                    break;
                }
                std::mem::take(&mut st.batch)
            };
            // SAFETY: on the JS thread, from a loop callback (no JS on the stack).
            if let Err(e) = unsafe { self.call_js(batch) } {
                // Nothing sensible to do but not lose the process: report once.
                let _ = e;
            }
        }
        let mut st = self.st.borrow_mut();
        if st.dead {
            return;
        }
        if st.batch.is_empty() {
            if st.idle_on {
                st.idle_on = false;
                // SAFETY: live idle handle.
                unsafe { self.uv.idle_stop(self.idle.get()) };
            }
            if st.sockets.is_empty() && st.check_on {
                st.check_on = false;
                // SAFETY: live check handle.
                unsafe { self.uv.check_stop(self.check.get()) };
            }
        }
    }

    /// Calls `deliver(head, large, own)` with one batch.
    ///
    /// # Safety
    /// On the JS thread, with no JS frame of ours on the stack.
    unsafe fn call_js(&self, batch: Batch) -> Result<()> {
        let env = self.env;
        let mut scope = std::ptr::null_mut();
        // SAFETY: per the contract.
        check(
            unsafe { sys::napi_open_handle_scope(env, &mut scope) },
            "napi_open_handle_scope",
        )?;
        // SAFETY: inside the handle scope just opened.
        let result = unsafe { self.call_js_in_scope(batch) };
        // SAFETY: the scope opened above.
        unsafe { sys::napi_close_handle_scope(env, scope) };
        result
    }

    unsafe fn call_js_in_scope(&self, batch: Batch) -> Result<()> {
        let env = self.env;
        let meta_bytes = batch.meta.len() * 4;
        // SAFETY: env is this thread's environment, inside a handle scope.
        let argv = if meta_bytes + batch.data.len() <= STAGING {
            // In place: meta words, then the small payloads.
            // SAFETY: `staging` is STAGING bytes, 8-aligned, alive while the
            // hub is, and JS reads it only during the call below.
            let dst = unsafe { std::slice::from_raw_parts_mut(self.staging, STAGING) };
            for (i, word) in batch.meta.iter().enumerate() {
                dst[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
            }
            dst[meta_bytes..meta_bytes + batch.data.len()].copy_from_slice(&batch.data);
            let count = u32::try_from(batch.meta.len() / BATCH_STRIDE).unwrap_or(0);
            let own = if batch.own.is_empty() {
                None
            } else {
                Some(batch.own)
            };
            let mut staging = std::ptr::null_mut();
            // SAFETY: as above; the reference is live while the hub is.
            unsafe {
                check(
                    sys::napi_get_reference_value(env, self.staging_ref, &mut staging),
                    "napi_get_reference_value",
                )?;
                [
                    u32::to_napi_value(env, count)?,
                    staging,
                    Option::<Vec<Buffer>>::to_napi_value(
                        env,
                        own.map(|own| own.into_iter().map(Buffer::from).collect()),
                    )?,
                ]
            }
        } else {
            let args = BatchArgs::new(batch);
            // SAFETY: as above.
            unsafe {
                [
                    HeadBuffer::to_napi_value(env, HeadBuffer(args.head))?,
                    Option::<Buffer>::to_napi_value(env, args.large.map(Buffer::from))?,
                    Option::<Vec<Buffer>>::to_napi_value(
                        env,
                        args.own
                            .map(|own| own.into_iter().map(Buffer::from).collect()),
                    )?,
                ]
            }
        };
        let mut func = std::ptr::null_mut();
        let mut global = std::ptr::null_mut();
        let mut result = std::ptr::null_mut();
        // SAFETY: as above; the reference is live while the hub is.
        unsafe {
            check(
                sys::napi_get_reference_value(env, self.deliver, &mut func),
                "napi_get_reference_value",
            )?;
            check(sys::napi_get_global(env, &mut global), "napi_get_global")?;
            let status = sys::napi_make_callback(
                env,
                self.async_ctx,
                global,
                func,
                argv.len(),
                argv.as_ptr(),
                &mut result,
            );
            if status == sys::Status::napi_pending_exception {
                // The shim catches handlers' exceptions; anything else is
                // reported as Node reports an uncaught exception.
                let mut err = std::ptr::null_mut();
                let mut kind = sys::ValueType::napi_undefined;
                if sys::napi_get_and_clear_last_exception(env, &mut err) == sys::Status::napi_ok
                    && !err.is_null()
                    && sys::napi_typeof(env, err, &mut kind) == sys::Status::napi_ok
                    && kind != sys::ValueType::napi_undefined
                {
                    // (Undefined: JS cannot run any more, e.g. a terminating worker.)
                    sys::napi_fatal_exception(env, err);
                }
            }
        }
        Ok(())
    }

    /// Closes every socket and the hub's handles (environment teardown).
    pub fn close_all(&self) {
        let sockets: Vec<Rc<Socket>> = {
            let mut st = self.st.borrow_mut();
            st.dead = true;
            st.batch = Batch::default();
            st.dirty.clear();
            st.sockets.drain().map(|(_, s)| s).collect()
        };
        THREAD_SOCKETS.with(|cell| {
            let mut t = cell.borrow_mut();
            for s in &sockets {
                t.map.remove(&s.id);
            }
        });
        for s in sockets {
            s.teardown();
        }
        // SAFETY: live handles, closed once (the hub is dead from now on).
        unsafe {
            self.uv.close(self.check.get(), on_hub_handle_closed);
            self.uv.close(self.idle.get(), on_hub_handle_closed);
        }
    }
}

/// Socket ids are small sequential numbers: they are their own hash.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }
}

/// The open sockets of every hub on this thread, by id.
#[derive(Default)]
struct ThreadSockets {
    next_id: u32,
    map: HashMap<u32, Rc<Socket>, BuildHasherDefault<IdHasher>>,
}

thread_local! {
    static THREAD_SOCKETS: RefCell<ThreadSockets> = RefCell::new(ThreadSockets::default());
}

/// The open socket `id` of this thread (ids are unique across its hubs).
pub fn current_socket(id: u32) -> Option<Rc<Socket>> {
    THREAD_SOCKETS.with(|cell| cell.borrow().map.get(&id).cloned())
}

/// Runs `f`, containing a panic (which must never unwind into libuv).
pub(crate) fn contain(f: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_ok()
}

unsafe extern "C" fn on_check(h: *mut Handle) {
    // SAFETY: the check handle's data is a strong reference to its hub.
    let hub = unsafe { &*uv::data(h).cast::<Hub>() };
    contain(|| hub.run_check());
}

unsafe extern "C" fn on_idle(_h: *mut Handle) {
    // Nothing to do: a started idle handle only keeps the loop from blocking
    // until the check handle has delivered.
}

unsafe extern "C" fn on_hub_handle_closed(h: *mut Handle) {
    contain(|| {
        // SAFETY: the handle's data is the strong reference made in `create`.
        let hub = unsafe { Rc::from_raw(uv::data(h).cast::<Hub>().cast_const()) };
        let size = if h == hub.check.get() {
            hub.uv.check_size()
        } else {
            hub.uv.idle_size()
        };
        drop(hub);
        // SAFETY: closed; libuv is done with it.
        unsafe { uv::free_handle(h, size) };
    });
}

/// Creates the staging buffer: STAGING bytes of Rust memory, 8-aligned,
/// wrapped in a JS Buffer that owns it (freed by its finalizer) and held by
/// a strong reference for the hub's life.
///
/// # Safety
/// On the JS thread of `env`.
unsafe fn create_staging(env: sys::napi_env) -> Result<(*mut u8, sys::napi_ref)> {
    let mem: Box<[u64]> = vec![0u64; STAGING / 8].into_boxed_slice();
    let ptr = Box::into_raw(mem).cast::<u8>();
    let mut value = std::ptr::null_mut();
    let mut reference = std::ptr::null_mut();
    // SAFETY: `ptr` is STAGING live bytes; the finalizer frees them once.
    unsafe {
        let status = sys::napi_create_external_buffer(
            env,
            STAGING,
            ptr.cast(),
            Some(free_staging),
            std::ptr::null_mut(),
            &mut value,
        );
        if status != sys::Status::napi_ok {
            free_staging(env, ptr.cast(), std::ptr::null_mut());
            return Err(Error::new(
                Status::GenericFailure,
                format!("websocket-rs: could not create the staging buffer (napi status {status})"),
            ));
        }
        check(
            sys::napi_create_reference(env, value, 1, &mut reference),
            "napi_create_reference",
        )?;
    }
    Ok((ptr, reference))
}

unsafe extern "C" fn free_staging(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    let slice = std::ptr::slice_from_raw_parts_mut(data.cast::<u64>(), STAGING / 8);
    // SAFETY: the box made in create_staging, freed once (by this finalizer).
    drop(unsafe { Box::from_raw(slice) });
}
