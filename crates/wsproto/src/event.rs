//! What the core reports after parsing received bytes.

/// One thing that happened on the connection, in wire order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A complete message (`assemble_fragments` = true). Text is already
    /// validated UTF-8.
    Message {
        /// Binary (opcode 0x2) rather than text (0x1).
        binary: bool,
        /// The unmasked payload of all fragments.
        data: Vec<u8>,
    },
    /// Every received frame when `assemble_fragments` = false; control frames
    /// are reported too and are also handled as usual. For close frames,
    /// `payload` excludes the 2-byte status, which is in `close_status`.
    Frame {
        /// FIN bit.
        fin: bool,
        /// RSV1 bit.
        rsv1: bool,
        /// RSV2 bit.
        rsv2: bool,
        /// RSV3 bit.
        rsv3: bool,
        /// The opcode.
        opcode: u8,
        /// The unmasked payload.
        payload: Vec<u8>,
        /// The status code of a close frame that carries one.
        close_status: Option<u16>,
    },
    /// A ping with its payload (already answered when auto-pong is on).
    Ping(Vec<u8>),
    /// A pong with its payload.
    Pong(Vec<u8>),
    /// The peer started the close handshake; our reply (1000, or 1002 for an
    /// invalid code or a 1-byte payload) is queued; state `PeerRequestedClose`.
    /// The driver flushes and ends the socket; the final 'close' event comes
    /// from [`Connection::transport_closed`](crate::Connection::transport_closed).
    CloseRequested {
        /// The peer's status code, if its close frame had one.
        code: Option<u16>,
        /// The peer's reason, or `websocket`'s description of the code.
        reason: String,
    },
    /// The peer answered our close frame; state `Closed`; the driver ends the socket.
    CloseCompleted,
    /// The peer broke the protocol or a limit: a close frame with `code` is
    /// queued, state `Closed`, no more events. The driver emits 'close'(code,
    /// reason) now, flushes and ends the socket. `reason` is the
    /// [`ProtocolError`](crate::ProtocolError) text.
    Dropped {
        /// The close code sent (1002, 1007 or 1009).
        code: u16,
        /// The error text.
        reason: String,
    },
}
