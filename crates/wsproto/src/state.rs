//! Connection states, named after RFC 6455 §7 and shown by `connection.state`.

/// Where the connection is in its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Handshake done; data flows both ways.
    Open,
    /// The peer sent a close frame and we queued our reply (RFC 6455 §5.5.1).
    PeerRequestedClose,
    /// We sent a close frame and wait for the peer's (RFC 6455 §7.1.2).
    Ending,
    /// The close handshake finished, the connection failed, or the transport closed.
    Closed,
}

impl State {
    /// The string `websocket` exposes as `connection.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::PeerRequestedClose => "peer_requested_close",
            State::Ending => "ending",
            State::Closed => "closed",
        }
    }

    /// Whether we may send data and control frames (nothing after our close frame, RFC 6455 §5.5.1).
    pub fn accepts_data(self) -> bool {
        self == State::Open
    }

    /// Whether incoming frames are still parsed: while open, and while we wait for
    /// the peer's close reply (the peer may still send data before it, RFC 6455 §7.1.2).
    pub fn receives_frames(self) -> bool {
        matches!(self, State::Open | State::Ending)
    }

    /// Whether a close frame may still be sent (`websocket`'s `sendCloseFrame` rule).
    pub fn can_send_close(self) -> bool {
        matches!(self, State::Open | State::PeerRequestedClose)
    }

    /// Whether a close handshake has started or finished.
    pub fn is_closing_or_closed(self) -> bool {
        self != State::Open
    }

    /// Whether the connection is finished.
    pub fn is_closed(self) -> bool {
        self == State::Closed
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn strings_and_predicates() {
        let all = [
            State::Open,
            State::PeerRequestedClose,
            State::Ending,
            State::Closed,
        ];
        let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["open", "peer_requested_close", "ending", "closed"]);
        assert_eq!(all.map(State::accepts_data), [true, false, false, false]);
        assert_eq!(all.map(State::receives_frames), [true, false, true, false]);
        assert_eq!(all.map(State::can_send_close), [true, true, false, false]);
        assert_eq!(all.map(State::is_closed), [false, false, false, true]);
        assert_eq!(
            all.map(State::is_closing_or_closed),
            [false, true, true, true]
        );
        assert_eq!(State::Ending.to_string(), "ending");
    }
}
