//! Replays the committed fuzz seeds (tests/corpus/<target>/) through the frame
//! parser and through a Connection in both roles, whole and split: no panic,
//! and every failure is a Dropped event with a close code allowed on the wire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use wsproto::close::is_valid_wire_code;
use wsproto::{decode_header, Connection, Event, FixedRng, HeaderDecode, Limits, Role, State};

fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for target in ["frame_parser", "connection_server", "connection_client"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(target))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 20, "{target}: {} seeds", files.len());
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, frames_of(target, bytes)));
        }
    }
    out
}

/// The frames in a seed: the connection targets read byte 0 as the size of
/// the pieces the rest is fed in (`fuzz/harness/connection_*.rs`).
fn frames_of(target: &str, mut seed: Vec<u8>) -> Vec<u8> {
    if target.starts_with("connection_") {
        seed.remove(0);
    }
    seed
}

/// Runs `input` (split into `pieces`) through one connection with the role's
/// default limits and checks the outcome.
fn replay(role: Role, input: &[u8], cuts: &[usize]) -> Vec<Event> {
    let limits = match role {
        Role::Server => Limits::server(),
        Role::Client => Limits::client(),
    };
    replay_with(role, limits, input, cuts)
}

fn replay_with(role: Role, limits: Limits, input: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut c = Connection::new(role, limits, Box::new(FixedRng::new(7)));
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&input.len())) {
        c.receive(&input[start..cut]);
        start = cut;
    }
    let events: Vec<Event> = std::iter::from_fn(|| c.poll_event()).collect();
    for (i, event) in events.iter().enumerate() {
        if let Event::Dropped { code, reason } = event {
            assert!(is_valid_wire_code(*code), "code {code}");
            assert!(matches!(code, 1002 | 1007 | 1009), "code {code}");
            assert!(!reason.is_empty());
            assert_eq!(i, events.len() - 1, "Dropped is the last event");
            assert_eq!(c.state(), State::Closed);
            assert!(c.has_outgoing(), "a close frame is queued");
        }
    }
    let _ = c.take_outgoing();
    let (code, _) = c.transport_closed();
    assert_eq!(c.close_reason_code(), Some(code));
    events
}

#[test]
fn seeds_replay_in_both_roles() {
    let mut dropped = 0;
    let mut messages = 0;
    for (path, input) in seeds() {
        for role in [Role::Server, Role::Client] {
            let whole = replay(role, &input, &[]);
            dropped += whole
                .iter()
                .filter(|e| matches!(e, Event::Dropped { .. }))
                .count();
            messages += whole
                .iter()
                .filter(|e| matches!(e, Event::Message { .. }))
                .count();
            // Split in two and three pieces: the same events.
            for cut in [1, input.len() / 2, input.len().saturating_sub(1)] {
                let cut = cut.min(input.len());
                assert_eq!(
                    replay(role, &input, &[cut]),
                    whole,
                    "{} split {cut}",
                    path.display()
                );
            }
            let (a, b) = (input.len() / 3, 2 * input.len() / 3);
            assert_eq!(replay(role, &input, &[a, b]), whole, "{}", path.display());
        }
    }
    // The corpus exercises both outcomes.
    assert!(
        dropped > 30 && messages > 10,
        "dropped {dropped}, messages {messages}"
    );
}

#[test]
fn seeds_parse_as_frame_sequences() {
    for (path, input) in seeds() {
        let mut rest = input.as_slice();
        while !rest.is_empty() {
            match decode_header(rest) {
                Ok(HeaderDecode::Complete { header, len }) => {
                    let total = (len as u64).saturating_add(header.payload_len);
                    let Ok(total) = usize::try_from(total) else {
                        break;
                    };
                    if total > rest.len() {
                        break;
                    }
                    rest = &rest[total..];
                }
                Ok(HeaderDecode::Incomplete { needed }) => {
                    assert!(needed > 0, "{}", path.display());
                    break;
                }
                Err(e) => {
                    assert!(matches!(e.close_code(), 1002 | 1009), "{}", path.display());
                    break;
                }
            }
        }
    }
}

#[test]
fn specific_seeds_give_their_errors() {
    let seed = |target: &str, name: &str| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/corpus/{target}/{name}.bin"));
        frames_of(target, std::fs::read(path).unwrap())
    };
    let last_code = |events: Vec<Event>| match events.last() {
        Some(Event::Dropped { code, .. }) => Some(*code),
        _ => None,
    };
    for (target, role) in [
        ("connection_server", Role::Server),
        ("connection_client", Role::Client),
    ] {
        let code = |name: &str| last_code(replay(role, &seed(target, name), &[]));
        assert_eq!(code("bad_rsv1"), Some(1002), "{target}");
        assert_eq!(code("bad_utf8"), Some(1007), "{target}");
        assert_eq!(code("bad_frame_too_large"), Some(1009), "{target}");
        assert_eq!(code("bad_wrong_mask_bit"), Some(1002), "{target}");
        assert_eq!(code("text_hello"), None, "{target}");
        // No fragment cap by default (as in websocket); the opt-in cap applies.
        let many = seed(target, "bad_many_fragments");
        assert_eq!(last_code(replay(role, &many, &[])), None, "{target}");
        let capped = Limits {
            max_fragments: Some(64),
            ..Limits::server()
        };
        assert_eq!(
            last_code(replay_with(role, capped, &many, &[])),
            Some(1009),
            "{target}"
        );
    }
}

/// The seeds are in the format the connection harnesses read, for their
/// role: every valid one is parsed without error (a seed misread as another
/// format would fail at its first byte with 1002).
#[test]
fn connection_seeds_suit_their_role() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for (target, role) in [
        ("connection_server", Role::Server),
        ("connection_client", Role::Client),
    ] {
        let mut valid = 0;
        for entry in std::fs::read_dir(root.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let seed = std::fs::read(&path).unwrap();
            assert!(seed.len() > 1, "{target}/{name}: no chunk-size byte");
            let events = replay(role, &frames_of(target, seed), &[]);
            let dropped = events.iter().any(|e| matches!(e, Event::Dropped { .. }));
            if name.starts_with("bad_") || name.starts_with("close_") {
                continue;
            }
            assert!(!dropped, "{target}/{name}: {events:?}");
            valid += 1;
        }
        assert!(valid >= 6, "{target}: {valid} valid seeds");
    }
}
