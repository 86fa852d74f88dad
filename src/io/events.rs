//! How events are described to JS: a kind, a payload and two words (`a`, `b`).
//! The JS shim (lib/WebSocketConnection.js) mirrors these numbers.

use wsproto::Event;

/// A complete text message (payload = UTF-8 bytes, already validated).
pub const KIND_TEXT: u32 = 1;
/// A complete binary message.
pub const KIND_BINARY: u32 = 2;
/// A raw frame (`assembleFragments: false`); a = flags, b = close status or `NONE`.
pub const KIND_FRAME: u32 = 3;
/// A ping; payload = its application data.
pub const KIND_PING: u32 = 4;
/// A pong.
pub const KIND_PONG: u32 = 5;
/// The peer sent a close frame; a = code or `NONE`; payload = reason.
pub const KIND_CLOSE_REQUESTED: u32 = 6;
/// The peer answered our close frame.
pub const KIND_CLOSE_COMPLETED: u32 = 7;
/// A protocol violation; a = our close code; payload = the reason text.
pub const KIND_DROPPED: u32 = 8;
/// Native transport: the peer ended its side of the TCP connection.
pub const KIND_EOF: u32 = 9;
/// Native transport: the socket is closed; a = 1 when it closed on an error.
pub const KIND_CLOSED: u32 = 10;
/// Native transport: an I/O error; a = errno (0 if unknown), b = 0 read / 1 write;
/// payload = the OS's message.
pub const KIND_IO_ERROR: u32 = 11;
/// Native transport: everything queued up to flush number a is written;
/// b = 1 when nothing at all is left to write.
pub const KIND_WRITTEN: u32 = 12;
/// "No value" in the a/b words.
pub const NONE: u32 = u32::MAX;

/// The (kind, a, b) words and the payload of one core event.
pub fn describe(event: Event) -> (u32, u32, u32, Vec<u8>) {
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

/// Set in an event's kind word when its payload is in [`Batch::own`] rather
/// than in [`Batch::data`].
pub const KIND_OWN_PAYLOAD: u32 = 0x100;

/// Payloads at least this large travel in their own buffer: they are never
/// copied on the way to JS, and a message does not pin a whole batch.
pub const OWN_PAYLOAD: usize = 64 * 1024;

/// Events of one or more connections, packed for one crossing into JS: the
/// small payloads back to back in `data`, large ones in `own`, and 5 words
/// per event in `meta`: `connection id, kind, payload length, a, b`.
#[derive(Default)]
pub struct Batch {
    /// The small payloads, in event order.
    pub data: Vec<u8>,
    /// The event descriptions.
    pub meta: Vec<u32>,
    /// The large payloads, in event order (kind has [`KIND_OWN_PAYLOAD`]).
    pub own: Vec<Vec<u8>>,
}

/// Words per event in [`Batch::meta`].
pub const BATCH_STRIDE: usize = 5;

impl Batch {
    /// Appends one event.
    pub fn push(&mut self, id: u32, kind: u32, a: u32, b: u32, payload: Vec<u8>) {
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        self.reserve_meta();
        if payload.len() >= OWN_PAYLOAD {
            self.meta
                .extend_from_slice(&[id, kind | KIND_OWN_PAYLOAD, len, a, b]);
            self.own.push(payload);
        } else {
            self.meta.extend_from_slice(&[id, kind, len, a, b]);
            self.data.extend_from_slice(&payload);
        }
    }

    /// Appends one event with a borrowed payload.
    pub fn push_slice(&mut self, id: u32, kind: u32, a: u32, b: u32, payload: &[u8]) {
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        self.reserve_meta();
        self.meta.extend_from_slice(&[id, kind, len, a, b]);
        self.data.extend_from_slice(payload);
    }

    /// Room for a few events at the first push: a read usually yields
    /// several, and batches are not kept between reads.
    fn reserve_meta(&mut self) {
        if self.meta.capacity() == 0 {
            self.meta.reserve(BATCH_STRIDE * 8);
        }
    }

    /// Moves every event of `other` to the end of this batch.
    pub fn append(&mut self, other: &mut Batch) {
        if self.meta.is_empty() {
            std::mem::swap(self, other);
            return;
        }
        self.meta.append(&mut other.meta);
        self.data.extend_from_slice(&other.data);
        other.data.clear();
        self.own.append(&mut other.own);
    }

    /// True when no event is queued.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }
}
