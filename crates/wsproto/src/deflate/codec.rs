//! Compressing and decompressing message payloads (RFC 7692 §7.2) with
//! `flate2` on its `zlib-rs` backend: raw DEFLATE, no zlib header.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::negotiate::Agreement;
use crate::error::ProtocolError;
use crate::role::Role;

/// What a sync flush leaves at the end of the data, removed before sending
/// and put back before inflating (RFC 7692 §7.2.1, §7.2.2).
pub const EMPTY_BLOCK_TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Output is produced in steps of at most this many bytes, so a message is
/// never given more memory than its inflated size so far plus one step
/// (bounded by the message limit).
const INFLATE_STEP: usize = 64 * 1024;

/// zlib (and zlib-rs) cannot run a raw deflate with an 8-bit window. With 9
/// bits its longest match distance is `512 - 262 = 250` bytes (zlib's
/// `MAX_DIST` = window size - `MIN_LOOKAHEAD`), which stays inside the
/// 256-byte window a peer that negotiated 8 keeps; on the inflate side a
/// larger window than the peer's decodes its data just the same.
fn zlib_window_bits(bits: u8) -> u8 {
    bits.clamp(9, 15)
}

/// Per-connection permessage-deflate state, in the core's
/// [`Connection`](crate::Connection) so every transport gets it. The zlib
/// states are made on first use, so a connection that never sends (or never
/// receives) a compressed message holds none.
pub struct PerMessageDeflate {
    /// Our compressor's window, after the zlib adjustment.
    send_window: u8,
    /// Reset the compressor after each message.
    send_no_context_takeover: bool,
    /// The peer's window, after the zlib adjustment.
    receive_window: u8,
    /// The peer resets its compressor after each message.
    receive_no_context_takeover: bool,
    level: Compression,
    threshold: usize,
    compressor: Option<Compress>,
    decompressor: Option<Decompress>,
    /// The message being inflated contained a final block.
    stream_ended: bool,
    /// The message being received is compressed (RSV1 on its first frame).
    pub(crate) receiving_compressed: bool,
    /// Unmasked compressed bytes on their way into the decompressor.
    pub(crate) scratch: Vec<u8>,
}

impl std::fmt::Debug for PerMessageDeflate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PerMessageDeflate")
            .field("send_window", &self.send_window)
            .field("receive_window", &self.receive_window)
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

/// Local choices that are not negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompressionOptions {
    /// zlib level 0 (store) to 9 (smallest). Default 1: the fastest setting
    /// still compresses JSON-like text several times over.
    pub level: u32,
    /// Messages shorter than this many bytes are sent uncompressed (RSV1
    /// clear). Default 1024, as `ws`: below that the saving rarely pays for
    /// the CPU.
    pub threshold: usize,
}

impl Default for CompressionOptions {
    fn default() -> Self {
        CompressionOptions {
            level: 1,
            threshold: 1024,
        }
    }
}

impl PerMessageDeflate {
    /// The state for `role` under `agreement`.
    pub fn new(role: Role, agreement: &Agreement, options: CompressionOptions) -> Self {
        let (send, receive) = match role {
            Role::Server => (
                (
                    agreement.server_max_window_bits,
                    agreement.server_no_context_takeover,
                ),
                (
                    agreement.client_max_window_bits,
                    agreement.client_no_context_takeover,
                ),
            ),
            Role::Client => (
                (
                    agreement.client_max_window_bits,
                    agreement.client_no_context_takeover,
                ),
                (
                    agreement.server_max_window_bits,
                    agreement.server_no_context_takeover,
                ),
            ),
        };
        PerMessageDeflate {
            send_window: zlib_window_bits(send.0),
            send_no_context_takeover: send.1,
            receive_window: zlib_window_bits(receive.0),
            receive_no_context_takeover: receive.1,
            level: Compression::new(options.level.min(9)),
            threshold: options.threshold,
            compressor: None,
            decompressor: None,
            stream_ended: false,
            receiving_compressed: false,
            scratch: Vec::new(),
        }
    }

