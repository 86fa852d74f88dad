//! The connection state machine: bytes in, [`Event`]s and bytes to send out.

use std::collections::VecDeque;

use crate::close;
use crate::deflate::PerMessageDeflate;
use crate::error::ProtocolError;
use crate::event::Event;
use crate::frame::{decode_header, encode_frame, FrameHeader, HeaderDecode, MAX_HEADER_LEN};
use crate::limits::Limits;
use crate::mask::apply_mask;
use crate::message::MessageAssembler;
use crate::opcode::OpCode;
use crate::rng::MaskRng;
use crate::role::Role;
use crate::state::State;

/// Where the payload of the frame being received goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    /// Into the message being assembled.
    Message,
    /// Into the control-frame buffer (at most 125 bytes).
    Control,
    /// Into a buffer of its own, reported as [`Event::Frame`].
    Raw,
    /// Through the decompressor into the message being assembled (RFC 7692).
    Compressed,
}

/// The frame whose payload is being received.
#[derive(Debug, Clone, Copy)]
struct InFrame {
    header: FrameHeader,
    opcode: OpCode,
    remaining: u64,
    received: usize,
    sink: Sink,
}

/// One WebSocket connection after the handshake (RFC 6455 §5-§7), without I/O.
///
/// Feed received bytes to [`receive`](Connection::receive), drain
/// [`poll_event`](Connection::poll_event), and write what
/// [`take_outgoing`](Connection::take_outgoing) returns.
pub struct Connection {
    role: Role,
    limits: Limits,
    rng: Box<dyn MaskRng>,
    state: State,
    auto_pong: bool,
    close_sent: bool,
    waiting_for_close_response: bool,
    close_reason_code: Option<u16>,
    close_description: Option<String>,
    events: VecDeque<Event>,
    out: Vec<u8>,
    header_buf: [u8; MAX_HEADER_LEN],
    header_len: usize,
    frame: Option<InFrame>,
    message: MessageAssembler,
    control: Vec<u8>,
    raw: Vec<u8>,
    /// See [`Connection::set_defer_failure`].
    defer_failure: bool,
    /// Input is ignored: a protocol error or the peer's close frame arrived
    /// and the driver has not acted on it yet (deferred mode).
    input_stopped: bool,
    /// The reply to the peer's close frame, waiting for
    /// [`Connection::accept_peer_close`] (deferred mode): our code, the
    /// peer's code as reported, and the description.
    pending_close: Option<(u16, u16, String)>,
    /// permessage-deflate, when negotiated (RFC 7692); boxed so that a
    /// connection without it pays one pointer.
    deflate: Option<Box<PerMessageDeflate>>,
}

/// The randomness of a role that never masks: a zero-sized stand-in, so a
/// server connection keeps no random pool of its own.
struct NoMask;

