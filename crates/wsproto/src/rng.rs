//! Randomness enters the core through this trait, so tests are deterministic.

/// A source of random bytes for mask keys (RFC 6455 §5.3) and
/// `Sec-WebSocket-Key` nonces (RFC 6455 §4.1).
pub trait MaskRng: Send {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// A deterministic generator for tests: a counter-driven xorshift.
#[derive(Debug, Clone)]
pub struct FixedRng {
    state: u64,
}

impl FixedRng {
    /// Creates a generator seeded with `seed` (0 is replaced by a constant).
    pub fn new(seed: u64) -> Self {
        FixedRng {
            state: if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            },
        }
    }
}

impl MaskRng for FixedRng {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            *b = self.state as u8;
        }
    }
}

/// Always fills with the same byte pattern: handy for hex-vector tests.
#[derive(Debug, Clone)]
pub struct ConstRng(pub [u8; 4]);

impl MaskRng for ConstRng {
    fn fill(&mut self, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = self.0[i % 4];
        }
    }
}
