//! Helpers shared by the integration tests: hex vectors and frame builders.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use wsproto::{encode_frame, Connection, ConstRng, Event, FrameHeader, Limits, Role};

/// The mask key every test client frame uses.
pub const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// Bytes from a hex string; spaces are ignored.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex: {s}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// Lower-case hex of `bytes`, no spaces.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One frame with explicit bits, masked with `mask` when given.
pub fn frame_bits(
    fin: bool,
    rsv: u8,
    opcode: u8,
    mask: Option<[u8; 4]>,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    let header = FrameHeader {
        fin,
        rsv1: rsv & 4 != 0,
        rsv2: rsv & 2 != 0,
        rsv3: rsv & 1 != 0,
        opcode,
        mask,
        payload_len: 0,
    };
    encode_frame(&mut out, &header, &[payload]);
    out
}

/// A frame as a client sends it (masked with [`KEY`]).
pub fn cf(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    frame_bits(fin, 0, opcode, Some(KEY), payload)
}

/// A frame as a server sends it (unmasked).
pub fn sf(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    frame_bits(fin, 0, opcode, None, payload)
}

/// A close payload: status code then reason.
pub fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(reason.as_bytes());
    p
}

pub fn server() -> Connection {
    Connection::new(
        Role::Server,
        Limits::server(),
        Box::new(ConstRng([1, 2, 3, 4])),
    )
}

pub fn client() -> Connection {
    Connection::new(
        Role::Client,
        Limits::client(),
        Box::new(ConstRng([1, 2, 3, 4])),
    )
}

pub fn with_limits(role: Role, limits: Limits) -> Connection {
    Connection::new(role, limits, Box::new(ConstRng([1, 2, 3, 4])))
}

/// All queued events.
pub fn events(c: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

pub fn text(s: &str) -> Event {
    Event::Message {
        binary: false,
        data: s.as_bytes().to_vec(),
    }
}

pub fn binary(b: &[u8]) -> Event {
    Event::Message {
        binary: true,
        data: b.to_vec(),
    }
}

/// A decoded outgoing frame: (fin, rsv bits, opcode, unmasked payload, was masked).
#[derive(Debug, PartialEq, Eq)]
pub struct Out {
    pub fin: bool,
    pub rsv: u8,
    pub opcode: u8,
    pub payload: Vec<u8>,
    pub masked: bool,
}

/// Splits the bytes a connection queued into frames, unmasking them.
pub fn parse_outgoing(mut bytes: &[u8]) -> Vec<Out> {
    let mut frames = Vec::new();
    while !bytes.is_empty() {
        let (header, len) = match wsproto::decode_header(bytes).unwrap() {
            wsproto::HeaderDecode::Complete { header, len } => (header, len),
            other => panic!("incomplete outgoing frame: {other:?}"),
        };
        let end = len + header.payload_len as usize;
        let mut payload = bytes[len..end].to_vec();
        if let Some(key) = header.mask {
            wsproto::apply_mask(&mut payload, key, 0);
        }
        frames.push(Out {
            fin: header.fin,
            rsv: (header.rsv1 as u8) << 2 | (header.rsv2 as u8) << 1 | header.rsv3 as u8,
            opcode: header.opcode,
            payload,
            masked: header.mask.is_some(),
        });
        bytes = &bytes[end..];
    }
    frames
}

/// The close frames a connection queued, as (code, reason).
pub fn outgoing_closes(c: &mut Connection) -> Vec<(Option<u16>, String)> {
    parse_outgoing(&c.take_outgoing())
        .into_iter()
        .filter(|f| f.opcode == 8)
        .map(|f| {
            let code =
                (f.payload.len() >= 2).then(|| u16::from_be_bytes([f.payload[0], f.payload[1]]));
            let reason = String::from_utf8(f.payload.get(2..).unwrap_or(&[]).to_vec()).unwrap();
            (code, reason)
        })
        .collect()
}
