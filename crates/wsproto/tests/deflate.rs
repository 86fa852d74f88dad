//! permessage-deflate (RFC 7692) on the connection: the §7.2.3 examples,
//! RSV1 rules, context takeover, window sizes, limits while inflating.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use wsproto::deflate::{Agreement, CompressionOptions, PerMessageDeflate, EMPTY_BLOCK_TAIL};
use wsproto::{Connection, ConstRng, Event, Limits, Role};

fn with_deflate(role: Role, limits: Limits, agreement: Agreement, threshold: usize) -> Connection {
    let mut c = Connection::new(role, limits, Box::new(ConstRng(KEY)));
    let options = CompressionOptions {
        threshold,
        ..CompressionOptions::default()
    };
    c.set_deflate(Some(PerMessageDeflate::new(role, &agreement, options)));
    c
}

fn deflate_client() -> Connection {
    with_deflate(Role::Client, Limits::client(), Agreement::default(), 0)
}

fn deflate_server() -> Connection {
    with_deflate(Role::Server, Limits::server(), Agreement::default(), 0)
}

/// An unmasked server frame with RSV1 as given.
fn sf1(fin: bool, rsv1: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    frame_bits(fin, if rsv1 { 4 } else { 0 }, opcode, None, payload)
}

fn fails_with(c: &mut Connection, code: u16, reason: &str) {
    let evs = events(c);
    assert!(
        evs.iter().any(
            |e| matches!(e, Event::Dropped { code: c, reason: r } if *c == code && r == reason)
        ),
        "{evs:?}"
    );
}

#[test]
fn rfc7692_7_2_3_1_a_message_compressed_in_one_frame() {
    let mut c = deflate_client();
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00"));
    assert_eq!(events(&mut c), vec![text("Hello")]);
}

#[test]
fn rfc7692_7_2_3_1_a_compressed_message_in_fragments() {
    let mut c = deflate_client();
    c.receive(&hex("41 03 f2 48 cd"));
    c.receive(&hex("80 04 c9 c9 07 00"));
    assert_eq!(events(&mut c), vec![text("Hello")]);
}

#[test]
fn rfc7692_7_2_3_2_sharing_the_lz77_window() {
    let mut c = deflate_client();
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"));
    assert_eq!(events(&mut c), vec![text("Hello"), text("Hello")]);
    // Without context takeover on the sender's side the second message would
    // refer to nothing: it fails (the decompressor was reset).
    let agreement = Agreement {
        server_no_context_takeover: true,
        ..Agreement::default()
    };
    let mut c = with_deflate(Role::Client, Limits::client(), agreement, 0);
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"));
    let evs = events(&mut c);
    assert_eq!(evs[0], text("Hello"));
    assert!(
        matches!(evs[1], Event::Dropped { code: 1007, .. }),
        "{evs:?}"
    );
}

