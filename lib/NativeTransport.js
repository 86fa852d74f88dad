'use strict';
/**
 * The event-loop transport: Rust owns a plain TCP socket and drives it on
 * Node's own libuv loop (design.md, "Transports"). Node parses the HTTP
 * upgrade; then the socket's file descriptor is duplicated, the bytes Node
 * already read are passed along, and Node's socket is destroyed in the same
 * tick (the duplicate keeps the connection open). Rust reads, parses and
 * writes on this thread, and hands the events of every socket read in one
 * loop iteration to `deliver` in one call (one hub per environment).
 *
 * `NativeSocket` stands in for the `net.Socket` as `connection.socket`: it has
 * the addresses, `setNoDelay`, `setKeepAlive`, `setTimeout`, `pause`,
 * `resume`, `end`, `destroy`, `writableLength`, and emits `end`, `error`,
 * `drain`, `pause`, `resume` and `close` like a socket.
 */
const EventEmitter = require('events').EventEmitter;
const net = require('net');
const util = require('util');
const native = require('./native');

const KIND_BINARY = 2;
const KIND_EOF = 9;
const KIND_CLOSED = 10;
const KIND_IO_ERROR = 11;
const KIND_WRITTEN = 12;
/** Set in a kind word when the payload is a Buffer of its own (src/io/events.rs). */
const KIND_OWN_PAYLOAD = 0x100;
/** Words per event in a hub batch: id, kind, payload length, a, b. */
const STRIDE = 5;
/** Bytes queued above which `outputBufferFull` is set (net.Socket's default high-water mark). */
const HIGH_WATER_MARK = 16 * 1024;

const EMPTY = Buffer.alloc(0);

let hub = null;
/** id -> NativeSocket, for every socket Rust owns. */
const sockets = new Map();
/** Whether this process has libuv for the addon (null: not asked yet). */
let available = null;

/** The staging Buffer last seen, and a Uint32Array over it. */
let staging = null;
let stagingMeta = null;

/**
 * Dispatches one hub batch in order. An exception from a user's handler is
 * rethrown on the next tick (as an uncaught exception, as with `websocket`)
 * and does not cost the other connections their events.
 *
 * Two forms: `(count, staging, own)` when the batch was written in place into
 * the hub's staging Buffer (5 meta words per event, then the small payloads;
 * valid only during this call, so binary payloads are copied out), or
 * `(head, large, own)` for a batch too large for it.
 * @param {number|Buffer} head the event count (staged), or a Buffer with the
 *   count (u32 LE), 5 meta words per event, then the payloads unless they came in `large`
 * @param {Buffer|null} large the staging Buffer, or the small payloads when together they are large
 * @param {Buffer[]|null} own large payloads, one Buffer each, for the events flagged KIND_OWN_PAYLOAD
 */
function deliver(head, large, own) {
  let meta;
  let first;
  let data;
  let staged = false;
  if (typeof head === 'number') {
    if (large !== staging) {
      staging = large;
      stagingMeta = new Uint32Array(large.buffer, large.byteOffset, large.length >> 2);
    }
    meta = stagingMeta;
    first = 0;
    data = large.subarray(head * STRIDE * 4);
    staged = true;
    return dispatch(meta, first, head, data, own, staged);
  }
  const count = head.readUInt32LE(0);
  const words = 1 + count * STRIDE;
  if ((head.byteOffset & 3) === 0) {
    meta = new Uint32Array(head.buffer, head.byteOffset, words);
  } else {
    meta = new Uint32Array(words);
    for (let i = 0; i < words; i++) meta[i] = head.readUInt32LE(i * 4);
  }
  data = large === null || large === undefined ? head.subarray(words * 4) : large;
  return dispatch(meta, 1, count, data, own, staged);
}

/**
 * @param {Uint32Array} meta
 * @param {number} first index of the first event's words
 * @param {number} count events
 * @param {Buffer} data the small payloads, back to back
 * @param {Buffer[]|null} own
 * @param {boolean} staged whether `data` is reused after this call
 */
