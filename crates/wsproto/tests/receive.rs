//! Receiving: messages, fragmentation, split input, and every bad input with
//! its close code and exact text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use wsproto::{Event, Limits, Role, State};

/// Feeds `input` and expects the connection to fail with `code` and `text`:
/// one Dropped event last, a close frame with the same code and text queued,
/// state Closed.
fn assert_fails(role: Role, limits: Limits, input: &[u8], code: u16, text: &str) {
    let mut c = with_limits(role, limits);
    c.receive(input);
    let evs = events(&mut c);
    assert_eq!(
        evs.last(),
        Some(&Event::Dropped {
            code,
            reason: text.to_owned()
        }),
        "events {evs:?}"
    );
    assert_eq!(c.state(), State::Closed);
    assert_eq!(c.close_reason_code(), Some(code));
    assert_eq!(c.close_description(), Some(text));
    assert_eq!(outgoing_closes(&mut c), vec![(Some(code), text.to_owned())]);
    // Input after the failure is ignored.
    c.receive(&cf(true, 1, b"late"));
    c.receive(&sf(true, 1, b"late"));
    assert_eq!(events(&mut c), vec![]);
    assert!(!c.has_outgoing());
}

fn server_fails(input: &[u8], code: u16, text: &str) {
    assert_fails(Role::Server, Limits::server(), input, code, text);
}