#[test]
fn rfc7692_7_2_3_3_a_stored_block() {
    let mut c = deflate_client();
    c.receive(&hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"));
    assert_eq!(events(&mut c), vec![text("Hello")]);
}

#[test]
fn rfc7692_7_2_3_4_bfinal_set() {
    let mut c = deflate_client();
    c.receive(&hex("c1 08 f3 48 cd c9 c9 07 00 00"));
    // The next message starts a fresh stream.
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00"));
    assert_eq!(events(&mut c), vec![text("Hello"), text("Hello")]);
}

#[test]
fn rfc7692_7_2_3_5_two_deflate_blocks_in_one_message() {
    let mut c = deflate_client();
    c.receive(&hex("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
    assert_eq!(events(&mut c), vec![text("Hello")]);
}

#[test]
fn rfc7692_7_2_3_6_empty_message() {
    let mut c = deflate_client();
    c.receive(&hex("c1 01 00"));
    c.receive(&hex("c2 02 02 00"));
    assert_eq!(events(&mut c), vec![text(""), binary(b"")]);
    // And we send an empty compressed message as the single 0x00 byte.
    let mut s = deflate_server();
    assert!(s.send_message(false, b""));
    assert_eq!(to_hex(&s.take_outgoing()), "c10100");
}

#[test]
fn sends_the_rfc_hello_and_takes_the_tail_off() {
    let mut s = deflate_server();
    assert!(s.send_message(false, b"Hello"));
    assert_eq!(to_hex(&s.take_outgoing()), "c107f248cdc9c90700");
    // The second one refers back into the first (shared window).
    assert!(s.send_message(false, b"Hello"));
    let second = s.take_outgoing();
    assert!(second.len() < 9, "{}", to_hex(&second));
    let mut c = deflate_client();
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00"));
    c.receive(&second);
    assert_eq!(events(&mut c), vec![text("Hello"), text("Hello")]);
}

#[test]
fn no_context_takeover_resets_our_compressor() {
    let agreement = Agreement {
        server_no_context_takeover: true,
        ..Agreement::default()
    };
    let mut s = with_deflate(Role::Server, Limits::server(), agreement, 0);
    s.send_message(false, b"Hello");
    s.send_message(false, b"Hello");
    let out = parse_outgoing(&s.take_outgoing());
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].payload, out[1].payload);
    assert_eq!(out[0].rsv, 4);
}

#[test]
fn threshold_sends_short_messages_uncompressed() {
    let mut s = with_deflate(Role::Server, Limits::server(), Agreement::default(), 10);
    s.send_message(false, b"short");
    s.send_message(true, &[7u8; 10]);
    let out = parse_outgoing(&s.take_outgoing());
    assert_eq!((out[0].rsv, out[0].payload.as_slice()), (0, &b"short"[..]));
    assert_eq!(out[1].rsv, 4);
    assert!(out[1].payload.len() < 10);
}

#[test]
fn control_frames_are_never_compressed() {
    let mut s = deflate_server();
    s.ping(b"ping payload ping payload");
    s.pong(b"pong");
    s.close(1000, "bye bye bye bye").unwrap();
    for f in parse_outgoing(&s.take_outgoing()) {
        assert_eq!(f.rsv, 0, "{f:?}");
    }
}

#[test]
fn compressed_messages_are_fragmented_with_rsv1_on_the_first_frame_only() {
    let limits = Limits {
        fragmentation_threshold: 16,
        ..Limits::client()
    };
    let mut c = with_deflate(Role::Client, limits, Agreement::default(), 0);
    let payload: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 251) as u8).collect();
    c.send_message(true, &payload);
    let wire = c.take_outgoing();
    let frames = parse_outgoing(&wire);
    assert!(frames.len() > 2);
    assert_eq!(frames[0].rsv, 4);
    assert!(frames[1..].iter().all(|f| f.rsv == 0 && f.opcode == 0));
    assert!(frames.iter().all(|f| f.masked));
    let mut s = deflate_server();
    s.receive(&wire);
    assert_eq!(events(&mut s), vec![binary(&payload)]);
}

#[test]
fn rsv1_is_refused_where_permessage_deflate_does_not_put_it() {
    // Without the extension: 1002, as before.
    let mut c = client();
    c.receive(&hex("c1 07 f2 48 cd c9 c9 07 00"));
    fails_with(
        &mut c,
        1002,
        "Unsupported usage of rsv bits without negotiated extension.",
    );
    // RSV2 / RSV3 stay reserved.
    for rsv in [1u8, 2, 3, 5, 6, 7] {
        let mut c = deflate_client();
        c.receive(&frame_bits(true, rsv, 1, None, b"x"));
        fails_with(
            &mut c,
            1002,
            "Unsupported usage of rsv bits without negotiated extension.",
        );
    }
    // RSV1 on a control frame or on a continuation frame.
    let text = "RSV1 set on a frame that is not the first of a data message.";
    let mut c = deflate_client();
    c.receive(&sf1(true, true, 0x9, b""));
    fails_with(&mut c, 1002, text);
    let mut c = deflate_client();
    c.receive(&hex("41 03 f2 48 cd"));
    c.receive(&sf1(true, true, 0x0, &hex("c9 c9 07 00")));
    fails_with(&mut c, 1002, text);
}

#[test]
fn uncompressed_messages_still_work_when_negotiated() {
    let mut c = deflate_client();
    c.receive(&sf(true, 1, b"plain"));
    c.receive(&sf(false, 2, b"a"));
    c.receive(&sf(true, 0, b"b"));
    assert_eq!(events(&mut c), vec![text("plain"), binary(b"ab")]);
}

#[test]
fn control_frames_between_compressed_fragments() {
    let mut c = deflate_client();
    c.receive(&hex("41 03 f2 48 cd"));
    c.receive(&sf(true, 9, b"p"));
    c.receive(&hex("80 04 c9 c9 07 00"));
    assert_eq!(
        events(&mut c),
        vec![Event::Ping(b"p".to_vec()), text("Hello")]
    );
}

