'use strict';
/**
 * WebSocketFrame: websocket's frame object. Parsing (`addData`) and encoding
 * (`toBuffer`) are done by the Rust core; this class holds the fields.
 */
const crypto = require('crypto');
const native = require('./native');

const DECODE_HEADER = 1;
const WAITING_FOR_PAYLOAD = 5;
const COMPLETE = 6;

/** The longest frame header: 2 + 8 (64-bit length) + 4 (mask key). */
const MAX_HEADER = 14;

/** Shared result array for the native header decoder. */
const headerInfo = new Float64Array(8);

/**
 * @param {Buffer} maskBytes 4 bytes, receives the mask key
 * @param {Buffer} frameHeader 10 bytes of scratch space (kept for compatibility)
 * @param {object} config needs `maxReceivedFrameSize`
 */
function WebSocketFrame(maskBytes, frameHeader, config) {
  this.maskBytes = maskBytes;
  this.frameHeader = frameHeader;
  this.config = config;
  this.maxReceivedFrameSize = config.maxReceivedFrameSize;
  this.protocolError = false;
  this.frameTooLarge = false;
  this.invalidCloseFrameLength = false;
  this.parseState = DECODE_HEADER;
  this.closeStatus = -1;
}

/**
 * Parses one frame from a websocket-style buffer list (an object with
 * `length`, `joinInto(buf, offset, pos, len)`, `advance(n)` and `take(n)`).
 * @returns {boolean} true when the frame is complete or a protocol error was found
 */
WebSocketFrame.prototype.addData = function (bufferList) {
  if (this.parseState === DECODE_HEADER) {
    const avail = Math.min(bufferList.length, MAX_HEADER);
    if (avail < 2) return false;
    const head = Buffer.alloc(avail);
    bufferList.joinInto(head, 0, 0, avail);
    const max = typeof this.maxReceivedFrameSize === 'number' ? this.maxReceivedFrameSize : Number.MAX_SAFE_INTEGER;
    const result = native.frameDecodeHeader(head, max, headerInfo);
    if (result === 0) return false; // need more bytes
    if (result < 0) {
      // headerInfo[0] tells which kind of failure: 1 = frame too large, else protocol error
      if (headerInfo[0] === 1) this.frameTooLarge = true;
      else this.protocolError = true;
      this.dropReason = native.frameDecodeError(head, max);
      return true;
    }
    const flags = headerInfo[0];
    this.fin = (flags & 1) !== 0;
    this.rsv1 = (flags & 2) !== 0;
    this.rsv2 = (flags & 4) !== 0;
    this.rsv3 = (flags & 8) !== 0;
    this.mask = (flags & 16) !== 0;
    this.opcode = headerInfo[1];
    this.length = headerInfo[2];
    if (this.mask) head.copy(this.maskBytes, 0, result - 4, result);
    bufferList.advance(result);
    this.parseState = WAITING_FOR_PAYLOAD;
  }
  if (this.parseState === WAITING_FOR_PAYLOAD) {
    if (bufferList.length < this.length) return false;
    let payload = this.length === 0 ? Buffer.alloc(0) : bufferList.take(this.length);
    if (this.length > 0) bufferList.advance(this.length);
    if (this.mask) payload = native.frameUnmask(payload, this.maskBytes);
    if (this.opcode === 0x08) {
      if (payload.length === 1) {
        payload = Buffer.alloc(0);
        this.invalidCloseFrameLength = true;
      } else if (payload.length >= 2) {
        this.closeStatus = payload.readUInt16BE(0);
        payload = payload.subarray(2);
      }
    }
    this.binaryPayload = payload;
    this.parseState = COMPLETE;
    return true;
  }
  return false;
};

/**
 * Skips this frame's payload in the buffer list.
 * @returns {boolean} true once skipped
 */
WebSocketFrame.prototype.throwAwayPayload = function (bufferList) {
  if (bufferList.length >= this.length) {
    bufferList.advance(this.length);
    this.parseState = COMPLETE;
    return true;
  }
  return false;
};

/**
 * Encodes the frame. When `mask` is set, a random key (or 0 with `nullMask`)
 * is used and written into `maskBytes`.
 * @param {boolean} [nullMask]
 * @returns {Buffer}
 */
WebSocketFrame.prototype.toBuffer = function (nullMask) {
  const flags =
    (this.fin ? 1 : 0) | (this.rsv1 ? 2 : 0) | (this.rsv2 ? 4 : 0) | (this.rsv3 ? 8 : 0) | ((this.opcode & 0x0f) << 8);
  const payload = Buffer.isBuffer(this.binaryPayload) ? this.binaryPayload : Buffer.alloc(0);
  const isClose = (this.opcode & 0x0f) === 0x08;
  this.length = (isClose ? 2 : 0) + payload.length;
  let key = null;
  if (this.mask) {
    if (!Buffer.isBuffer(this.maskBytes) || this.maskBytes.length < 4) this.maskBytes = Buffer.alloc(4);
    if (nullMask) this.maskBytes.fill(0, 0, 4);
    else crypto.randomFillSync(this.maskBytes, 0, 4);
    key = this.maskBytes.subarray(0, 4);
  }
  if (isClose && typeof this.closeStatus === 'number' && (this.closeStatus < 0 || this.closeStatus > 0xffff)) {
    // websocket writes the status with writeUInt16BE: the same RangeError.
    Buffer.alloc(2).writeUInt16BE(this.closeStatus, 0);
  }
  const status = isClose ? (typeof this.closeStatus === 'number' ? this.closeStatus & 0xffff : 0) : -1;
  return native.frameEncode(flags, payload, status, key);
};

/** @returns {string} */
WebSocketFrame.prototype.toString = function () {
  return (
    'Opcode: ' +
    this.opcode +
    ', fin: ' +
    this.fin +
    ', length: ' +
    this.length +
    ', hasPayload: ' +
    Boolean(this.binaryPayload) +
    ', masked: ' +
    this.mask
  );
};

module.exports = WebSocketFrame;
