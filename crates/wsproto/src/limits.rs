//! Receive limits and send options, checked before any payload memory is reserved.

/// Limits on what the peer may send, and how we fragment what we send.
/// Defaults follow `websocket` 1.0.35 (server config in `WebSocketServer.js`,
/// client config in `WebSocketClient.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted frame payload, in bytes, compared with the length in the
    /// header before anything is allocated; above it the connection fails with 1009.
    /// Server default 0x10000 (64 KiB), client default 0x100000 (1 MiB).
    /// `websocket` option: `maxReceivedFrameSize`.
    pub max_frame_size: u64,
    /// Largest accepted message, in bytes (sum of its fragments, checked from each
    /// frame header before the buffer grows); above it the connection fails with 1009.
    /// Server default 0x100000 (1 MiB), client default 0x800000 (8 MiB).
    /// `websocket` option: `maxReceivedMessageSize` (which `websocket` applies to
    /// fragmented messages only; we apply it to every message).
    pub max_message_size: u64,
    /// Most frames one message may be split into, or `None` for no cap; above it
    /// the connection fails with 1009. Default `None` for server and client, as
    /// in `websocket`, which accepts any fragmentation within
    /// `maxReceivedMessageSize` (a default cap breaks valid traffic: Autobahn
    /// 9.3.1 sends 4 MiB in 65536 fragments). Without a cap memory stays bounded
    /// by `max_message_size`: fragments are joined into one buffer, and a frame,
    /// empty or not, allocates nothing of its own. Opt-in option
    /// `maxFragmentsPerMessage` (websocket-rs only; 0 or unset means no cap).
    pub max_fragments: Option<usize>,
    /// Whether fragments are joined into [`Event::Message`](crate::Event::Message)
    /// events (true) or every frame is reported as
    /// [`Event::Frame`](crate::Event::Frame) (false). Default true for both.
    /// `websocket` option: `assembleFragments`.
    pub assemble_fragments: bool,
    /// Whether outgoing messages longer than `fragmentation_threshold` are split.
    /// Default true for both. `websocket` option: `fragmentOutgoingMessages`.
    pub fragment_outgoing: bool,
    /// Payload bytes per outgoing fragment. Default 0x4000 (16 KiB) for both.
    /// `websocket` option: `fragmentationThreshold`. At least 1: the binding
    /// rejects 0, which `websocket` would turn into endless empty fragments.
    pub fragmentation_threshold: usize,
}

impl Limits {
    /// `websocket`'s server defaults.
    pub fn server() -> Limits {
        Limits {
            max_frame_size: 0x10000,
            max_message_size: 0x100000,
            max_fragments: None,
            assemble_fragments: true,
            fragment_outgoing: true,
            fragmentation_threshold: 0x4000,
        }
    }

    /// `websocket`'s client defaults.
    pub fn client() -> Limits {
        Limits {
            max_frame_size: 0x100000,
            max_message_size: 0x800000,
            ..Limits::server()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn defaults_match_websocket() {
        let s = Limits::server();
        assert_eq!((s.max_frame_size, s.max_message_size), (65536, 1048576));
        let c = Limits::client();
        assert_eq!((c.max_frame_size, c.max_message_size), (1048576, 8388608));
        for l in [s, c] {
            assert_eq!(l.max_fragments, None);
            assert!(l.assemble_fragments && l.fragment_outgoing);
            assert_eq!(l.fragmentation_threshold, 16384);
        }
    }
}
