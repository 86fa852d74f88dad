//! A deliberately small RFC 6455 framing layer, written for this tool alone.
//!
//! The generator does not use `crates/wsproto`, so that it measures every
//! server with the same neutral code. It supports what the benchmarks need:
//! frames of any length, masking both ways, fragmented messages from the peer,
//! and control frames. No extensions.

use std::fmt;

/// Continuation frame (RFC 6455 §5.2).
pub const OP_CONTINUATION: u8 = 0x0;
/// Text frame.
pub const OP_TEXT: u8 = 0x1;
/// Binary frame.
pub const OP_BINARY: u8 = 0x2;
/// Close frame.
pub const OP_CLOSE: u8 = 0x8;
/// Ping frame.
pub const OP_PING: u8 = 0x9;
/// Pong frame.
pub const OP_PONG: u8 = 0xA;

/// A protocol violation seen by the generator or the reference server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError(pub String);

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FrameError {}

fn err<T>(text: impl Into<String>) -> Result<T, FrameError> {
    Err(FrameError(text.into()))
}

/// A parsed frame header (RFC 6455 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// FIN bit.
    pub fin: bool,
    /// Opcode (low four bits of the first byte).
    pub opcode: u8,
    /// Masking key, when the MASK bit is set.
    pub mask: Option<[u8; 4]>,
    /// Payload length in bytes.
    pub len: usize,
    /// Length of the header itself in bytes.
    pub header_len: usize,
}

/// Parses the header at the start of `buf`; `Ok(None)` while it is incomplete.
/// `max_len` bounds the payload length before anything is allocated for it.
pub fn parse_header(buf: &[u8], max_len: usize) -> Result<Option<Header>, FrameError> {
    let (b0, b1) = match (buf.first(), buf.get(1)) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Ok(None),
    };
    if b0 & 0x70 != 0 {
        return err("reserved bits set (no extension was negotiated)");
    }
    let fin = b0 & 0x80 != 0;
    let opcode = b0 & 0x0f;
    let masked = b1 & 0x80 != 0;
    let (len, mut at) = match b1 & 0x7f {
        126 => match buf.get(2..4).and_then(|s| <[u8; 2]>::try_from(s).ok()) {
            Some(b) => (u64::from(u16::from_be_bytes(b)), 4),
            None => return Ok(None),
        },
        127 => match buf.get(2..10).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            Some(b) => (u64::from_be_bytes(b), 10),
            None => return Ok(None),
        },
        n => (u64::from(n), 2),
    };
    if opcode >= 0x8 && (len > 125 || !fin) {
        return err("control frame too long or fragmented");
    }
    let len = match usize::try_from(len) {
        Ok(l) if l <= max_len => l,
        _ => {
            return err(format!(
                "frame of {len} bytes exceeds the limit of {max_len}"
            ))
        }
    };
    let mask = if masked {
        match buf
            .get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
        {
            Some(k) => {
                at += 4;
                Some(k)
            }
            None => return Ok(None),
        }
    } else {
        None
    };
    Ok(Some(Header {
        fin,
        opcode,
        mask,
        len,
        header_len: at,
    }))
}

/// Appends one frame (FIN set) to `out`, masked with `mask` when given.
pub fn encode(out: &mut Vec<u8>, opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) {
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    out.push(0x80 | (opcode & 0x0f));
    let len = payload.len();
    if len < 126 {
        out.push(mask_bit | len as u8);
    } else if let Ok(short) = u16::try_from(len) {
        out.push(mask_bit | 126);
        out.extend_from_slice(&short.to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            let start = out.len();
            out.extend_from_slice(payload);
            if let Some(body) = out.get_mut(start..) {
                apply_mask(body, key);
            }
        }
        None => out.extend_from_slice(payload),
    }
}

/// XORs `data` with the masking key (RFC 6455 §5.3), eight bytes at a time.
pub fn apply_mask(data: &mut [u8], key: [u8; 4]) {
    let wide = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut chunks = data.chunks_exact_mut(8);
    for chunk in &mut chunks {
        if let Ok(bytes) = <[u8; 8]>::try_from(&*chunk) {
            chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ wide).to_ne_bytes());
        }
    }
    // The remainder starts at a multiple of 8, so the key phase is 0 again.
    for (byte, k) in chunks.into_remainder().iter_mut().zip(key.iter().cycle()) {
        *byte ^= k;
    }
}

/// A small xorshift generator for masking keys and handshake nonces. Masking
/// keys only need to be unpredictable to a browser's script, which is not a
/// concern for a load generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator; a zero seed is replaced by a fixed odd constant.
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A fresh masking key.
    pub fn mask(&mut self) -> [u8; 4] {
        (self.next_u64() as u32).to_ne_bytes()
    }
}

/// The payloads the generator sends: a fixed pattern whose first bytes carry
/// the message's sequence number, so a lost, duplicated or reordered echo is
/// caught, and every other byte is compared too.
#[derive(Debug, Clone)]
pub struct Payloads {
    pattern: Vec<u8>,
    text: bool,
}

