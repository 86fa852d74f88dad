//! The JS-fed transport: Node owns the socket, Rust parses and frames.
//!
//! The shim passes each received chunk to [`conn_feed`], which runs the
//! protocol core and describes every resulting event in a caller-provided
//! `Uint32Array` (the "meta" array), with the payloads packed into one
//! returned `Buffer`. One N-API call per chunk, however many messages it held
//! (design.md: Rust crosses into JS once per batch, never once per message).
//!
//! Meta layout: `meta[0]` = number of events written, `meta[1]` = 1 when more
//! events are pending (call [`conn_poll`]), then 4 words per event:
//! `kind, payload length, a, b` (see the `KIND_*` constants and `describe`).
//! Payloads follow each other in the returned buffer in event order.

#[cfg(unix)]
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use napi::bindgen_prelude::{Buffer, External, Uint32Array};
use napi::{Error, Result, Status};
use napi_derive::napi;
use wsproto::{Connection, Limits, Role};

use super::rng::ThreadRng;
use crate::io::events::describe;
#[cfg(unix)]
use crate::io::socket::Socket;

/// Words before the first event in the meta array.
const META_HEAD: usize = 2;
/// Words per event.
const META_STRIDE: usize = 4;

/// One connection's protocol state, owned by a JS `External`. With the
/// event-loop transport the state is shared with the socket Rust owns:
/// JS queues sends into it, the socket feeds it and writes its output.
pub struct NativeConnection {
    pub(crate) conn: Arc<Mutex<Connection>>,
    /// Set once Rust owns the socket (the event-loop transport).
    #[cfg(unix)]
    pub(crate) io: Option<Rc<Socket>>,
}

impl NativeConnection {
    /// The protocol state (a poisoned lock is still usable: the core keeps its
    /// invariants between calls).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Limits and options for a connection; every field is optional and falls
/// back to `websocket`'s default for the role.
#[napi(object)]
pub struct ConnectionOptions {
    /// `maxReceivedFrameSize` in bytes.
    pub max_received_frame_size: Option<f64>,
    /// `maxReceivedMessageSize` in bytes.
    pub max_received_message_size: Option<f64>,
    /// `assembleFragments`.
    pub assemble_fragments: Option<bool>,
    /// `fragmentOutgoingMessages`.
    pub fragment_outgoing_messages: Option<bool>,
    /// `fragmentationThreshold` in bytes.
    pub fragmentation_threshold: Option<f64>,
    /// Maximum number of frames in one fragmented message; 0 or unset: no cap.
    pub max_fragments: Option<f64>,
}

fn size_option(name: &str, value: Option<f64>, min: f64) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.fract() == 0.0 && v >= min && v <= (u64::MAX >> 1) as f64 => {
            Ok(Some(v as u64))
        }
        Some(v) => Err(Error::new(
            Status::InvalidArg,
            format!("{name} must be a whole number of at least {min}, got {v}"),
        )),
    }
}

/// The close reason and code reported by the final `close` event.
#[napi(object)]
pub struct CloseResult {
    /// The close code.
    pub code: u32,
    /// The close description.
    pub description: String,
}

/// Creates the protocol state for one connection. `client` selects the role
/// (clients mask what they send and require unmasked frames from the server).
#[napi(catch_unwind)]
pub fn conn_create(client: bool, options: ConnectionOptions) -> Result<External<NativeConnection>> {
    let role = if client { Role::Client } else { Role::Server };
    let mut limits = if client {
        Limits::client()
    } else {
        Limits::server()
    };
    if let Some(v) = size_option("maxReceivedFrameSize", options.max_received_frame_size, 0.0)? {
        limits.max_frame_size = v;
    }
    if let Some(v) = size_option(
        "maxReceivedMessageSize",
        options.max_received_message_size,
        0.0,
    )? {
        limits.max_message_size = v;
    }
    if let Some(v) = size_option(
        "fragmentationThreshold",
        options.fragmentation_threshold,
        1.0,
    )? {
        limits.fragmentation_threshold = usize::try_from(v).unwrap_or(usize::MAX);
    }
    if let Some(v) = size_option("maxFragments", options.max_fragments, 0.0)? {
        limits.max_fragments = (v > 0).then(|| usize::try_from(v).unwrap_or(usize::MAX));
    }
    if let Some(v) = options.assemble_fragments {
        limits.assemble_fragments = v;
    }
    if let Some(v) = options.fragment_outgoing_messages {
        limits.fragment_outgoing = v;
    }
    let mut conn = Connection::new(role, limits, Box::new(ThreadRng));
    // The shim calls conn_drop when it handles the Dropped event, after the
    // messages before it (and the replies their handlers queue).
    conn.set_defer_failure(true);
    Ok(External::new(NativeConnection {
        conn: Arc::new(Mutex::new(conn)),
        #[cfg(unix)]
        io: None,
    }))
}