    /// Whether a message compressed once for many connections (see
    /// [`encode_server_message_deflated`](crate::broadcast::encode_server_message_deflated))
    /// with a fresh compressor of `window_bits` may be sent on this one: only
    /// when we keep no context (otherwise the peer's window would hold a
    /// message our compressor never saw) and our agreed window is at least as
    /// large.
    pub fn accepts_shared(&self, window_bits: u8) -> bool {
        self.send_no_context_takeover && zlib_window_bits(window_bits) <= self.send_window
    }

    /// Whether a message of `len` bytes is worth compressing.
    pub fn should_compress(&self, len: usize) -> bool {
        len >= self.threshold
    }

    /// Compresses one whole message payload (RFC 7692 §7.2.1): deflate with a
    /// sync flush, then drop the trailing `00 00 ff ff`. Without context
    /// takeover the compressor is reset afterwards.
    pub fn compress(&mut self, payload: &[u8]) -> Vec<u8> {
        let (level, window) = (self.level, self.send_window);
        if self.send_no_context_takeover {
            // Nothing carries over between messages, so the connection keeps
            // no compressor: one per thread and setting is shared by all.
            return SHARED_COMPRESSORS.with(|shared| {
                let mut shared = shared.borrow_mut();
                let key = (level.level(), window);
                let index = match shared.iter().position(|(k, _)| *k == key) {
                    Some(index) => index,
                    None => {
                        shared.push((key, Compress::new_with_window_bits(level, false, window)));
                        shared.len() - 1
                    }
                };
                match shared.get_mut(index) {
                    Some((_, compressor)) => {
                        let out = deflate_sync(compressor, payload);
                        compressor.reset();
                        out
                    }
                    None => deflate_sync(
                        &mut Compress::new_with_window_bits(level, false, window),
                        payload,
                    ),
                }
            });
        }
        let compressor = self
            .compressor
            .get_or_insert_with(|| Compress::new_with_window_bits(level, false, window));
        deflate_sync(compressor, payload)
    }

    /// Whether this connection holds zlib state (a compressor or a
    /// decompressor) between messages.
    pub fn holds_zlib_state(&self) -> bool {
        self.compressor.is_some() || self.decompressor.is_some()
    }

    /// Inflates one piece of a compressed message's payload (already
    /// unmasked) onto `out`, which holds the message's bytes so far. Fails
    /// with 1009 as soon as `out` would pass `max` bytes: memory grows with
    /// what was actually inflated, never beyond `max` + 1.
    pub fn decompress(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        max: u64,
    ) -> Result<(), ProtocolError> {
        if self.stream_ended {
            return Ok(());
        }
        let window = self.receive_window;
        let decompressor = self
            .decompressor
            .get_or_insert_with(|| Decompress::new_with_window_bits(false, window));
        let cap = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
        let start_in = decompressor.total_in();
        loop {
            let consumed =
                usize::try_from(decompressor.total_in() - start_in).unwrap_or(usize::MAX);
            let rest = input.get(consumed..).unwrap_or(&[]);
            if out.len() == out.capacity() {
                // Grow geometrically, but never past the limit + 1.
                let want = out
                    .len()
                    .max(INFLATE_STEP)
                    .min(cap.saturating_sub(out.len()));
                if want == 0 {
                    return Err(too_large(out.len(), max));
                }
                out.reserve_exact(want);
            }
            let before = (decompressor.total_in(), out.len());
            let status = decompressor
                .decompress_vec(rest, out, FlushDecompress::None)
                .map_err(|_| ProtocolError::InvalidCompressedData)?;
            if out.len() as u64 > max {
                return Err(too_large(out.len(), max));
            }
            let progressed = (decompressor.total_in(), out.len()) != before;
            let input_done = decompressor.total_in() - start_in == input.len() as u64;
            match status {
                // A final block (BFINAL) ends the stream: the rest of the
                // message must be nothing but what follows it.
                Status::StreamEnd => {
                    self.stream_ended = true;
                    return Ok(());
                }
                _ if input_done && out.len() < out.capacity() => return Ok(()),
                _ if !progressed && out.len() < out.capacity() => return Ok(()),
                _ => {}
            }
        }
    }