#[test]
fn single_frame_messages() {
    let mut c = server();
    c.receive(&hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    c.receive(&cf(true, 2, &[0, 1, 2, 255]));
    c.receive(&cf(true, 1, b""));
    assert_eq!(
        events(&mut c),
        vec![text("Hello"), binary(&[0, 1, 2, 255]), text("")]
    );
    assert!(!c.has_outgoing());

    let mut c = client();
    c.receive(&hex("81 05 48 65 6c 6c 6f"));
    assert_eq!(events(&mut c), vec![text("Hello")]);
}

#[test]
fn single_frame_message_is_one_exact_allocation() {
    let mut c = server();
    c.receive(&cf(true, 2, &[7; 1000]));
    match c.poll_event() {
        Some(Event::Message { data, .. }) => {
            assert_eq!((data.len(), data.capacity()), (1000, 1000))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fragmented_messages_with_interleaved_control_frames() {
    let mut c = client();
    // RFC 6455 §5.7 fragmented "Hello", with a ping between the fragments (§5.4).
    c.receive(&hex("01 03 48 65 6c 89 00 80 02 6c 6f"));
    assert_eq!(events(&mut c), vec![Event::Ping(vec![]), text("Hello")]);
    let mut c = server();
    let mut input = cf(false, 2, b"ab");
    input.extend(cf(false, 0, b""));
    input.extend(cf(false, 0, b"cd"));
    input.extend(cf(true, 10, b"p"));
    input.extend(cf(true, 0, b"e"));
    c.receive(&input);
    assert_eq!(
        events(&mut c),
        vec![Event::Pong(b"p".to_vec()), binary(b"abcde")]
    );
}

#[test]
fn utf8_may_be_split_across_fragments() {
    let euro = "€".as_bytes();
    let mut c = server();
    let mut input = cf(false, 1, &euro[..1]);
    input.extend(cf(false, 0, &euro[1..2]));
    input.extend(cf(true, 0, &euro[2..]));
    c.receive(&input);
    assert_eq!(events(&mut c), vec![text("€")]);
}

/// A stream of several frame kinds, as a client sends it.
fn mixed_stream() -> (Vec<u8>, Vec<Event>) {
    let mut input = cf(true, 1, "héllo".as_bytes());
    input.extend(cf(true, 9, b"ping!"));
    input.extend(cf(false, 2, &[1, 2, 3]));
    input.extend(cf(false, 0, &[4; 130]));
    input.extend(cf(true, 0, &[5]));
    input.extend(cf(true, 2, &[9; 300]));
    input.extend(cf(true, 1, b""));
    input.extend(cf(true, 8, &close_payload(1000, "bye")));
    let mut big = vec![1, 2, 3];
    big.extend([4; 130]);
    big.push(5);
    let expected = vec![
        text("héllo"),
        Event::Ping(b"ping!".to_vec()),
        binary(&big),
        binary(&[9; 300]),
        text(""),
        Event::CloseRequested {
            code: Some(1000),
            reason: "bye".into(),
        },
    ];
    (input, expected)
}

#[test]
fn input_split_at_every_byte_position() {
    let (input, expected) = mixed_stream();
    let mut whole = server();
    whole.receive(&input);
    let whole_out = whole.take_outgoing();
    assert_eq!(events(&mut whole), expected);
    for cut in 0..=input.len() {
        let mut c = server();
        c.receive(&input[..cut]);
        c.receive(&input[cut..]);
        assert_eq!(events(&mut c), expected, "cut at {cut}");
        assert_eq!(c.take_outgoing(), whole_out, "cut at {cut}");
    }
}

#[test]
fn input_one_byte_at_a_time_and_in_three_pieces() {
    let (input, expected) = mixed_stream();
    let mut c = server();
    for b in &input {
        c.receive(std::slice::from_ref(b));
    }
    assert_eq!(events(&mut c), expected);
    for a in (0..input.len()).step_by(7) {
        for b in (a..input.len()).step_by(11) {
            let mut c = server();
            c.receive(&input[..a]);
            c.receive(&input[a..b]);
            c.receive(&input[b..]);
            assert_eq!(events(&mut c), expected, "cuts {a} {b}");
        }
    }
}

#[test]
fn rsv_bits_without_extension() {
    for rsv in 1..8 {
        server_fails(
            &frame_bits(true, rsv, 1, Some(KEY), b"x"),
            1002,
            "Unsupported usage of rsv bits without negotiated extension.",
        );
    }
}

#[test]
fn reserved_opcodes() {
    for op in [3u8, 4, 5, 6, 7] {
        server_fails(
            &cf(true, op, b""),
            1002,
            &format!("Unrecognized Opcode: 0x{op}"),
        );
    }
    for (op, hexdigit) in [(0xbu8, "b"), (0xc, "c"), (0xd, "d"), (0xe, "e"), (0xf, "f")] {
        server_fails(
            &cf(true, op, b""),
            1002,
            &format!("Unrecognized Opcode: 0x{hexdigit}"),
        );
    }
}

#[test]
fn control_frame_rules() {
    server_fails(
        &cf(true, 9, &[0; 126]),
        1002,
        "Illegal control frame longer than 125 bytes.",
    );
    server_fails(
        &hex("88 fe"),
        1002,
        "Illegal control frame longer than 125 bytes.",
    );
    server_fails(
        &cf(false, 9, b""),
        1002,
        "Control frames must not be fragmented.",
    );
    server_fails(
        &cf(false, 8, b""),
        1002,
        "Control frames must not be fragmented.",
    );
    // A 125-byte ping is fine.
    let mut c = server();
    c.receive(&cf(true, 9, &[1; 125]));
    assert_eq!(events(&mut c), vec![Event::Ping(vec![1; 125])]);
}

#[test]
fn sixty_four_bit_length_with_top_bit() {
    server_fails(
        &hex("82 ff 80 00 00 00 00 00 00 00"),
        1002,
        "Invalid 64-bit frame length: the most significant bit must be 0.",
    );
}

#[test]
fn frame_size_limit_is_checked_from_the_header() {
    // Only the header arrives: the limit is enforced before any payload.
    server_fails(
        &hex("82 ff 00 00 00 00 00 01 00 01 01 02 03 04"),
        1009,
        "Frame size of 65537 bytes exceeds maximum accepted frame size",
    );
    server_fails(
        &hex("82 ff 7f ff ff ff ff ff ff ff 01 02 03 04"),
        1009,
        "Frame size of 9223372036854775807 bytes exceeds maximum accepted frame size",
    );
    assert_fails(
        Role::Client,
        Limits::client(),
        &hex("82 7f 00 00 00 00 00 10 00 01"),
        1009,
        "Frame size of 1048577 bytes exceeds maximum accepted frame size",
    );
    // Exactly at the limit is accepted.
    let mut c = server();
    c.receive(&cf(true, 2, &vec![3; 65536]));
    assert_eq!(events(&mut c), vec![binary(&vec![3; 65536])]);
}

#[test]
fn masking_rules() {
    server_fails(
        &sf(true, 1, b"hi"),
        1002,
        "Received an unmasked frame from the client.",
    );
    assert_fails(
        Role::Client,
        Limits::client(),
        &cf(true, 1, b"hi"),
        1002,
        "Received a masked frame from the server.",
    );
}

#[test]
fn fragment_sequence_rules() {
    server_fails(&cf(true, 0, b"x"), 1002, "Unexpected Continuation Frame");
    let mut input = cf(false, 1, b"a");
    input.extend(cf(true, 1, b"b"));
    server_fails(
        &input,
        1002,
        "Illegal frame opcode 0x1 received in middle of fragmented message.",
    );
    let mut input = cf(false, 2, b"a");
    input.extend(cf(false, 2, b"b"));
    server_fails(
        &input,
        1002,
        "Illegal frame opcode 0x2 received in middle of fragmented message.",
    );
}

#[test]
fn message_size_limit() {
    let limits = Limits {
        max_message_size: 10,
        ..Limits::server()
    };
    let mut input = cf(false, 2, &[0; 6]);
    input.extend(cf(true, 0, &[0; 5]));
    assert_fails(
        Role::Server,
        limits.clone(),
        &input,
        1009,
        "Maximum message size exceeded.",
    );
    // A single frame over the message limit fails too (we check every message).
    assert_fails(
        Role::Server,
        limits.clone(),
        &cf(true, 1, &[b'a'; 11]),
        1009,
        "Maximum message size exceeded.",
    );
    // Exactly at the limit is accepted.
    let mut c = with_limits(Role::Server, limits);
    let mut input = cf(false, 2, &[0; 6]);
    input.extend(cf(true, 0, &[0; 4]));
    c.receive(&input);
    assert_eq!(events(&mut c), vec![binary(&[0; 10])]);
}

#[test]
fn message_size_is_checked_before_the_payload_arrives() {
    let limits = Limits {
        max_message_size: 100,
        ..Limits::server()
    };
    let mut c = with_limits(Role::Server, limits);
    c.receive(&cf(false, 2, &[0; 60]));
    // Header of a 60-byte continuation only: 120 > 100 fails now.
    c.receive(&hex("00 bc 01 02 03 04"));
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Dropped { code: 1009, .. })
    ));
}

#[test]
fn fragment_count_limit() {
    let limits = Limits {
        max_fragments: Some(4),
        ..Limits::server()
    };
    let mut ok = cf(false, 1, b"a");
    for _ in 0..2 {
        ok.extend(cf(false, 0, b""));
    }
    ok.extend(cf(true, 0, b"b"));
    let mut c = with_limits(Role::Server, limits.clone());
    c.receive(&ok);
    assert_eq!(events(&mut c), vec![text("ab")]);

    let mut input = cf(false, 1, b"a");
    for _ in 0..4 {
        input.extend(cf(false, 0, b""));
    }
    assert_fails(
        Role::Server,
        limits,
        &input,
        1009,
        "Maximum number of message fragments (4) exceeded.",
    );
    assert_eq!(Limits::server().max_fragments, None);
}

#[test]
fn invalid_utf8() {
    server_fails(
        &cf(true, 1, &[0x61, 0xff]),
        1007,
        "Invalid UTF-8 Data Received",
    );
    server_fails(
        &cf(true, 1, &[0xed, 0xa0, 0x80]),
        1007,
        "Invalid UTF-8 Data Received",
    );
    // A message that ends inside a sequence.
    let mut input = cf(false, 1, b"ok");
    input.extend(cf(true, 0, &[0xe2, 0x82]));
    server_fails(&input, 1007, "Invalid UTF-8 Data Received");
    // Binary data is not checked.
    let mut c = server();
    c.receive(&cf(true, 2, &[0xff]));
    assert_eq!(events(&mut c), vec![binary(&[0xff])]);
}

#[test]
fn invalid_utf8_fails_fast_mid_message() {
    // Autobahn 6.4.x: fail on the first bad byte, before the message (or even the
    // frame) is complete.
    let mut c = server();
    c.receive(&cf(false, 1, "κόσμε".as_bytes()));
    assert_eq!(events(&mut c), vec![]);
    c.receive(&cf(false, 0, &[0xf4]));
    assert_eq!(events(&mut c), vec![]);
    c.receive(&cf(false, 0, &[0x90]));
    assert!(matches!(
        events(&mut c).as_slice(),
        [Event::Dropped { code: 1007, .. }]
    ));

    // Within one frame whose payload is still arriving.
    let mut c = server();
    let frame = cf(true, 1, &[b'a', b'b', 0xc0, 0xaf, b'c', b'd', b'e', b'f']);
    c.receive(&frame[..10]); // header (6) + 4 payload bytes
    assert!(matches!(
        events(&mut c).as_slice(),
        [Event::Dropped { code: 1007, .. }]
    ));
}

#[test]
fn unassembled_frames_are_reported_one_by_one() {
    let limits = Limits {
        assemble_fragments: false,
        ..Limits::server()
    };
    let mut c = with_limits(Role::Server, limits);
    let mut input = cf(true, 1, b"hi");
    input.extend(cf(false, 1, b"hell"));
    input.extend(cf(false, 0, b"o wo"));
    input.extend(cf(true, 0, b"rld"));
    input.extend(cf(true, 9, b"p"));
    input.extend(cf(true, 8, &close_payload(1001, "away")));
    c.receive(&input);
    let frame = |fin, opcode, payload: &[u8], close_status| Event::Frame {
        fin,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        payload: payload.to_vec(),
        close_status,
    };
    assert_eq!(
        events(&mut c),
        vec![
            frame(true, 1, b"hi", None),
            frame(false, 1, b"hell", None),
            frame(false, 0, b"o wo", None),
            frame(true, 0, b"rld", None),
            frame(true, 9, b"p", None),
            Event::Ping(b"p".to_vec()),
            frame(true, 8, b"away", Some(1001)),
            Event::CloseRequested {
                code: Some(1001),
                reason: "away".into()
            },
        ]
    );
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].opcode, out[0].payload.as_slice()), (0xa, &b"p"[..]));
    assert_eq!(
        (out[1].opcode, out[1].payload.as_slice()),
        (8, &hex("03e8")[..])
    );
}