/// Moves as many queued events as fit into `meta`, packing their payloads.
fn drain(conn: &mut Connection, meta: &mut [u32]) -> Option<Buffer> {
    if meta.len() < META_HEAD + META_STRIDE {
        return None;
    }
    let capacity = (meta.len() - META_HEAD) / META_STRIDE;
    let mut data: Vec<u8> = Vec::new();
    let mut count = 0usize;
    let mut more = false;
    while let Some(event) = conn.poll_event() {
        let (kind, a, b, payload) = describe(event);
        let base = META_HEAD + count * META_STRIDE;
        if let Some(slot) = meta.get_mut(base..base + META_STRIDE) {
            slot[0] = kind;
            slot[1] = u32::try_from(payload.len()).unwrap_or(u32::MAX);
            slot[2] = a;
            slot[3] = b;
        }
        if data.is_empty() {
            data = payload;
        } else {
            data.extend_from_slice(&payload);
        }
        count += 1;
        if count == capacity {
            more = true;
            break;
        }
    }
    meta[0] = u32::try_from(count).unwrap_or(0);
    meta[1] = u32::from(more);
    if count == 0 {
        None
    } else if data.is_empty() {
        // An empty Vec has a dangling pointer shared by every empty Vec;
        // napi refuses to wrap the same pointer twice, so allocate one byte.
        Some(Buffer::from(Vec::with_capacity(1)))
    } else {
        Some(Buffer::from(data))
    }
}

/// Feeds received bytes and returns the packed payloads of the events they
/// produced (described in `meta`), or `null` when there were none.
#[napi(catch_unwind)]
pub fn conn_feed(
    handle: &mut External<NativeConnection>,
    chunk: &[u8],
    mut meta: Uint32Array,
) -> Option<Buffer> {
    let mut conn = handle.lock();
    conn.receive(chunk);
    // SAFETY: the JS thread is blocked in this call, so nothing else touches
    // the array while we write it; the slice does not outlive the call.
    drain(&mut conn, unsafe { meta.as_mut() })
}

/// Returns further pending events (after `meta[1]` said there were more).
#[napi(catch_unwind)]
pub fn conn_poll(handle: &mut External<NativeConnection>, mut meta: Uint32Array) -> Option<Buffer> {
    // SAFETY: as in conn_feed.
    drain(&mut handle.lock(), unsafe { meta.as_mut() })
}

/// Queues a binary message (framed, fragmented and masked per the role).
/// Returns false when the connection no longer sends data.
#[napi(catch_unwind)]
pub fn conn_send_bytes(handle: &mut External<NativeConnection>, data: &[u8]) -> bool {
    handle.lock().send_message(true, data)
}

/// Queues a text message.
#[napi(catch_unwind)]
pub fn conn_send_text(handle: &mut External<NativeConnection>, data: String) -> bool {
    handle.lock().send_message(false, data.as_bytes())
}

/// Queues a ping (payloads over 125 bytes are truncated to 125).
#[napi(catch_unwind)]
pub fn conn_ping(handle: &mut External<NativeConnection>, data: &[u8]) {
    let _ = handle.lock().ping(data);
}