    /// Ends a compressed message: inflates the `00 00 ff ff` the sender
    /// removed (RFC 7692 §7.2.2), then resets the decompressor when the peer
    /// does not keep its context.
    pub fn finish_message(&mut self, out: &mut Vec<u8>, max: u64) -> Result<(), ProtocolError> {
        if !self.stream_ended {
            self.decompress(&EMPTY_BLOCK_TAIL, out, max)?;
        }
        // After a final block the stream is over: the next message starts a
        // new one (a peer that sets BFINAL keeps no context to refer to).
        if self.receive_no_context_takeover {
            // Nothing carries over: free the state (a few KiB plus the window)
            // instead of keeping it for an idle connection.
            self.decompressor = None;
        } else if self.stream_ended {
            if let Some(d) = self.decompressor.as_mut() {
                d.reset(false);
            }
        }
        self.stream_ended = false;
        Ok(())
    }
}

/// Compresses `payload` with a fresh compressor (no context before or after),
/// as RFC 7692 §7.2.1 says: sync flush, `00 00 ff ff` removed.
pub fn compress_standalone(level: u32, window_bits: u8, payload: &[u8]) -> Vec<u8> {
    let mut state = PerMessageDeflate::new(
        Role::Server,
        &Agreement {
            server_no_context_takeover: true,
            server_max_window_bits: window_bits.clamp(8, 15),
            ..Agreement::default()
        },
        CompressionOptions {
            level,
            threshold: 0,
        },
    );
    state.compress(payload)
}

thread_local! {
    /// The compressors of connections that keep no context (RFC 7692
    /// §7.1.1.1), one per (level, window bits) on each thread: a message is
    /// compressed in one call and the state reset, so sharing is safe and an
    /// idle connection holds none (uWebSockets' shared-compressor idea).
    static SHARED_COMPRESSORS: std::cell::RefCell<Vec<((u32, u8), Compress)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Deflates a whole message with a sync flush and removes the trailing
/// `00 00 ff ff` (RFC 7692 §7.2.1).
fn deflate_sync(compressor: &mut Compress, payload: &[u8]) -> Vec<u8> {
    let start_in = compressor.total_in();
    // Deflate's worst case is a few bytes per 16 KiB over the input.
    let mut out = Vec::with_capacity(payload.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in() - start_in).unwrap_or(usize::MAX);
        let input = payload.get(consumed..).unwrap_or(&[]);
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1024));
        }
        let before = out.len();
        // Errors cannot come from data (only from misuse of the stream);
        // stop rather than loop if one ever does.
        if compressor
            .compress_vec(input, &mut out, FlushCompress::Sync)
            .is_err()
        {
            break;
        }
        let done = compressor.total_in() - start_in == payload.len() as u64;
        // A sync flush is complete when output stopped short of the space.
        if done && out.len() < out.capacity() && out.ends_with(&EMPTY_BLOCK_TAIL) {
            break;
        }
        if done && out.len() == before {
            break;
        }
    }
    if out.ends_with(&EMPTY_BLOCK_TAIL) {
        out.truncate(out.len() - EMPTY_BLOCK_TAIL.len());
    }
    if out.is_empty() {
        // RFC 7692 §7.2.3.6: an empty message may be sent as one 0x00 byte.
        out.push(0x00);
    }
    out
}

fn too_large(len: usize, max: u64) -> ProtocolError {
    ProtocolError::MessageTooLarge {
        size: len as u64,
        max,
    }
}
