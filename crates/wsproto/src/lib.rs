//! Sans-I/O WebSocket protocol core (RFC 6455) for `websocket-rs`.
//!
//! Bytes go in, events and bytes to send come out. Nothing here blocks,
//! performs I/O, reads a clock or uses `unsafe`. The I/O drivers in the
//! addon (sockets Rust drives on Node's own event loop, or a Node-owned socket
//! feeding chunks) sit on top of this one core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod broadcast;
pub mod close;
pub mod connection;
pub mod deflate;
pub mod error;
pub mod event;
pub mod frame;
pub mod handshake;
pub mod limits;
pub mod mask;
pub mod message;
pub mod opcode;
pub mod rng;
pub mod role;
pub mod state;
pub mod utf8;

pub use connection::Connection;
pub use error::ProtocolError;
pub use event::Event;
pub use frame::{decode_header, encode_frame, FrameHeader, HeaderDecode};
pub use limits::Limits;
pub use mask::apply_mask;
pub use message::MessageAssembler;
pub use opcode::OpCode;
pub use rng::{ConstRng, FixedRng, MaskRng};
pub use role::Role;
pub use state::State;
pub use utf8::{Utf8Error, Utf8Validator};
