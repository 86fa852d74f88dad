//! Sending: messages and outgoing fragmentation, raw frames, ping/pong and
//! auto-pong, and the outgoing buffer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use wsproto::{Connection, ConstRng, Event, Limits, Role};

#[test]
fn server_messages_are_unmasked() {
    let mut c = server();
    assert!(c.send_message(false, b"Hello"));
    assert!(c.send_message(true, b""));
    assert_eq!(to_hex(&c.take_outgoing()), "810548656c6c6f8200");
}

#[test]
fn client_messages_are_masked_with_rng_keys() {
    let mut c = Connection::new(
        Role::Client,
        Limits::client(),
        Box::new(ConstRng([0x37, 0xfa, 0x21, 0x3d])),
    );
    assert!(c.send_message(false, b"Hello"));
    assert_eq!(to_hex(&c.take_outgoing()), "818537fa213d7f9f4d5158");
}

#[test]
fn outgoing_fragmentation() {
    let limits = Limits {
        fragmentation_threshold: 4,
        ..Limits::server()
    };
    let mut c = with_limits(Role::Server, limits.clone());
    c.send_message(false, b"0123456789");
    // ceil(10 / 4) = 3 frames.
    assert_eq!(
        to_hex(&c.take_outgoing()),
        "010430313233".to_owned() + "000434353637" + "80023839"
    );
    c.send_message(true, b"0123");
    assert_eq!(
        to_hex(&c.take_outgoing()),
        "820430313233",
        "exactly the threshold: one frame"
    );
    c.send_message(true, b"01234567");
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(
        out.iter().map(|f| (f.fin, f.opcode)).collect::<Vec<_>>(),
        [(false, 2), (true, 0)]
    );

    let mut c = with_limits(
        Role::Server,
        Limits {
            fragment_outgoing: false,
            ..limits
        },
    );
    c.send_message(false, b"0123456789");
    assert_eq!(parse_outgoing(&c.take_outgoing()).len(), 1);

    // Defaults: 16 KiB fragments, each masked with its own key on the client.
    let mut c = client();
    c.send_message(true, &vec![7u8; 40_000]);
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(
        out.iter().map(|f| f.payload.len()).collect::<Vec<_>>(),
        [16384, 16384, 7232]
    );
    assert!(out
        .iter()
        .all(|f| f.masked && f.payload.iter().all(|b| *b == 7)));
}

#[test]
fn fragments_reassemble_on_the_other_side() {
    let mut tx = with_limits(
        Role::Client,
        Limits {
            fragmentation_threshold: 3,
            ..Limits::client()
        },
    );
    let mut rx = server();
    tx.send_message(false, "fragmented ✓ text".as_bytes());
    rx.receive(&tx.take_outgoing());
    assert_eq!(events(&mut rx), vec![text("fragmented ✓ text")]);
}

#[test]
fn raw_frames() {
    let mut c = server();
    assert!(c.send_frame(true, false, false, false, 8, b"x", Some(1000)));
    assert_eq!(to_hex(&c.take_outgoing()), "880303e878");
    assert!(c.send_frame(false, true, false, true, 0x1, b"", None));
    assert_eq!(to_hex(&c.take_outgoing()), "5100");
    assert!(c.send_frame(true, false, false, false, 0x19, b"", None));
    assert_eq!(to_hex(&c.take_outgoing()), "8900", "opcode & 0xF");
    assert!(c.send_frame(true, false, false, false, 8, b"", None));
    assert_eq!(to_hex(&c.take_outgoing()), "8800", "close without status");
    assert!(c.send_frame(true, false, false, false, 2, b"ab", Some(1000)));
    assert_eq!(
        to_hex(&c.take_outgoing()),
        "82026162",
        "status only for close frames"
    );
    let mut c = client();
    c.send_frame(true, false, false, false, 2, b"ab", None);
    assert_eq!(to_hex(&c.take_outgoing()), "8282010203046060");
}

#[test]
fn ping_and_pong() {
    let mut c = server();
    assert!(c.ping(b"hi"));
    assert!(c.pong(b""));
    assert_eq!(to_hex(&c.take_outgoing()), "890268698a00");
    // Over 125 bytes: cut to 125 (RFC 6455 §5.5).
    c.ping(&[1; 200]);
    c.pong(&[2; 126]);
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!((out[0].opcode, out[0].payload.len()), (9, 125));
    assert_eq!((out[1].opcode, out[1].payload.len()), (10, 125));
}

#[test]
fn auto_pong_on_and_off() {
    let mut c = server();
    c.receive(&cf(true, 9, b"hello"));
    assert_eq!(events(&mut c), vec![Event::Ping(b"hello".to_vec())]);
    assert_eq!(to_hex(&c.take_outgoing()), "8a0568656c6c6f");

    let mut c = client();
    c.receive(&sf(true, 9, b"x"));
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(
        (out[0].opcode, out[0].payload.clone(), out[0].masked),
        (10, b"x".to_vec(), true)
    );

    let mut c = server();
    c.set_auto_pong(false);
    c.receive(&cf(true, 9, b"hello"));
    assert_eq!(events(&mut c), vec![Event::Ping(b"hello".to_vec())]);
    assert!(!c.has_outgoing());
    // A received pong is only reported.
    c.receive(&cf(true, 10, b"p"));
    assert_eq!(events(&mut c), vec![Event::Pong(b"p".to_vec())]);
    assert!(!c.has_outgoing());
}

#[test]
fn outgoing_buffer() {
    let mut c = server();
    assert!(!c.has_outgoing());
    c.send_message(false, b"a");
    c.send_message(false, b"b");
    assert_eq!(c.outgoing_len(), 6);
    let mut out = Vec::new();
    c.take_outgoing_into(&mut out);
    assert_eq!(to_hex(&out), "810161810162");
    assert_eq!(c.outgoing_len(), 0);
    c.send_message(false, b"c");
    c.take_outgoing_into(&mut out);
    assert_eq!(to_hex(&out), "810161810162810163", "appends");
    assert!(!c.has_outgoing());
    assert_eq!(c.take_outgoing(), Vec::<u8>::new());
}

#[test]
fn broadcast_frames_are_the_bytes_send_message_queues() {
    // encode_server_message + send_encoded must put on the wire exactly what
    // send_message does, fragmented or not, and nothing after a close.
    for (len, fragment) in [
        (0usize, true),
        (10, true),
        (0x4000, true),
        (0x4001, true),
        (40000, true),
        (40000, false),
    ] {
        let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut limits = Limits::server();
        limits.fragment_outgoing = fragment;
        for binary in [false, true] {
            let mut a = with_limits(Role::Server, limits.clone());
            assert!(a.send_message(binary, &payload));
            let mut b = with_limits(Role::Server, limits.clone());
            let frames = wsproto::broadcast::encode_server_message(&limits, binary, &payload);
            assert!(b.send_encoded(&frames));
            assert_eq!(
                a.take_outgoing(),
                b.take_outgoing(),
                "len {len} fragment {fragment}"
            );
        }
    }
    let mut closed = server();
    closed.close(1000, "").unwrap();
    closed.take_outgoing();
    assert!(!closed.send_encoded(b"\x81\x00"));
    assert!(!closed.has_outgoing());
    let mut c = client();
    assert!(
        !c.send_encoded(b"\x81\x00"),
        "a client never sends unmasked frames"
    );
}