impl MaskRng for NoMask {
    fn fill(&mut self, buf: &mut [u8]) {
        buf.fill(0);
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("role", &self.role)
            .field("state", &self.state)
            .field("close_reason_code", &self.close_reason_code)
            .field("pending_events", &self.events.len())
            .field("outgoing_len", &self.out.len())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection in state `Open`. A client masks outgoing frames with keys
    /// from `rng`; a server never masks, so it lets `rng` go and keeps nothing.
    /// The buffers start empty: an idle server connection holds only this struct.
    pub fn new(role: Role, limits: Limits, rng: Box<dyn MaskRng>) -> Connection {
        let rng = if role.masks_outgoing() {
            rng
        } else {
            Box::new(NoMask)
        };
        Connection {
            role,
            limits,
            rng,
            state: State::Open,
            auto_pong: true,
            close_sent: false,
            waiting_for_close_response: false,
            close_reason_code: None,
            close_description: None,
            events: VecDeque::new(),
            out: Vec::new(),
            header_buf: [0; MAX_HEADER_LEN],
            header_len: 0,
            frame: None,
            message: MessageAssembler::new(),
            control: Vec::new(),
            raw: Vec::new(),
            defer_failure: false,
            input_stopped: false,
            pending_close: None,
            deflate: None,
        }
    }

    /// Turns permessage-deflate on with the state made from the negotiated
    /// parameters (or off with `None`). Call it before any data flows: from
    /// then on RSV1 is accepted on the first frame of a data message (RFC
    /// 7692 §6.1) and outgoing messages from the threshold up are compressed.
    pub fn set_deflate(&mut self, deflate: Option<PerMessageDeflate>) {
        self.deflate = deflate.map(Box::new);
    }

    /// Whether permessage-deflate is on.
    pub fn has_deflate(&self) -> bool {
        self.deflate.is_some()
    }

    /// When on, a protocol error does not close at once: parsing stops, input
    /// is ignored, and [`Event::Dropped`] is queued, but the state stays as it
    /// was until the driver calls [`drop_connection`](Connection::drop_connection)
    /// on that event. Replies the application queues while handling the
    /// messages before the bad frame then reach the wire before the close
    /// frame, as RFC 6455 §7.1.7 allows and Autobahn (cases 3.x, 4.x, 5.15)
    /// expects. The same goes for the peer's close frame: parsing stops and
    /// [`Event::CloseRequested`] is queued, but the reply is queued and the
    /// state becomes `PeerRequestedClose` only when the driver calls
    /// [`accept_peer_close`](Connection::accept_peer_close), so what the
    /// application sees (`state`, the close code) changes when it handles the
    /// event. Off by default.
    pub fn set_defer_failure(&mut self, on: bool) {
        self.defer_failure = on;
    }

    /// Deferred mode: the driver handles [`Event::CloseRequested`]; queue the
    /// reply (RFC 6455 §5.5.1) and enter `PeerRequestedClose`. If we sent a
    /// close frame of our own meanwhile, the handshake is complete (`Closed`);
    /// after a drop, nothing changes.
    pub fn accept_peer_close(&mut self) {
        let Some((reply, reported, description)) = self.pending_close.take() else {
            return;
        };
        match self.state {
            State::Open => {
                self.send_close_frame(reply, "");
                self.state = State::PeerRequestedClose;
                self.close_reason_code = Some(reported);
                self.close_description = Some(description);
            }
            State::Ending => {
                self.waiting_for_close_response = false;
                self.state = State::Closed;
            }
            State::PeerRequestedClose | State::Closed => {}
        }
    }

    /// This endpoint's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Appends bytes and parses all complete frames; events are queued for
    /// [`poll_event`](Connection::poll_event). Whole frames are parsed straight
    /// from `data`; only an incomplete header is copied aside, and payloads are
    /// unmasked in place in their destination. After a fatal error, once the
    /// peer's close frame arrived, or once `Closed`, further input is ignored.
    pub fn receive(&mut self, data: &[u8]) {
        let mut pos = 0;
        while pos < data.len() && self.state.receives_frames() && !self.input_stopped {
            let rest = data.get(pos..).unwrap_or(&[]);
            if self.frame.is_none() {
                match self.read_header(rest) {
                    Ok(Some(used)) => pos += used,
                    Ok(None) => return,
                    Err(err) => return self.fail(err),
                }
            }
            let rest = data.get(pos..).unwrap_or(&[]);
            match self.read_payload(rest) {
                Ok(used) => pos += used,
                Err(err) => return self.fail(err),
            }
        }
    }

    /// Decodes the next header from `rest` (after any bytes kept from earlier
    /// calls) and starts the frame. Returns the bytes of `rest` consumed, or
    /// `None` when all of `rest` was kept because the header is incomplete.
    fn read_header(&mut self, rest: &[u8]) -> Result<Option<usize>, ProtocolError> {
        let kept = self.header_len;
        let decoded = if kept == 0 {
            decode_header(rest)?
        } else {
            let copy = (MAX_HEADER_LEN - kept).min(rest.len());
            self.header_buf[kept..kept + copy].copy_from_slice(&rest[..copy]);
            decode_header(&self.header_buf[..kept + copy])?
        };
        match decoded {
            HeaderDecode::Incomplete { .. } => {
                // Incomplete means fewer than MAX_HEADER_LEN bytes in all, so `rest` fits.
                let total = kept + rest.len();
                if let Some(dst) = self.header_buf.get_mut(kept..total) {
                    dst.copy_from_slice(rest);
                }
                self.header_len = total;
                Ok(None)
            }
            HeaderDecode::Complete { header, len } => {
                self.header_len = 0;
                self.start_frame(header)?;
                Ok(Some(len - kept))
            }
        }
    }

    /// Applies the checks that depend on role and limits, then picks where the
    /// payload goes and reserves only what the header announced.
    fn start_frame(&mut self, header: FrameHeader) -> Result<(), ProtocolError> {
        if header.payload_len > self.limits.max_frame_size {
            return Err(ProtocolError::FrameTooLarge {
                size: header.payload_len,
                max: self.limits.max_frame_size,
            });
        }
        // RFC 6455 §5.2: RSV bits MUST be 0 unless an extension defines them;
        // permessage-deflate defines RSV1 (RFC 7692 §6).
        if header.rsv2 || header.rsv3 || (header.rsv1 && self.deflate.is_none()) {
            return Err(ProtocolError::ReservedBits);
        }
        let opcode = OpCode::from_u8(header.opcode)?;
        // RFC 7692 §6.1: RSV1 marks the first frame of a compressed message only.
        // (Raw-frame mode reports frames as they are, RSV1 included.)
        if header.rsv1
            && (opcode.is_control()
                || (opcode == OpCode::Continuation && self.limits.assemble_fragments))
        {
            return Err(ProtocolError::CompressedNonFirstFrame);
        }
        // RFC 6455 §5.1: a server MUST close on an unmasked frame, a client on a masked one.
        match (self.role, header.mask.is_some()) {
            (Role::Server, false) => return Err(ProtocolError::UnmaskedClientFrame),
            (Role::Client, true) => return Err(ProtocolError::MaskedServerFrame),
            _ => {}
        }
        // Bounded by max_frame_size, checked above.
        let len = usize::try_from(header.payload_len).unwrap_or(usize::MAX);
        let sink = if opcode.is_control() {
            self.control.clear();
            Sink::Control
        } else if self.limits.assemble_fragments {
            let compressed = match self.deflate.as_deref_mut() {
                Some(deflate) if opcode == OpCode::Continuation => deflate.receiving_compressed,
                Some(_) => header.rsv1,
                None => false,
            };
            if compressed {
                self.message
                    .begin_compressed_frame(header.opcode, &self.limits)?;
                if let Some(deflate) = self.deflate.as_deref_mut() {
                    deflate.receiving_compressed = true;
                }
                Sink::Compressed
            } else {
                self.message
                    .begin_frame(header.opcode, header.payload_len, &self.limits)?;
                Sink::Message
            }
        } else {
            self.raw = Vec::with_capacity(len);
            Sink::Raw
        };
        self.frame = Some(InFrame {
            header,
            opcode,
            remaining: header.payload_len,
            received: 0,
            sink,
        });
        Ok(())
    }

    /// Moves as much of the current frame's payload as `rest` holds into its
    /// sink; finishes the frame when complete. Returns the bytes consumed.
    fn read_payload(&mut self, rest: &[u8]) -> Result<usize, ProtocolError> {
        let Some(mut frame) = self.frame.take() else {
            return Ok(0);
        };
        let take = usize::try_from(frame.remaining).map_or(rest.len(), |r| r.min(rest.len()));
        let chunk = rest.get(..take).unwrap_or(&[]);
        let mask = frame.header.mask;
        match frame.sink {
            Sink::Message => self.message.extend(chunk, mask, frame.received)?,
            Sink::Control => append_unmasked(&mut self.control, chunk, mask, frame.received),
            Sink::Raw => append_unmasked(&mut self.raw, chunk, mask, frame.received),
            Sink::Compressed => self.inflate_chunk(chunk, mask, frame.received)?,
        }
        frame.remaining -= take as u64;
        frame.received += take;
        if frame.remaining == 0 {
            self.finish_frame(&frame)?;
        } else {
            self.frame = Some(frame);
        }
        Ok(take)
    }

    /// Unmasks a piece of a compressed frame and inflates it onto the
    /// message, counting the inflated size against `max_message_size`.
    fn inflate_chunk(
        &mut self,
        chunk: &[u8],
        mask: Option<[u8; 4]>,
        offset: usize,
    ) -> Result<(), ProtocolError> {
        let Some(deflate) = self.deflate.as_deref_mut() else {
            return Ok(());
        };
        let mut scratch = std::mem::take(&mut deflate.scratch);
        scratch.clear();
        append_unmasked(&mut scratch, chunk, mask, offset);
        let max = self.limits.max_message_size;
        let result = self
            .message
            .extend_with(|out| deflate.decompress(&scratch, out, max));
        // Keep a modest buffer for the next piece, not the largest one seen.
        if scratch.capacity() <= 64 * 1024 {
            deflate.scratch = scratch;
        }
        result
    }

    fn finish_frame(&mut self, frame: &InFrame) -> Result<(), ProtocolError> {
        let h = &frame.header;
        match frame.sink {
            Sink::Compressed => {
                if h.fin {
                    let max = self.limits.max_message_size;
                    if let Some(deflate) = self.deflate.as_deref_mut() {
                        deflate.receiving_compressed = false;
                        self.message
                            .extend_with(|out| deflate.finish_message(out, max))?;
                    }
                }
                if let Some((binary, data)) = self.message.end_frame(h.fin)? {
                    self.events.push_back(Event::Message { binary, data });
                }
            }
            Sink::Message => {
                if let Some((binary, data)) = self.message.end_frame(h.fin)? {
                    self.events.push_back(Event::Message { binary, data });
                }
            }
            Sink::Raw => {
                let payload = std::mem::take(&mut self.raw);
                self.events.push_back(raw_frame_event(h, payload, None));
            }
            Sink::Control => {
                let payload = std::mem::take(&mut self.control);
                if !self.limits.assemble_fragments {
                    let event = if frame.opcode == OpCode::Close {
                        let (status, rest) = split_close_payload(&payload);
                        raw_frame_event(h, rest.to_vec(), status)
                    } else {
                        raw_frame_event(h, payload.clone(), None)
                    };
                    self.events.push_back(event);
                }
                let result = self.handle_control(frame.opcode, &payload);
                // Keep the buffer (at most 125 bytes) for the next control frame.
                self.control = payload;
                result?;
            }
        }
        Ok(())
    }

    fn handle_control(&mut self, opcode: OpCode, payload: &[u8]) -> Result<(), ProtocolError> {
        match opcode {
            OpCode::Ping => {
                // RFC 6455 §5.5.2: answer with a pong carrying the same payload.
                if self.auto_pong {
                    self.pong(payload);
                }
                self.events.push_back(Event::Ping(payload.to_vec()));
            }
            OpCode::Pong => self.events.push_back(Event::Pong(payload.to_vec())),
            OpCode::Close => self.handle_close(payload)?,
            _ => {}
        }
        Ok(())
    }

    /// RFC 6455 §5.5.1 / §7.1.5: a close frame either answers ours or starts the handshake.
    fn handle_close(&mut self, payload: &[u8]) -> Result<(), ProtocolError> {
        if self.waiting_for_close_response {
            self.waiting_for_close_response = false;
            self.state = State::Closed;
            self.discard_input();
            self.events.push_back(Event::CloseCompleted);
            return Ok(());
        }
        let (code, reason) = split_close_payload(payload);
        // RFC 6455 §5.5.1: the reason is UTF-8; §8.1: invalid UTF-8 fails with 1007.
        let reason = simdutf8::basic::from_utf8(reason).map_err(|_| ProtocolError::InvalidUtf8)?;
        // A 1-byte payload (RFC 6455 §5.5.1 needs 0 or >= 2) or a code not allowed on
        // the wire (§7.4) is answered with 1002.
        let valid = payload.len() != 1 && code.is_none_or(close::is_valid_wire_code);
        let reply = if valid {
            close::NORMAL
        } else {
            close::PROTOCOL_ERROR
        };
        let reported = code.unwrap_or(close::NOT_PROVIDED);
        let description = if reason.is_empty() {
            close::description(reported).unwrap_or("").to_owned()
        } else {
            reason.to_owned()
        };
        self.discard_input();
        if self.defer_failure {
            self.input_stopped = true;
            self.pending_close = Some((reply, reported, description.clone()));
        } else {
            self.send_close_frame(reply, "");
            self.state = State::PeerRequestedClose;
            self.close_reason_code = Some(reported);
            self.close_description = Some(description.clone());
        }
        self.events.push_back(Event::CloseRequested {
            code,
            reason: description,
        });
        Ok(())
    }

    /// Fails the connection (RFC 6455 §7.1.7): close frame with the error's code, state `Closed`.
    fn fail(&mut self, err: ProtocolError) {
        let code = err.close_code();
        let reason = err.to_string();
        if self.defer_failure {
            self.input_stopped = true;
            self.discard_input();
        } else {
            self.drop_connection(code, &reason, false);
        }
        self.events.push_back(Event::Dropped { code, reason });
    }

    fn discard_input(&mut self) {
        if let Some(deflate) = self.deflate.as_deref_mut() {
            deflate.receiving_compressed = false;
            deflate.scratch = Vec::new();
        }
        self.header_len = 0;
        self.frame = None;
        self.message.reset();
        self.control.clear();
        self.raw = Vec::new();
    }

    /// The next queued event, in wire order.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Number of queued events.
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    fn next_mask(&mut self) -> Option<[u8; 4]> {
        if self.role.masks_outgoing() {
            let mut key = [0u8; 4];
            self.rng.fill(&mut key);
            Some(key)
        } else {
            None
        }
    }

    fn write_frame(&mut self, fin: bool, opcode: u8, parts: &[&[u8]]) {
        self.write_frame_rsv1(fin, false, opcode, parts);
    }

    fn write_frame_rsv1(&mut self, fin: bool, rsv1: bool, opcode: u8, parts: &[&[u8]]) {
        let header = FrameHeader {
            fin,
            rsv1,
            rsv2: false,
            rsv3: false,
            opcode,
            mask: self.next_mask(),
            payload_len: 0,
        };
        encode_frame(&mut self.out, &header, parts);
    }

    /// Queues a text (`binary` = false) or binary message, split into
    /// `ceil(len / fragmentation_threshold)` frames when `fragment_outgoing` is
    /// on and the payload is longer than the threshold. Returns false (and sends
    /// nothing) unless the state is `Open`: after a close frame no data may follow
    /// (RFC 6455 §5.5.1). Text must already be UTF-8 (the caller holds a `str`).
    pub fn send_message(&mut self, binary: bool, payload: &[u8]) -> bool {
        if !self.state.accepts_data() {
            return false;
        }
        let threshold = self
            .limits
            .fragment_outgoing
            .then_some(self.limits.fragmentation_threshold);
        // RFC 7692 §6.1: a compressed message has RSV1 on its first frame;
        // it is compressed whole, then fragmented like any other.
        let compressed = match self.deflate.as_deref_mut() {
            Some(deflate) if deflate.should_compress(payload.len()) => {
                Some(deflate.compress(payload))
            }
            _ => None,
        };
        let (rsv1, payload) = match compressed.as_deref() {
            Some(data) => (true, data),
            None => (false, payload),
        };
        for_each_fragment(threshold, binary, payload, |fin, opcode, piece| {
            self.write_frame_rsv1(fin, rsv1 && opcode != 0x0, opcode, &[piece]);
        });
        true
    }

    /// Queues frames made by
    /// [`encode_server_message`](crate::broadcast::encode_server_message)
    /// (broadcast). Returns false, sending nothing, unless this is a server
    /// (client frames must be masked, each with its own key) in state `Open`.
    pub fn send_encoded(&mut self, frames: &[u8]) -> bool {
        if self.role.masks_outgoing() || !self.state.accepts_data() {
            return false;
        }
        self.out.extend_from_slice(frames);
        true
    }

    /// Queues frames made by
    /// [`encode_server_message_deflated`](crate::broadcast::encode_server_message_deflated)
    /// with `window_bits`. Returns false, sending nothing, unless this is a
    /// server in state `Open` whose permessage-deflate agreement keeps no
    /// server context and allows that window
    /// ([`PerMessageDeflate::accepts_shared`]); the caller then sends the
    /// message with [`send_message`](Connection::send_message) instead.
    pub fn send_encoded_deflated(&mut self, frames: &[u8], window_bits: u8) -> bool {
        let fits = self
            .deflate
            .as_deref()
            .is_some_and(|d| d.accepts_shared(window_bits));
        fits && self.send_encoded(frames)
    }

    /// Queues a raw frame, as `WebSocketConnection.sendFrame` with
    /// `WebSocketFrame.toBuffer`: the given bits, `opcode & 0xF`, and for opcode
    /// 0x8 the 2-byte `close_status` (when given) before `payload`; masked per
    /// role. Nothing is validated. Returns false (nothing sent) unless `Open`.
    #[allow(clippy::too_many_arguments)]
    pub fn send_frame(
        &mut self,
        fin: bool,
        rsv1: bool,
        rsv2: bool,
        rsv3: bool,
        opcode: u8,
        payload: &[u8],
        close_status: Option<u16>,
    ) -> bool {
        if !self.state.accepts_data() {
            return false;
        }
        let header = FrameHeader {
            fin,
            rsv1,
            rsv2,
            rsv3,
            opcode: opcode & 0x0F,
            mask: self.next_mask(),
            payload_len: 0,
        };
        let status = close_status.map(u16::to_be_bytes);
        match status {
            Some(ref code) if opcode & 0x0F == 0x8 => {
                encode_frame(&mut self.out, &header, &[code, payload])
            }
            _ => encode_frame(&mut self.out, &header, &[payload]),
        }
        true
    }

    /// Queues a ping. A payload over 125 bytes is cut to 125 (RFC 6455 §5.5;
    /// `websocket` cuts to 124). Returns false (nothing sent) unless `Open`.
    pub fn ping(&mut self, payload: &[u8]) -> bool {
        self.send_control(0x9, payload)
    }

    /// Queues a pong; same rules as [`ping`](Connection::ping).
    pub fn pong(&mut self, payload: &[u8]) -> bool {
        self.send_control(0xA, payload)
    }

    fn send_control(&mut self, opcode: u8, payload: &[u8]) -> bool {
        if !self.state.accepts_data() {
            return false;
        }
        let payload = payload.get(..125).unwrap_or(payload);
        self.write_frame(true, opcode, &[payload]);
        true
    }

    /// Queues a close frame if the state still allows one (`websocket`'s
    /// `sendCloseFrame`: `Open` or `PeerRequestedClose`) and none was sent yet
    /// (RFC 6455 §5.5.1: one close frame per endpoint; `websocket` may send two
    /// when `drop()` follows the peer's close); the reason is cut to 123 bytes at
    /// a char boundary.
    fn send_close_frame(&mut self, code: u16, reason: &str) {
        if !self.state.can_send_close() || self.close_sent {
            return;
        }
        self.close_sent = true;
        let reason = close::truncate_reason(reason);
        self.write_frame(true, 0x8, &[&code.to_be_bytes(), reason.as_bytes()]);
    }

    /// `websocket`'s `close()`: starts the close handshake (RFC 6455 §7.1.2).
    /// Does nothing unless `Open`. A code `websocket` rejects gives
    /// `Err(ProtocolError::InvalidCloseCode)` (`Close code N is not valid.`).
    /// Queues the close frame, state `Ending`, and remembers code and reason as
    /// [`close_reason_code`](Connection::close_reason_code) /
    /// [`close_description`](Connection::close_description). The caller passes
    /// [`close::description`](crate::close::description) for a missing reason.
    pub fn close(&mut self, code: u16, reason: &str) -> Result<(), ProtocolError> {
        if self.state != State::Open {
            return Ok(());
        }
        if !close::is_valid_local_code(code) {
            return Err(ProtocolError::InvalidCloseCode { code });
        }
        self.close_reason_code = Some(code);
        self.close_description = Some(reason.to_owned());
        self.waiting_for_close_response = true;
        self.send_close_frame(code, reason);
        self.state = State::Ending;
        Ok(())
    }

    /// `websocket`'s `drop()`: state `Closed`, discards partial input and any
    /// open message, and queues a close frame unless `skip_close_frame` (or the
    /// state no longer allows one).
    pub fn drop_connection(&mut self, code: u16, reason: &str, skip_close_frame: bool) {
        self.close_reason_code = Some(code);
        self.close_description = Some(reason.to_owned());
        self.discard_input();
        if !skip_close_frame {
            self.send_close_frame(code, reason);
        }
        self.state = State::Closed;
        self.waiting_for_close_response = false;
    }

    /// The transport closed. Returns `(code, description)` for the 'close'
    /// event: what a close frame (ours or the peer's) or a drop recorded; a peer
    /// close frame without status gives 1005 `Reason not provided` (RFC 6455
    /// §7.1.5); no close frame at all gives 1006 `Connection dropped by remote
    /// peer.`. State `Closed`.
    pub fn transport_closed(&mut self) -> (u16, String) {
        self.state = State::Closed;
        self.waiting_for_close_response = false;
        self.discard_input();
        let code = *self.close_reason_code.get_or_insert(close::ABNORMAL);
        let description = self
            .close_description
            .get_or_insert_with(|| close::DROPPED_BY_PEER.to_owned())
            .clone();
        (code, description)
    }

    /// Our close frame got no answer within `closeTimeout`: state `Closed`
    /// (the driver then ends the socket).
    pub fn close_timeout_elapsed(&mut self) {
        if self.waiting_for_close_response {
            self.waiting_for_close_response = false;
            self.state = State::Closed;
            self.discard_input();
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The close code once closing or closed (`None` while open: -1 in JS).
    pub fn close_reason_code(&self) -> Option<u16> {
        self.close_reason_code
    }

    /// The close description once closing or closed (`None` while open).
    pub fn close_description(&self) -> Option<&str> {
        self.close_description.as_deref()
    }

    /// Whether our close frame is waiting for the peer's reply.
    pub fn is_waiting_for_close_response(&self) -> bool {
        self.waiting_for_close_response
    }

    /// When true (the default) the core answers pings itself with a pong of the
    /// same payload, and still emits [`Event::Ping`].
    pub fn set_auto_pong(&mut self, on: bool) {
        self.auto_pong = on;
    }

    /// Whether bytes are queued for the wire.
    pub fn has_outgoing(&self) -> bool {
        !self.out.is_empty()
    }

    /// Moves the queued wire bytes out (appends to `out`), leaving the internal
    /// buffer empty. When `out` is empty the buffers are swapped, not copied.
    pub fn take_outgoing_into(&mut self, out: &mut Vec<u8>) {
        if out.is_empty() {
            std::mem::swap(&mut self.out, out);
        } else {
            out.extend_from_slice(&self.out);
            self.out.clear();
        }
    }

    /// The queued wire bytes, to write without taking them.
    pub fn outgoing(&self) -> &[u8] {
        &self.out
    }

    /// Forgets the queued wire bytes (they were written), keeping the buffer.
    pub fn clear_outgoing(&mut self) {
        self.out.clear();
    }

    /// Moves the queued wire bytes out.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Bytes queued and not yet taken.
    pub fn outgoing_len(&self) -> usize {
        self.out.len()
    }
}

/// The frames of one outgoing message, as (fin, opcode, payload piece): one
/// frame, or `ceil(len / threshold)` frames (continuations after the first)
/// when a threshold is given and the payload is longer. Shared by
/// [`Connection::send_message`] and
/// [`encode_server_message`](crate::broadcast::encode_server_message), so a
/// broadcast is fragmented exactly as a send.
pub(crate) fn for_each_fragment(
    threshold: Option<usize>,
    binary: bool,
    payload: &[u8],
    mut frame: impl FnMut(bool, u8, &[u8]),
) {
    let opcode = if binary { 0x2 } else { 0x1 };
    match threshold {
        Some(threshold) if threshold != 0 && payload.len() > threshold => {
            let count = payload.len().div_ceil(threshold);
            for (i, piece) in payload.chunks(threshold).enumerate() {
                frame(i + 1 == count, if i == 0 { opcode } else { 0x0 }, piece);
            }
        }
        _ => frame(true, opcode, payload),
    }
}

fn append_unmasked(buf: &mut Vec<u8>, chunk: &[u8], mask: Option<[u8; 4]>, offset: usize) {
    let start = buf.len();
    buf.extend_from_slice(chunk);
    if let (Some(key), Some(new)) = (mask, buf.get_mut(start..)) {
        apply_mask(new, key, offset);
    }
}

/// Splits a close payload into its status code and reason (a 1-byte payload has neither).
fn split_close_payload(payload: &[u8]) -> (Option<u16>, &[u8]) {
    match payload {
        [hi, lo, reason @ ..] => (Some(u16::from_be_bytes([*hi, *lo])), reason),
        _ => (None, &[]),
    }
}

fn raw_frame_event(h: &FrameHeader, payload: Vec<u8>, close_status: Option<u16>) -> Event {
    Event::Frame {
        fin: h.fin,
        rsv1: h.rsv1,
        rsv2: h.rsv2,
        rsv3: h.rsv3,
        opcode: h.opcode,
        payload,
        close_status,
    }
}