/// How many leading bytes carry the sequence number.
const SEQ_BYTES: usize = 8;

impl Payloads {
    /// Payloads of `size` bytes; ASCII letters for text, all byte values for binary.
    pub fn new(size: usize, text: bool) -> Self {
        Payloads {
            pattern: pattern(size, text),
            text,
        }
    }

    /// The opcode these payloads are sent with.
    pub fn opcode(&self) -> u8 {
        if self.text {
            OP_TEXT
        } else {
            OP_BINARY
        }
    }

    fn seq_bytes(&self, seq: u64) -> [u8; SEQ_BYTES] {
        if self.text {
            let digits = format!("{:08}", seq % 100_000_000);
            let mut out = [b'0'; SEQ_BYTES];
            out.copy_from_slice(digits.as_bytes().get(..SEQ_BYTES).unwrap_or(b"00000000"));
            out
        } else {
            seq.to_le_bytes()
        }
    }

    /// Payload size in bytes.
    pub fn size(&self) -> usize {
        self.pattern.len()
    }

    /// Writes the payload of message `seq` into `buf` (replacing its contents).
    pub fn fill(&self, seq: u64, buf: &mut Vec<u8>) {
        buf.clear();
        buf.extend_from_slice(&self.pattern);
        let prefix = self.seq_bytes(seq);
        for (dst, src) in buf.iter_mut().zip(prefix.iter()) {
            *dst = *src;
        }
    }

    /// Checks that `data` is exactly the payload of message `seq`.
    pub fn verify(&self, seq: u64, data: &[u8]) -> Result<(), FrameError> {
        if data.len() != self.pattern.len() {
            return err(format!(
                "echo of message {seq} has {} bytes, expected {}",
                data.len(),
                self.pattern.len()
            ));
        }
        let split = SEQ_BYTES.min(data.len());
        let (head, tail) = data.split_at(split);
        let prefix = self.seq_bytes(seq);
        if head != prefix.get(..split).unwrap_or(&[]) {
            return err(format!("echo out of order: expected message {seq}"));
        }
        if tail != self.pattern.get(split..).unwrap_or(&[]) {
            return err(format!("echo of message {seq} has corrupted bytes"));
        }
        Ok(())
    }
}

/// The fixed filler pattern: `a..z` repeated for text, `(7i + 3) mod 256` for
/// binary (every byte value occurs, including ones that are invalid UTF-8).
pub fn pattern(size: usize, text: bool) -> Vec<u8> {
    (0..size)
        .map(|i| {
            if text {
                b'a' + (i % 26) as u8
            } else {
                (i.wrapping_mul(7).wrapping_add(3) & 0xff) as u8
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn mask_matches_bytewise_reference_at_every_length() {
        let key = [0x12, 0x34, 0x56, 0x78];
        for len in 0..40 {
            let data: Vec<u8> = (0..len as u8).collect();
            let mut fast = data.clone();
            apply_mask(&mut fast, key);
            let slow: Vec<u8> = data
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ key[i % 4])
                .collect();
            assert_eq!(fast, slow, "length {len}");
        }
    }

    #[test]
    fn encode_then_parse_round_trips_all_length_forms() {
        for len in [0usize, 5, 125, 126, 65535, 65536, 70000] {
            let payload = pattern(len, false);
            let mut out = Vec::new();
            encode(&mut out, OP_BINARY, &payload, Some([1, 2, 3, 4]));
            let h = parse_header(&out, usize::MAX).unwrap().unwrap();
            assert_eq!((h.fin, h.opcode, h.len), (true, OP_BINARY, len));
            let mut body = out[h.header_len..].to_vec();
            apply_mask(&mut body, h.mask.unwrap());
            assert_eq!(body, payload);
        }
    }

    #[test]
    fn parse_waits_for_a_complete_header_and_enforces_the_limit() {
        assert_eq!(parse_header(&[0x82], 10), Ok(None));
        assert_eq!(parse_header(&[0x82, 126, 0], 10), Ok(None));
        assert!(parse_header(&[0x82, 126, 0, 200], 100).is_err());
        assert!(parse_header(&[0xc2, 0], 100).is_err());
        assert!(parse_header(&[0x09, 0], 100).is_err());
    }

    #[test]
    fn payload_verification_catches_order_and_corruption() {
        for text in [true, false] {
            let p = Payloads::new(32, text);
            let mut buf = Vec::new();
            p.fill(7, &mut buf);
            assert!(p.verify(7, &buf).is_ok());
            assert!(p.verify(8, &buf).is_err());
            let last = buf.len() - 1;
            buf[last] ^= 1;
            assert!(p.verify(7, &buf).is_err());
        }
        let tiny = Payloads::new(3, true);
        let mut buf = Vec::new();
        tiny.fill(1, &mut buf);
        assert!(tiny.verify(1, &buf).is_ok());
    }
}