function dispatch(meta, first, count, data, own, staged) {
  let offset = 0;
  let ownIndex = 0;
  const last = first + count * STRIDE;
  for (let i = first; i < last; i += STRIDE) {
    let kind = meta[i + 1];
    let buf = data;
    let start = offset;
    let end;
    if ((kind & KIND_OWN_PAYLOAD) !== 0) {
      // A large payload in a Buffer of its own (no copy on the way here).
      kind &= ~KIND_OWN_PAYLOAD;
      buf = own[ownIndex++];
      start = 0;
      end = buf.length;
    } else {
      offset += meta[i + 2];
      end = offset;
      if (staged && kind === KIND_BINARY) {
        // The staging Buffer is reused: the message gets its own bytes.
        buf = Buffer.allocUnsafe(end - start);
        data.copy(buf, 0, start, end);
        start = 0;
        end = buf.length;
      }
    }
    const socket = sockets.get(meta[i]);
    if (socket === undefined) continue;
    try {
      socket._event(kind, buf, start, end, meta[i + 3], meta[i + 4]);
    } catch (err) {
      process.nextTick(rethrow, err);
    }
  }
}

function rethrow(err) {
  throw err;
}

function getHub() {
  if (hub === null) hub = native.hubCreate(deliver);
  return hub;
}

// The loop stays alive for the sockets through the addon's own libuv
// handles, exactly while one is open or has events to deliver.
function track(socket) {
  sockets.set(socket._id, socket);
}

function untrack(socket) {
  sockets.delete(socket._id);
}

function settleUpTo(socket, seq) {
  socket._settle(seq, undefined);
}

/**
 * Whether Rust can take `socket` over: a plain (not TLS) TCP socket with a
 * file descriptor, and nobody opted out (`config.nativeTransport: false` or
 * `WEBSOCKET_RS_TRANSPORT=js` in the environment).
 * @param {*} socket
 * @param {object} [config]
 * @returns {boolean}
 */
function canAdopt(socket, config) {
  if (config && config.nativeTransport === false) return false;
  if (process.env.WEBSOCKET_RS_TRANSPORT === 'js') return false;
  if (available === null) available = native.ioAvailable();
  if (!available) return false;
  if (!(socket instanceof net.Socket) || socket.encrypted || socket.destroyed || socket.connecting) return false;
  const handle = socket._handle;
  return (
    !!handle &&
    typeof handle.fd === 'number' &&
    handle.fd >= 0 &&
    typeof handle.readStop === 'function' &&
    typeof handle.setNoDelay === 'function'
  );
}

/** The last local address seen: every connection to one listener shares the string. */
let lastLocalAddress = '';

/**
 * @param {string} address
 * @returns {string} `address`, or an equal string already held
 */
function shareLocalAddress(address) {
  if (address === lastLocalAddress) return lastLocalAddress;
  if (typeof address === 'string') lastLocalAddress = address;
  return address;
}

/**
 * A socket owned by Rust, in the shape of a `net.Socket`.
 *
 * Idle connections are what a server holds most of, so this object stays
 * small: its listener table is created only when someone listens (the
 * connection using it is called directly, see `_listener`), and the fields
 * that never change live on the prototype.
 * @param {import('net').Socket} socket the Node socket it replaces
 */
function NativeSocket(socket) {
  // EventEmitter's fields, without the listener table until the first
  // listener (EventEmitter creates it on demand when `_events` is undefined).
  this._events = undefined;
  this._eventsCount = 0;
  this._maxListeners = undefined;
  this.remoteAddress = socket.remoteAddress;
  this.remotePort = socket.remotePort;
  this.remoteFamily = socket.remoteFamily;
  this.localAddress = shareLocalAddress(socket.localAddress);
  this.localPort = socket.localPort;
  this._connection = null;
  /** The connection handling this socket's events, called before any listener (set by `_addSocketEventListeners`). */
  this._listener = null;
  this._id = 0;
}

util.inherits(NativeSocket, EventEmitter);

NativeSocket.prototype.encrypted = false;
NativeSocket.prototype.connecting = false;
NativeSocket.prototype.isNative = true;
// State an idle socket does not change: defaults here, own properties once set.
NativeSocket.prototype.destroyed = false;
NativeSocket.prototype.writableEnded = false;
NativeSocket.prototype.readableEnded = false;
NativeSocket.prototype._noDelay = false;
NativeSocket.prototype._keepAlive = null;
NativeSocket.prototype._paused = false;
NativeSocket.prototype._seq = 0;
/** [seq, callbacks[]] waiting for their bytes to be written, or null when none. */
NativeSocket.prototype._written = null;
NativeSocket.prototype._wantDrain = false;

