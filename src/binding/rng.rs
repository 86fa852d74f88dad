//! Randomness from the operating system, for mask keys and handshake nonces.

use wsproto::rng::MaskRng;

/// Bytes fetched from the OS per refill: one syscall serves many frames.
const POOL: usize = 512;

/// A [`MaskRng`] backed by the OS's randomness (`getrandom`), refilled in
/// blocks so that masking a frame does not cost a system call.
pub struct OsRng {
    pool: [u8; POOL],
    pos: usize,
}

impl OsRng {
    /// Creates an empty pool; the first use fills it.
    pub fn new() -> Self {
        OsRng {
            pool: [0; POOL],
            pos: POOL,
        }
    }
}

impl Default for OsRng {
    fn default() -> Self {
        Self::new()
    }
}

impl MaskRng for OsRng {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            if self.pos >= POOL {
                // getrandom only fails on exotic platforms without an entropy
                // source; masking still needs unpredictable bytes, so fall
                // back to mixing the clock and an address rather than panic.
                if getrandom::fill(&mut self.pool).is_err() {
                    fallback_fill(&mut self.pool);
                }
                self.pos = 0;
            }
            *b = self.pool[self.pos];
            self.pos += 1;
        }
    }
}

thread_local! {
    /// The pool every connection of this thread draws from.
    static POOL_OF_THREAD: std::cell::RefCell<OsRng> = std::cell::RefCell::new(OsRng::new());
}

/// A [`MaskRng`] that draws from this thread's [`OsRng`] pool. It has no
/// state of its own, so giving one to every connection costs no memory
/// (a server's connections never mask, and each used to carry a 512-byte pool).
#[derive(Default, Clone, Copy)]
pub struct ThreadRng;

impl MaskRng for ThreadRng {
    fn fill(&mut self, buf: &mut [u8]) {
        POOL_OF_THREAD.with(|pool| match pool.try_borrow_mut() {
            Ok(mut pool) => pool.fill(buf),
            // Not re-entered in practice; a fresh pool is as random.
            Err(_) => OsRng::new().fill(buf),
        });
    }
}

fn fallback_fill(pool: &mut [u8]) {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let state = RandomState::new();
    for (i, chunk) in pool.chunks_mut(8).enumerate() {
        let mut h = state.build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let v = h.finish().to_ne_bytes();
        for (d, s) in chunk.iter_mut().zip(v.iter()) {
            *d = *s;
        }
    }
}