#[test]
fn corrupt_data_and_invalid_utf8_fail_with_1007() {
    let mut c = deflate_client();
    // Block type 3 is invalid.
    c.receive(&sf1(true, true, 1, &[0xff, 0xff, 0xff]));
    fails_with(&mut c, 1007, "Invalid compressed data received.");
    // Valid deflate of invalid UTF-8, sent as text.
    let mut s = deflate_server();
    s.send_message(true, &[0xc3, 0x28, 0xff, 0xfe]);
    let mut wire = s.take_outgoing();
    wire[0] = (wire[0] & 0xf0) | 0x1;
    let mut c = deflate_client();
    c.receive(&wire);
    fails_with(&mut c, 1007, "Invalid UTF-8 Data Received");
}

/// Sends `payload` from a fresh peer of the opposite role and returns what the
/// receiver reports.
fn roundtrip(agreement: Agreement, sizes: &[usize], fragment: usize) {
    let limits = |l: Limits| Limits {
        fragmentation_threshold: fragment,
        max_frame_size: 1 << 24,
        max_message_size: 1 << 24,
        ..l
    };
    let mut s = with_deflate(Role::Server, limits(Limits::server()), agreement, 0);
    let mut c = with_deflate(Role::Client, limits(Limits::client()), agreement, 0);
    let corpus: Vec<u8> = (0..200_000u64)
        .map(|i| b"the quick brown fox jumps over the lazy dog 0123456789"[(i * i % 53) as usize])
        .collect();
    for (n, &size) in sizes.iter().enumerate() {
        let payload = &corpus[n * 31 % 1000..n * 31 % 1000 + size];
        s.send_message(true, payload);
        c.receive(&s.take_outgoing());
        assert_eq!(
            events(&mut c),
            vec![binary(payload)],
            "s->c {agreement:?} {size}"
        );
        c.send_message(true, payload);
        s.receive(&c.take_outgoing());
        assert_eq!(
            events(&mut s),
            vec![binary(payload)],
            "c->s {agreement:?} {size}"
        );
    }
}

#[test]
fn every_window_and_takeover_combination_round_trips() {
    let sizes = [0, 1, 100, 300, 5000, 20_000, 300];
    for bits in 8..=15u8 {
        for (snct, cnct) in [(false, false), (true, false), (false, true), (true, true)] {
            let agreement = Agreement {
                server_no_context_takeover: snct,
                client_no_context_takeover: cnct,
                server_max_window_bits: bits,
                client_max_window_bits: 23 - bits,
            };
            roundtrip(agreement, &sizes, 4096);
        }
    }
    roundtrip(Agreement::default(), &[100_000], 1 << 20);
}

#[test]
fn parsing_in_any_chunking_gives_the_same_messages() {
    let mut s = deflate_server();
    let payload: Vec<u8> = (0..3000u32).map(|i| (i % 17) as u8 + b'a').collect();
    s.send_message(false, &payload);
    s.send_message(false, &payload);
    let wire = s.take_outgoing();
    for step in [1, 2, 3, 7, 64] {
        let mut c = deflate_client();
        for piece in wire.chunks(step) {
            c.receive(piece);
        }
        let expected = Event::Message {
            binary: false,
            data: payload.clone(),
        };
        assert_eq!(
            events(&mut c),
            vec![expected.clone(), expected],
            "step {step}"
        );
    }
}

#[test]
fn inflated_size_counts_against_the_message_limit() {
    let limits = Limits {
        max_message_size: 1000,
        ..Limits::client()
    };
    let mut s = deflate_server();
    s.send_message(true, &[0u8; 1000]);
    s.send_message(true, &[0u8; 1001]);
    let out = parse_outgoing(&s.take_outgoing());
    let mut c = with_deflate(Role::Client, limits, Agreement::default(), 0);
    c.receive(&sf1(true, true, 2, &out[0].payload));
    assert_eq!(events(&mut c), vec![binary(&[0u8; 1000])]);
    c.receive(&sf1(true, true, 2, &out[1].payload));
    fails_with(&mut c, 1009, "Maximum message size exceeded.");
}