Object.defineProperties(NativeSocket.prototype, {
  /** Bytes queued for this socket and not yet written. */
  writableLength: {
    get: function () {
      return this._id === 0 || this.destroyed ? 0 : native.ioQueued(this._connection._native);
    }
  },
  bufferSize: {
    get: function () {
      return this.writableLength;
    }
  },
  readyState: {
    get: function () {
      if (this.destroyed) return 'closed';
      if (this.writableEnded) return this.readableEnded ? 'closed' : 'readOnly';
      return this.readableEnded ? 'writeOnly' : 'open';
    }
  }
});

/**
 * Takes the Node socket over for `connection`: stops Node reading, collects
 * what Node had buffered, hands the fd to Rust and destroys Node's socket.
 * @param {import('net').Socket} socket
 * @param {object} connection the WebSocketConnection using this socket
 * @param {Buffer} initialOut bytes to write first (the 101 response), or empty
 * @param {Buffer} [head] bytes Node read past the HTTP head and did not buffer in the socket
 */
NativeSocket.prototype._adopt = function (socket, connection, initialOut, head) {
  this._connection = connection;
  const handle = socket._handle;
  handle.readStop();
  const chunks = [];
  if (head && head.length > 0) chunks.push(head);
  for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) chunks.push(chunk);
  const initialIn = chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  this._id = native.ioAdopt(connection._native, getHub(), handle.fd, initialIn, initialOut, this._noDelay);
  track(this);
  if (this._keepAlive !== null) native.ioSetKeepAlive(connection._native, this._keepAlive[0], this._keepAlive[1]);
  // The duplicate keeps the connection open; Node's socket goes now.
  socket.removeAllListeners('data');
  socket.destroy();
};

/** Handles one event of a hub batch. */
NativeSocket.prototype._event = function (kind, data, start, end, a, b) {
  switch (kind) {
    case KIND_EOF:
      this.readableEnded = true;
      if (this._listener !== null) this._listener.handleSocketEnd();
      this.emit('end');
      // As a net.Socket without allowHalfOpen: end our side too, after the
      // events before it were handled (a close frame they queued goes first).
      this.end();
      break;
    case KIND_IO_ERROR: {
      const code = a !== 0 ? util.getSystemErrorName(-a) : 'EIO';
      const syscall = b === 1 ? 'write' : 'read';
      const err = new Error(syscall + ' ' + code);
      err.errno = a !== 0 ? -a : undefined;
      err.code = code;
      err.syscall = syscall;
      if (this._listener !== null) this._listener.handleSocketError(err);
      if (this.listenerCount('error') > 0) this.emit('error', err);
      break;
    }
    case KIND_WRITTEN:
      this._settle(a, undefined);
      if (b === 1 && this._wantDrain) {
        this._wantDrain = false;
        if (this._listener !== null) this._listener.handleSocketDrain();
        this.emit('drain');
      }
      break;
    case KIND_CLOSED:
      this.destroyed = true;
      this.writableEnded = true;
      untrack(this);
      this._settle(0xffffffff, new Error('Connection closed before the data was written.'));
      if (this._listener !== null) this._listener.handleSocketClose(a === 1);
      this.emit('close', a === 1);
      break;
    default:
      this._connection._nativeEvent(kind, data, start, end, a, b);
  }
};

/**
 * Registers callbacks to call once everything queued so far is written.
 * @param {Function[]} callbacks
 * @returns {number} the flush sequence number to pass to Rust
 */
NativeSocket.prototype._addCallbacks = function (callbacks) {
  this._seq = this._seq === 0xfffffffe ? 1 : this._seq + 1;
  if (this._written === null) this._written = [];
  this._written.push([this._seq, callbacks]);
  return this._seq;
};

/** Calls the callbacks of every flush up to `seq` (with `err` once the socket is gone). */
NativeSocket.prototype._settle = function (seq, err) {
  const written = this._written;
  if (written === null) return;
  while (written.length > 0 && (err !== undefined || written[0][0] <= seq)) {
    const callbacks = written.shift()[1];
    for (const cb of callbacks) {
      if (err === undefined) cb();
      else cb(err);
    }
  }
  if (written.length === 0 && this._written === written) this._written = null;
};

/**
 * Writes what the core queued; `callbacks` run once written.
 * @param {Function[]} callbacks
 * @returns {boolean} false when more than the high-water mark is queued
 */
