//! Sans-I/O WebSocket protocol core (RFC 6455) for `websocket-rs`.
//!
//! Bytes go in, events and bytes to send come out. Nothing here blocks,
//! performs I/O, reads a clock or uses `unsafe`. The I/O drivers in the
//! addon (tokio-owned sockets, or a Node-owned socket feeding chunks) sit on
//! top of this one core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod handshake;
pub mod rng;