#[test]
fn a_decompression_bomb_fails_early_with_1009() {
    // 64 MiB of zeros deflate to about 64 KiB; the limit is 1 MiB.
    let limits = Limits {
        max_frame_size: 1 << 20,
        ..Limits::server()
    };
    let mut c = with_deflate(Role::Client, Limits::client(), Agreement::default(), 0);
    let zeros = vec![0u8; 1 << 20];
    let mut compressed = Vec::new();
    let mut deflate = PerMessageDeflate::new(
        Role::Client,
        &Agreement::default(),
        CompressionOptions {
            level: 9,
            threshold: 0,
        },
    );
    for i in 0..64 {
        // Each piece ends in a sync flush whose tail compress() removed; it
        // belongs in the middle of the stream.
        if i > 0 {
            compressed.extend_from_slice(&EMPTY_BLOCK_TAIL);
        }
        compressed.extend_from_slice(&deflate.compress(&zeros));
    }
    assert!(compressed.len() < 200_000, "{}", compressed.len());
    let mut s = with_deflate(Role::Server, limits, Agreement::default(), 0);
    let frame = frame_bits(true, 4, 2, Some(KEY), &compressed);
    s.receive(&frame);
    fails_with(&mut s, 1009, "Maximum message size exceeded.");
    // The server answered with a close frame and ignores the rest.
    assert_eq!(
        outgoing_closes(&mut s),
        vec![(Some(1009), "Maximum message size exceeded.".into())]
    );
    c.receive(&[]);
}

#[test]
fn a_broadcast_is_compressed_once_for_connections_without_server_context() {
    use wsproto::broadcast::encode_server_message_deflated;
    let payload =
        br#"{"type":"tick","values":[1,2,3,4,5,6,7,8,9,10],"note":"same for everyone"}"#.repeat(20);
    let frames = encode_server_message_deflated(&Limits::server(), 1, 12, false, &payload);
    assert_eq!(frames[0] & 0x40, 0x40);
    assert!(frames.len() < payload.len() / 4);
    let no_context = Agreement {
        server_no_context_takeover: true,
        server_max_window_bits: 12,
        ..Agreement::default()
    };
    // Two server connections without server context: both take the frames, and
    // their clients read the message, before and after their own messages.
    for _ in 0..2 {
        let mut s = with_deflate(Role::Server, Limits::server(), no_context, 0);
        let mut c = with_deflate(Role::Client, Limits::client(), no_context, 0);
        s.send_message(false, b"own message before");
        assert!(s.send_encoded_deflated(&frames, 12));
        s.send_message(false, b"own message after");
        c.receive(&s.take_outgoing());
        let expected = Event::Message {
            binary: false,
            data: payload.clone(),
        };
        assert_eq!(
            events(&mut c),
            vec![
                text("own message before"),
                expected,
                text("own message after")
            ]
        );
    }
    // Refused: context takeover on our side, a smaller window, no extension, a client.
    let mut s = with_deflate(Role::Server, Limits::server(), Agreement::default(), 0);
    assert!(!s.send_encoded_deflated(&frames, 12));
    let small = Agreement {
        server_max_window_bits: 10,
        ..no_context
    };
    let mut s = with_deflate(Role::Server, Limits::server(), small, 0);
    assert!(!s.send_encoded_deflated(&frames, 12));
    assert!(!server().send_encoded_deflated(&frames, 12));
    let mut c = with_deflate(Role::Client, Limits::client(), no_context, 0);
    assert!(!c.send_encoded_deflated(&frames, 12));
    assert!(!s.has_outgoing() && !c.has_outgoing());
}

#[test]
fn without_context_takeover_an_idle_connection_holds_no_zlib_state() {
    let none = Agreement {
        server_no_context_takeover: true,
        client_no_context_takeover: true,
        ..Agreement::default()
    };
    let options = CompressionOptions {
        threshold: 0,
        ..CompressionOptions::default()
    };
    let mut server = PerMessageDeflate::new(Role::Server, &none, options);
    let mut client = PerMessageDeflate::new(Role::Client, &none, options);
    let text = b"a message that both ends compress and inflate".repeat(10);
    for _ in 0..3 {
        // Sent by the server (shared compressor), inflated by the client.
        let wire = server.compress(&text);
        let mut out = Vec::new();
        client.decompress(&wire, &mut out, 1 << 20).unwrap();
        client.finish_message(&mut out, 1 << 20).unwrap();
        assert_eq!(out, text);
        assert!(!server.holds_zlib_state() && !client.holds_zlib_state());
    }
    // Two connections on one thread share the compressor and get the same bytes.
    let mut other = PerMessageDeflate::new(Role::Server, &none, options);
    assert_eq!(other.compress(&text), server.compress(&text));
    // With context takeover the state stays (it is the context).
    let mut keeps = PerMessageDeflate::new(Role::Server, &Agreement::default(), options);
    keeps.compress(&text);
    assert!(keeps.holds_zlib_state());
}