NativeSocket.prototype._flush = function (callbacks) {
  const seq = callbacks.length > 0 ? this._addCallbacks(callbacks) : 0;
  const queued = native.ioFlush(this._id, seq, false);
  if (queued === 0) {
    // Written straight away: nothing is pending, every callback is due.
    if (this._written !== null) process.nextTick(settleUpTo, this, this._seq);
    return true;
  }
  if (queued <= HIGH_WATER_MARK) return true;
  if (!this._wantDrain) {
    this._wantDrain = true;
    native.ioFlush(this._id, 0, true);
  }
  return false;
};

NativeSocket.prototype.setNoDelay = function (noDelay) {
  const on = noDelay === undefined ? true : !!noDelay;
  this._noDelay = on;
  if (this._id !== 0 && !this.destroyed) native.ioSetNoDelay(this._connection._native, on);
  return this;
};

NativeSocket.prototype.setKeepAlive = function (enable, initialDelay) {
  const on = !!enable;
  const delay = typeof initialDelay === 'number' && initialDelay > 0 ? Math.min(initialDelay, 0xffffffff) : 0;
  this._keepAlive = [on, delay];
  if (this._id !== 0 && !this.destroyed) native.ioSetKeepAlive(this._connection._native, on, delay);
  return this;
};

/** Idle timeouts are not supported on a native socket; `setTimeout(0)` (off) is what connections use. */
NativeSocket.prototype.setTimeout = function (ms, callback) {
  return this;
};

NativeSocket.prototype.pause = function () {
  return this._setPaused(true);
};

NativeSocket.prototype.resume = function () {
  return this._setPaused(false);
};

/** Stops or restarts reading, then tells the connection and emits `pause`/`resume`, as a socket does. */
NativeSocket.prototype._setPaused = function (paused) {
  if (this._paused === paused) return this;
  this._paused = paused;
  if (this._id !== 0 && !this.destroyed) native.ioSetPaused(this._connection._native, paused);
  if (this._listener !== null) {
    if (paused) this._listener.handleSocketPause();
    else this._listener.handleSocketResume();
  }
  this.emit(paused ? 'pause' : 'resume');
  return this;
};

NativeSocket.prototype.isPaused = function () {
  return this._paused;
};

/** Ends the write side once everything queued is written. */
NativeSocket.prototype.end = function () {
  if (this.writableEnded || this.destroyed) return this;
  this.writableEnded = true;
  if (this._id !== 0) native.ioEnd(this._connection._native, false);
  return this;
};

/** Ends the write side once everything queued is written, then closes without waiting for the peer. */
NativeSocket.prototype.destroySoon = function () {
  if (this.destroyed) return this;
  this.writableEnded = true;
  if (this._id !== 0) native.ioEnd(this._connection._native, true);
  else this.destroy();
  return this;
};

/** Closes the socket at once; `close` follows. */
NativeSocket.prototype.destroy = function () {
  if (this.destroyed) return this;
  this.destroyed = true;
  if (this._id !== 0) native.ioDestroy(this._connection._native);
  return this;
};

NativeSocket.prototype.address = function () {
  return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
};

NativeSocket.prototype.ref = function () {
  return this;
};

NativeSocket.prototype.unref = function () {
  return this;
};

/**
 * The hub id of a socket Rust owns, or 0 (not native, or closed).
 * @param {*} socket
 * @returns {number}
 */
function nativeId(socket) {
  return socket instanceof NativeSocket && !socket.destroyed && !socket.writableEnded ? socket._id : 0;
}

let broadcastFlushScheduled = false;

/** Writes what the broadcasts of this synchronous run queued: one write per connection. */
function flushBroadcasts() {
  broadcastFlushScheduled = false;
  native.ioFlushBroadcasts(getHub());
}

/**
 * Sends one message to the native connections `ids`, encoded once in Rust;
 * it is written at the end of this synchronous run, with the other
 * broadcasts of the run.
 * @param {number[]} ids
 * @param {Buffer} payload
 * @param {boolean} binary
 * @param {object} config the server config (fragmentation settings)
 * @returns {number} how many connections it was queued on
 */
function broadcastNative(ids, payload, binary, config) {
  if (!broadcastFlushScheduled) {
    broadcastFlushScheduled = true;
    queueMicrotask(flushBroadcasts);
  }
  return native.ioBroadcast(
    getHub(),
    Uint32Array.from(ids),
    payload,
    binary,
    config.fragmentOutgoingMessages !== false,
    typeof config.fragmentationThreshold === 'number' ? config.fragmentationThreshold : 0
  );
}

module.exports = {
  NativeSocket,
  canAdopt,
  nativeId,
  broadcastNative
};