#[test]
fn client_masked_input_and_server_unmasked_input_interoperate() {
    // What a server sends, a client parses, and the other way round.
    let mut s = server();
    let mut cl = client();
    assert!(cl.send_message(false, "from client ✓".as_bytes()));
    s.receive(&cl.take_outgoing());
    assert_eq!(events(&mut s), vec![text("from client ✓")]);
    assert!(s.send_message(true, &[1, 2, 3]));
    cl.receive(&s.take_outgoing());
    assert_eq!(events(&mut cl), vec![binary(&[1, 2, 3])]);
}

#[test]
fn deferred_failure_lets_replies_to_earlier_messages_go_first() {
    // RFC 6455 §7.1.7 with set_defer_failure: a message, then a frame with a
    // reserved opcode, in one read. The message and Dropped are reported, the
    // state stays Open until the driver drops, so the echo precedes the close.
    let mut c = server();
    c.set_defer_failure(true);
    let mut input = cf(true, 1, b"hi");
    input.extend_from_slice(&cf(true, 3, b"x"));
    input.extend_from_slice(&cf(true, 1, b"ignored"));
    c.receive(&input);
    let evs = events(&mut c);
    assert_eq!(evs.len(), 2, "events {evs:?}");
    assert_eq!(evs[0], text("hi"));
    let Event::Dropped { code, reason } = &evs[1] else {
        panic!("expected Dropped, got {evs:?}");
    };
    assert_eq!(*code, 1002);
    assert_eq!(c.state(), State::Open);
    assert!(!c.has_outgoing(), "no close frame before the driver drops");
    assert!(c.send_message(false, b"hi"));
    c.receive(&cf(true, 1, b"late"));
    assert_eq!(events(&mut c), vec![], "input after the failure is ignored");
    c.drop_connection(*code, reason, false);
    assert_eq!(c.state(), State::Closed);
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(out.len(), 2, "the echo, then the close frame");
    assert_eq!(out[0].opcode, 1);
    assert_eq!(out[0].payload, b"hi".to_vec());
    assert_eq!(out[1].opcode, 8);
    assert_eq!(&out[1].payload[..2], &1002u16.to_be_bytes());
}