/// Queues a pong (payloads over 125 bytes are truncated to 125).
#[napi(catch_unwind)]
pub fn conn_pong(handle: &mut External<NativeConnection>, data: &[u8]) {
    let _ = handle.lock().pong(data);
}

/// Queues a raw frame. `flags` packs fin (bit 0), rsv1-3 (bits 1-3) and the
/// opcode (bits 8-11); `close_status` is used for close frames when >= 0.
#[napi(catch_unwind)]
pub fn conn_send_frame(
    handle: &mut External<NativeConnection>,
    flags: u32,
    payload: &[u8],
    close_status: i32,
) {
    let status = u16::try_from(close_status).ok();
    handle.lock().send_frame(
        flags & 1 != 0,
        flags & 2 != 0,
        flags & 4 != 0,
        flags & 8 != 0,
        ((flags >> 8) & 0x0f) as u8,
        payload,
        status,
    );
}

/// Starts the closing handshake (websocket's `close()`); throws on an invalid code.
#[napi(catch_unwind)]
pub fn conn_close(
    handle: &mut External<NativeConnection>,
    code: u32,
    reason: String,
) -> Result<()> {
    let code16 = u16::try_from(code).map_err(|_| {
        Error::new(
            Status::InvalidArg,
            format!("Close code {code} is not valid."),
        )
    })?;
    handle
        .lock()
        .close(code16, &reason)
        .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
}

/// Drops the connection (websocket's `drop()`), queuing a close frame unless `skip_close_frame`.
#[napi(catch_unwind)]
pub fn conn_drop(
    handle: &mut External<NativeConnection>,
    code: u32,
    reason: String,
    skip_close_frame: bool,
) {
    let code16 = u16::try_from(code).unwrap_or(1002);
    handle
        .lock()
        .drop_connection(code16, &reason, skip_close_frame);
}

/// The socket closed: returns the code and description for the `close` event.
#[napi(catch_unwind)]
pub fn conn_transport_closed(handle: &mut External<NativeConnection>) -> CloseResult {
    let (code, description) = handle.lock().transport_closed();
    CloseResult {
        code: u32::from(code),
        description,
    }
}

/// The shim handles the peer's close frame: queue the reply and change state
/// (the core deferred both until now; see `set_defer_failure`).
#[napi(catch_unwind)]
pub fn conn_accept_peer_close(handle: &mut External<NativeConnection>) {
    handle.lock().accept_peer_close();
}

/// Our close frame was not answered in time.
#[napi(catch_unwind)]
pub fn conn_close_timeout(handle: &mut External<NativeConnection>) {
    handle.lock().close_timeout_elapsed();
}

/// `connection.state`: 0 open, 1 peer_requested_close, 2 ending, 3 closed.
#[napi(catch_unwind)]
pub fn conn_state(handle: &External<NativeConnection>) -> String {
    handle.lock().state().as_str().to_string()
}

/// Whether we sent a close frame and wait for the peer's.
#[napi(catch_unwind)]
pub fn conn_waiting_for_close_response(handle: &External<NativeConnection>) -> bool {
    handle.lock().is_waiting_for_close_response()
}

/// Turns automatic pong replies on (no `ping` listener) or off.
#[napi(catch_unwind)]
pub fn conn_set_auto_pong(handle: &mut External<NativeConnection>, on: bool) {
    handle.lock().set_auto_pong(on);
}

/// Takes the wire bytes queued so far, or `null` when there are none.
#[napi(catch_unwind)]
pub fn conn_take_outgoing(handle: &mut External<NativeConnection>) -> Option<Buffer> {
    if handle.lock().has_outgoing() {
        Some(Buffer::from(handle.lock().take_outgoing()))
    } else {
        None
    }
}

/// Bytes queued in Rust and not yet taken by the shim.
#[napi(catch_unwind)]
pub fn conn_outgoing_len(handle: &External<NativeConnection>) -> u32 {
    u32::try_from(handle.lock().outgoing_len()).unwrap_or(u32::MAX)
}
