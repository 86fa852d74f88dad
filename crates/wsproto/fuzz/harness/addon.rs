//! Drives a `Connection` the way the addon does (`src/binding/connection.rs`
//! and the shim): deferred failure on, the role's default limits (or an opt-in
//! variant), fragment assembly on or off, auto-pong on or off, and received
//! bytes interleaved with sends, pings, local closes, event handling that
//! calls `accept_peer_close` / `drop_connection`, the close timeout and the
//! transport closing, all chosen by the input.
//!
//! Checks: nothing panics; a `Dropped` event carries 1002, 1007 or 1009 and
//! is the last event; everything we write parses cleanly at a peer of the
//! other role (our frames are always valid RFC 6455); the final close code
//! matches what `transport_closed` reports.
//!
//! Input: byte 0 holds the configuration bits (see `config`); then a list of
//! operations, each one byte followed by its operands (see `run`).
//!
//! Shared by the fuzz target and by `cargo test` (`tests/fuzz_seeds.rs`), which
//! replays every seed in `tests/corpus/addon/` through this same function.
use wsproto::{Connection, Event, FixedRng, Limits, Role};

/// Reads operands off the front of the input.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        taken
    }
}

fn config(bits: u8) -> (Role, Limits, bool) {
    let role = if bits & 1 != 0 {
        Role::Client
    } else {
        Role::Server
    };
    let mut limits = match role {
        Role::Server => Limits::server(),
        Role::Client => Limits::client(),
    };
    limits.assemble_fragments = bits & 2 == 0;
    if bits & 8 != 0 {
        limits.max_fragments = Some(4);
    }
    if bits & 16 != 0 {
        limits.max_frame_size = 64;
        limits.max_message_size = 256;
    }
    if bits & 32 != 0 {
        limits.fragmentation_threshold = 7;
    }
    if bits & 64 != 0 {
        limits.fragment_outgoing = false;
    }
    (role, limits, bits & 4 == 0)
}

/// The peer: parses everything we send; it must never see a protocol error.
struct Peer(Connection);

impl Peer {
    fn new(our_role: Role) -> Peer {
        let role = match our_role {
            Role::Server => Role::Client,
            Role::Client => Role::Server,
        };
        let limits = Limits {
            max_frame_size: 1 << 40,
            max_message_size: 1 << 40,
            ..Limits::server()
        };
        Peer(Connection::new(role, limits, Box::new(FixedRng::new(2))))
    }
    fn feed(&mut self, bytes: &[u8]) {
        self.0.receive(bytes);
        while let Some(event) = self.0.poll_event() {
            assert!(
                !matches!(event, Event::Dropped { .. }),
                "our output broke the protocol: {event:?}"
            );
        }
    }
}

/// Handles queued events as the shim does.
fn handle_events(c: &mut Connection, dropped: &mut bool) {
    while let Some(event) = c.poll_event() {
        assert!(!*dropped, "an event after Dropped: {event:?}");
        match event {
            Event::Dropped { code, reason } => {
                assert!(matches!(code, 1002 | 1007 | 1009), "code {code}");
                assert!(!reason.is_empty());
                c.drop_connection(code, &reason, false);
                *dropped = true;
            }
            Event::CloseRequested { .. } => c.accept_peer_close(),
            Event::Message {
                binary: false,
                data,
            } => {
                assert!(std::str::from_utf8(&data).is_ok());
            }
            _ => {}
        }
    }
}

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let mut input = Input(data);
    let Some(bits) = input.byte() else {
        return;
    };
    let (role, limits, auto_pong) = config(bits);
    let mut c = Connection::new(role, limits, Box::new(FixedRng::new(1)));
    c.set_defer_failure(true);
    c.set_auto_pong(auto_pong);
    let mut peer = Peer::new(role);
    let mut dropped = false;
    while let Some(op) = input.byte() {
        let n = usize::from(op >> 3);
        match op & 7 {
            0..=2 => {
                let len = usize::from(input.byte().unwrap_or(0)) + n * 256;
                c.receive(input.bytes(len));
            }
            3 => {
                let payload = input.bytes(n * 8);
                if op & 0x80 != 0 {
                    c.send_message(true, payload);
                } else {
                    c.send_message(false, String::from_utf8_lossy(payload).as_bytes());
                }
            }
            4 => {
                let payload = input.bytes(n * 5);
                if op & 0x80 != 0 {
                    c.pong(payload);
                } else {
                    c.ping(payload);
                }
            }
            5 => {
                let code =
                    u16::from_be_bytes([input.byte().unwrap_or(3), input.byte().unwrap_or(0xe8)]);
                let reason = String::from_utf8_lossy(input.bytes(n * 5)).into_owned();
                let _ = c.close(code, &reason);
            }
            6 => handle_events(&mut c, &mut dropped),
            _ => match n % 4 {
                0 => c.close_timeout_elapsed(),
                1 => c.drop_connection(1000, "dropped by the application", n & 4 != 0),
                2 => c.set_auto_pong(n & 4 != 0),
                _ => break,
            },
        }
        peer.feed(&c.take_outgoing());
    }
    handle_events(&mut c, &mut dropped);
    peer.feed(&c.take_outgoing());
    let (code, _) = c.transport_closed();
    assert_eq!(c.close_reason_code(), Some(code));
    let _ = c.take_outgoing();
}
