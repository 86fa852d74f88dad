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

use napi::bindgen_prelude::{Buffer, External, Uint32Array};
use napi::{Error, Result, Status};
use napi_derive::napi;
use wsproto::{Connection, Event, Limits, Role};

use super::rng::OsRng;

/// A complete text message (payload = UTF-8 bytes, already validated).
const KIND_TEXT: u32 = 1;
/// A complete binary message.
const KIND_BINARY: u32 = 2;
/// A raw frame (`assembleFragments: false`); a = flags, b = close status or `NONE`.
const KIND_FRAME: u32 = 3;
/// A ping; payload = its application data.
const KIND_PING: u32 = 4;
/// A pong.
const KIND_PONG: u32 = 5;
/// The peer sent a close frame; a = code or `NONE`; payload = reason.
const KIND_CLOSE_REQUESTED: u32 = 6;
/// The peer answered our close frame.
const KIND_CLOSE_COMPLETED: u32 = 7;
/// A protocol violation; a = our close code; payload = the reason text.
const KIND_DROPPED: u32 = 8;
/// "No value" in the a/b words.
const NONE: u32 = u32::MAX;
/// Words before the first event in the meta array.
const META_HEAD: usize = 2;
/// Words per event.
const META_STRIDE: usize = 4;

/// One connection's protocol state, owned by a JS `External`.
pub struct NativeConnection {
    conn: Connection,
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
    /// Maximum number of frames in one fragmented message.
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
    if let Some(v) = size_option("maxFragments", options.max_fragments, 1.0)? {
        limits.max_fragments = usize::try_from(v).unwrap_or(usize::MAX);
    }
    if let Some(v) = options.assemble_fragments {
        limits.assemble_fragments = v;
    }
    if let Some(v) = options.fragment_outgoing_messages {
        limits.fragment_outgoing = v;
    }
    let conn = Connection::new(role, limits, Box::new(OsRng::new()));
    Ok(External::new(NativeConnection { conn }))
}

/// Writes the (kind, a, b) words of one event and returns its payload.
fn describe(event: Event) -> (u32, u32, u32, Vec<u8>) {
    match event {
        Event::Message { binary, data } => {
            (if binary { KIND_BINARY } else { KIND_TEXT }, 0, 0, data)
        }
        Event::Frame {
            fin,
            rsv1,
            rsv2,
            rsv3,
            opcode,
            payload,
            close_status,
        } => {
            let flags = u32::from(fin)
                | (u32::from(rsv1) << 1)
                | (u32::from(rsv2) << 2)
                | (u32::from(rsv3) << 3)
                | (u32::from(opcode) << 8);
            (
                KIND_FRAME,
                flags,
                close_status.map_or(NONE, u32::from),
                payload,
            )
        }
        Event::Ping(data) => (KIND_PING, 0, 0, data),
        Event::Pong(data) => (KIND_PONG, 0, 0, data),
        Event::CloseRequested { code, reason } => (
            KIND_CLOSE_REQUESTED,
            code.map_or(NONE, u32::from),
            0,
            reason.into_bytes(),
        ),
        Event::CloseCompleted => (KIND_CLOSE_COMPLETED, 0, 0, Vec::new()),
        Event::Dropped { code, reason } => (KIND_DROPPED, u32::from(code), 0, reason.into_bytes()),
    }
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
    handle.conn.receive(chunk);
    // SAFETY: the JS thread is blocked in this call, so nothing else touches
    // the array while we write it; the slice does not outlive the call.
    drain(&mut handle.conn, unsafe { meta.as_mut() })
}

/// Returns further pending events (after `meta[1]` said there were more).
#[napi(catch_unwind)]
pub fn conn_poll(handle: &mut External<NativeConnection>, mut meta: Uint32Array) -> Option<Buffer> {
    // SAFETY: as in conn_feed.
    drain(&mut handle.conn, unsafe { meta.as_mut() })
}

/// Queues a binary message (framed, fragmented and masked per the role).
/// Returns false when the connection no longer sends data.
#[napi(catch_unwind)]
pub fn conn_send_bytes(handle: &mut External<NativeConnection>, data: &[u8]) -> bool {
    handle.conn.send_message(true, data)
}

/// Queues a text message.
#[napi(catch_unwind)]
pub fn conn_send_text(handle: &mut External<NativeConnection>, data: String) -> bool {
    handle.conn.send_message(false, data.as_bytes())
}

/// Queues a ping (payloads over 125 bytes are truncated to 125).
#[napi(catch_unwind)]
pub fn conn_ping(handle: &mut External<NativeConnection>, data: &[u8]) {
    let _ = handle.conn.ping(data);
}

/// Queues a pong (payloads over 125 bytes are truncated to 125).
#[napi(catch_unwind)]
pub fn conn_pong(handle: &mut External<NativeConnection>, data: &[u8]) {
    let _ = handle.conn.pong(data);
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
    handle.conn.send_frame(
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
        .conn
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
        .conn
        .drop_connection(code16, &reason, skip_close_frame);
}

/// The socket closed: returns the code and description for the `close` event.
#[napi(catch_unwind)]
pub fn conn_transport_closed(handle: &mut External<NativeConnection>) -> CloseResult {
    let (code, description) = handle.conn.transport_closed();
    CloseResult {
        code: u32::from(code),
        description,
    }
}

/// Our close frame was not answered in time.
#[napi(catch_unwind)]
pub fn conn_close_timeout(handle: &mut External<NativeConnection>) {
    handle.conn.close_timeout_elapsed();
}

/// `connection.state`: 0 open, 1 peer_requested_close, 2 ending, 3 closed.
#[napi(catch_unwind)]
pub fn conn_state(handle: &External<NativeConnection>) -> String {
    handle.conn.state().as_str().to_string()
}

/// Whether we sent a close frame and wait for the peer's.
#[napi(catch_unwind)]
pub fn conn_waiting_for_close_response(handle: &External<NativeConnection>) -> bool {
    handle.conn.is_waiting_for_close_response()
}

/// Turns automatic pong replies on (no `ping` listener) or off.
#[napi(catch_unwind)]
pub fn conn_set_auto_pong(handle: &mut External<NativeConnection>, on: bool) {
    handle.conn.set_auto_pong(on);
}

/// Takes the wire bytes queued so far, or `null` when there are none.
#[napi(catch_unwind)]
pub fn conn_take_outgoing(handle: &mut External<NativeConnection>) -> Option<Buffer> {
    if handle.conn.has_outgoing() {
        Some(Buffer::from(handle.conn.take_outgoing()))
    } else {
        None
    }
}

/// Bytes queued in Rust and not yet taken by the shim.
#[napi(catch_unwind)]
pub fn conn_outgoing_len(handle: &External<NativeConnection>) -> u32 {
    u32::try_from(handle.conn.outgoing_len()).unwrap_or(u32::MAX)
}
