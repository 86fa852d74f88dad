//! Joining data frames into messages (RFC 6455 §5.4), with the size and
//! fragment-count limits checked from each header before the buffer grows.

use crate::error::ProtocolError;
use crate::limits::Limits;
use crate::mask::apply_mask;
use crate::utf8::Utf8Validator;

/// Test-only (`panic-marker` feature): a message containing these bytes makes
/// [`MessageAssembler::end_frame`] panic, to prove the addon contains panics.
#[cfg(feature = "panic-marker")]
pub const PANIC_MARKER: &[u8] = b"wsproto-panic-marker";

/// The message being received: its bytes (unmasked in place), its kind and a
/// streaming UTF-8 check for text.
#[derive(Debug, Default)]
pub struct MessageAssembler {
    data: Vec<u8>,
    binary: bool,
    open: bool,
    fragments: usize,
    utf8: Utf8Validator,
}

impl MessageAssembler {
    /// An assembler with no message open.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a fragmented message is waiting for continuation frames.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Bytes received so far for the open message.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Bytes the message buffer can hold without growing (what an open
    /// message pins in memory).
    pub fn capacity(&self) -> usize {
        self.data.capacity()
    }

    /// Whether no bytes are buffered.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Drops the open message, if any.
    pub fn reset(&mut self) {
        self.data = Vec::new();
        self.open = false;
        self.fragments = 0;
        self.utf8.reset();
    }

    /// Accepts the header of a data frame: `opcode` 0x1/0x2 starts a message,
    /// 0x0 continues one. Checks the sequence (RFC 6455 §5.4) and the limits,
    /// then reserves exactly `payload_len` more bytes.
    pub fn begin_frame(
        &mut self,
        opcode: u8,
        payload_len: u64,
        limits: &Limits,
    ) -> Result<(), ProtocolError> {
        self.check_frame(opcode, payload_len, limits)?;
        // Bounded by max_message_size above, so this fits in memory the user allowed.
        let additional = usize::try_from(payload_len).unwrap_or(usize::MAX);
        if self.data.capacity() == 0 {
            self.data = Vec::with_capacity(additional);
        } else {
            self.data.reserve(additional);
        }
        Ok(())
    }

    /// Like [`begin_frame`](MessageAssembler::begin_frame) for a frame of a
    /// compressed message (RFC 7692): the same sequence and fragment checks,
    /// but nothing is reserved, since the payload's inflated size is unknown;
    /// the size limit is applied while inflating
    /// ([`extend_with`](MessageAssembler::extend_with)).
    pub fn begin_compressed_frame(
        &mut self,
        opcode: u8,
        limits: &Limits,
    ) -> Result<(), ProtocolError> {
        self.check_frame(opcode, 0, limits)
    }

    fn check_frame(
        &mut self,
        opcode: u8,
        payload_len: u64,
        limits: &Limits,
    ) -> Result<(), ProtocolError> {
        if opcode == 0x0 {
            if !self.open {
                return Err(ProtocolError::UnexpectedContinuation);
            }
        } else if self.open {
            return Err(ProtocolError::DataFrameInFragmentedMessage { opcode });
        }
        let fragments = if opcode == 0x0 {
            self.fragments.saturating_add(1)
        } else {
            1
        };
        if let Some(max) = limits.max_fragments.filter(|&max| fragments > max) {
            return Err(ProtocolError::TooManyFragments { max });
        }
        let size = (self.data.len() as u64).saturating_add(payload_len);
        if size > limits.max_message_size {
            return Err(ProtocolError::MessageTooLarge {
                size,
                max: limits.max_message_size,
            });
        }
        if opcode != 0x0 {
            self.binary = opcode == 0x2;
            self.utf8.reset();
            self.data = Vec::new();
        }
        self.open = true;
        self.fragments = fragments;
        Ok(())
    }

    /// Appends what `produce` writes onto the message's bytes (inflated
    /// payload), then checks text as in [`extend`](MessageAssembler::extend).
    pub fn extend_with(
        &mut self,
        produce: impl FnOnce(&mut Vec<u8>) -> Result<(), ProtocolError>,
    ) -> Result<(), ProtocolError> {
        let start = self.data.len();
        produce(&mut self.data)?;
        if !self.binary {
            if let Some(new) = self.data.get(start..) {
                self.utf8
                    .feed(new)
                    .map_err(|_| ProtocolError::InvalidUtf8)?;
            }
        }
        Ok(())
    }

    /// Appends a piece of the current frame's payload, unmasking it in place
    /// (`offset` = bytes of this frame's payload already appended) and checking
    /// text as it arrives, so bad UTF-8 fails before the message ends.
    pub fn extend(
        &mut self,
        chunk: &[u8],
        mask: Option<[u8; 4]>,
        offset: usize,
    ) -> Result<(), ProtocolError> {
        let start = self.data.len();
        self.data.extend_from_slice(chunk);
        let Some(new) = self.data.get_mut(start..) else {
            return Ok(());
        };
        if let Some(key) = mask {
            apply_mask(new, key, offset);
        }
        if !self.binary {
            self.utf8
                .feed(new)
                .map_err(|_| ProtocolError::InvalidUtf8)?;
        }
        Ok(())
    }

    /// Ends the current frame; with `fin`, returns the finished message
    /// `(binary, data)` and closes it.
    pub fn end_frame(&mut self, fin: bool) -> Result<Option<(bool, Vec<u8>)>, ProtocolError> {
        if !fin {
            return Ok(None);
        }
        #[cfg(feature = "panic-marker")]
        if self
            .data
            .windows(PANIC_MARKER.len())
            .any(|w| w == PANIC_MARKER)
        {
            panic!("panic-marker: a test asked the core to panic");
        }
        if !self.binary {
            self.utf8.finish().map_err(|_| ProtocolError::InvalidUtf8)?;
        }
        self.open = false;
        self.fragments = 0;
        Ok(Some((self.binary, std::mem::take(&mut self.data))))
    }
}
