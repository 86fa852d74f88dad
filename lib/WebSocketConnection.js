'use strict';
/**
 * WebSocketConnection: websocket's connection API over the Rust protocol core.
 *
 * This file only translates: received bytes go to the native core in one call
 * per chunk, which returns every event they produced as one packed batch; sends
 * are framed (and masked) by the core into one output buffer per connection,
 * written to the socket once per tick. Protocol rules, UTF-8 validation, close
 * codes and limits all live in Rust (crates/wsproto).
 */
const EventEmitter = require('events').EventEmitter;
const util = require('util');
const native = require('./native');
const debugLog = require('./debug');
const deadlines = require('./Deadlines');

/** `DEBUG` selects websocket:connection: read once; every log call below is behind this flag. */
const log = debugLog.createLogger('websocket:connection');
const DEBUG = log.enabled;
/** Numbers connections in the log (counted only while logging). */
let debugId = 0;

const KIND_TEXT = 1;
const KIND_BINARY = 2;
const KIND_FRAME = 3;
const KIND_PING = 4;
const KIND_PONG = 5;
const KIND_CLOSE_REQUESTED = 6;
const KIND_CLOSE_COMPLETED = 7;
const KIND_DROPPED = 8;
const NONE = 0xffffffff;

/** Events described per native call (4 words each, plus 2 header words). */
const META_EVENTS = 256;
/** One meta array serves every connection: batches are consumed synchronously. */
const sharedMeta = new Uint32Array(2 + META_EVENTS * 4);

/** A binary message at least this large gets its own Buffer instead of a view into the batch. */
const OWN_BUFFER_THRESHOLD = 64 * 1024;

/** Bytes in the socket's write buffer above which the JS-fed transport stops reading the peer. */
const OUTPUT_READ_LIMIT = 1024 * 1024;
/** Bytes queued on a native socket at which `outputBufferFull` turns true (net.Socket's default high-water mark). */
const NATIVE_HIGH_WATER_MARK = 16 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Connections with sends to write at the end of this JS run: one microtask
 * flushes them all, instead of a bound `_flush` and a microtask per connection.
 * @type {WebSocketConnection[]}
 */
let flushQueue = [];

function flushQueued() {
  const queue = flushQueue;
  flushQueue = [];
  let i = 0;
  try {
    while (i < queue.length) queue[i++]._flush();
  } finally {
    // A throwing flush does not strand the connections after it.
    if (i < queue.length) {
      if (flushQueue.length === 0) queueMicrotask(flushQueued);
      for (; i < queue.length; i++) flushQueue.push(queue[i]);
    }
  }
}

/** `_sendCallbacks` of a connection with none pending: shared, never written to. */
const NO_CALLBACKS = Object.freeze([]);

/**
 * @param {WebSocketConnection} connection
 * @param {Function} cb
 */
function queueCallback(connection, cb) {
  if (connection._sendCallbacks === NO_CALLBACKS) connection._sendCallbacks = [cb];
  else connection._sendCallbacks.push(cb);
}

let WebSocketFrame = null;
function frameClass() {
  if (WebSocketFrame === null) WebSocketFrame = require('./WebSocketFrame');
  return WebSocketFrame;
}

/**
 * The connection's listener table. EventEmitter's own (`{ __proto__: null }`)
 * is a dictionary-mode object, about 250 bytes for the handful of listeners a
 * connection has; instances of this constructor have no inherited keys either
 * but are ordinary fast objects whose shape is shared by every connection
 * with the same listeners (EventEmitter keeps a table it finds in `_events`).
 */
function ListenerTable() {}
ListenerTable.prototype = Object.create(null);

/**
 * Auto-pong is on while nobody listens for 'ping' (a listener answers itself).
 * Shared by every connection: called with `this` = the connection.
 * @param {string|symbol} event
 */
function onNewListener(event) {
  if (event === 'ping') {
    this._pingListenerCount++;
    native.connSetAutoPong(this._native, false);
  }
}

/** @param {string|symbol} event */
function onRemoveListener(event) {
  if (event === 'ping') {
    this._pingListenerCount--;
    if (this._pingListenerCount <= 0) {
      this._pingListenerCount = 0;
      native.connSetAutoPong(this._native, true);
    }
  }
}

/**
 * @param {import('net').Socket} socket
 * @param {Array} extensions
 * @param {string} protocol
 * @param {boolean} maskOutgoingPackets true on the client
 * @param {object} config server or client config
 */
function WebSocketConnection(socket, extensions, protocol, maskOutgoingPackets, config) {
  // EventEmitter keeps the table it finds (see ListenerTable).
  this._events = new ListenerTable();
  this._eventsCount = 0;
  EventEmitter.call(this);
  if (DEBUG) this._debug = debugLog.bufferingLogger(log, ++debugId);
  if (config.keepalive && !config.useNativeKeepalive) {
    if (typeof config.keepaliveInterval !== 'number') {
      throw new Error('keepaliveInterval must be specified and numeric if keepalive is true.');
    }
    if (config.dropConnectionOnKeepaliveTimeout && typeof config.keepaliveGracePeriod !== 'number') {
      throw new Error(
        'keepaliveGracePeriod  must be specified and numeric if dropConnectionOnKeepaliveTimeout is true.'
      );
    }
  }

  this.config = config;
  this.socket = socket;
  this.protocol = protocol;
  this.extensions = extensions;
  this.remoteAddress = socket.remoteAddress;
  this.closeReasonCode = -1;
  this.closeDescription = null;
  this.closeEventEmitted = false;
  this.maskOutgoingPackets = maskOutgoingPackets;
  this.connected = true;
  this.receivedEnd = false;
  this.closeTimeout = config.closeTimeout;
  this.assembleFragments = config.assembleFragments;
  this.maxReceivedMessageSize = config.maxReceivedMessageSize;
  this.outputBufferFull = false;
  this.inputPaused = false;
  this.socketHadError = false;

  this._native = native.connCreate(!!maskOutgoingPackets, {
    maxReceivedFrameSize: config.maxReceivedFrameSize,
    maxReceivedMessageSize: config.maxReceivedMessageSize,
    assembleFragments: config.assembleFragments !== false,
    fragmentOutgoingMessages: config.fragmentOutgoingMessages !== false,
    fragmentationThreshold: config.fragmentationThreshold,
    maxFragments: config.maxFragmentsPerMessage
  });

  this.on('newListener', onNewListener);
  this.on('removeListener', onRemoveListener);

  if (typeof socket.setNoDelay === 'function') socket.setNoDelay(config.disableNagleAlgorithm);
  if (typeof socket.setTimeout === 'function') socket.setTimeout(0);

  if (config.keepalive && !config.useNativeKeepalive) {
    this.setKeepaliveTimer();
  } else if (config.keepalive && config.useNativeKeepalive) {
    if (typeof socket.setKeepAlive !== 'function') {
      throw new Error('Unable to use native keepalive: unsupported by this version of Node.');
    }
    socket.setKeepAlive(true, config.keepaliveInterval);
  }

  // websocket removes every pre-existing 'error' listener of the socket.
  socket.removeAllListeners('error');
  if (DEBUG) {
    this._debug(
      'open: %s, protocol %j, peer %s, %s transport',
      maskOutgoingPackets ? 'client' : 'server',
      protocol || null,
      this.remoteAddress,
      socket.isNative === true ? 'native' : 'JS-fed'
    );
  }
}

util.inherits(WebSocketConnection, EventEmitter);

/*
 * Private state most connections never change: defaults on the prototype, an
 * own property only once a connection sets it (issue 10: an idle connection
 * carries only what it uses).
 */
/** Send callbacks waiting for the next flush (a shared empty array until the first). */
WebSocketConnection.prototype._sendCallbacks = NO_CALLBACKS;
WebSocketConnection.prototype._flushScheduled = false;
WebSocketConnection.prototype._pendingBatch = null;
WebSocketConnection.prototype._nativeQueue = null;
WebSocketConnection.prototype._socketErrorDescription = null;
WebSocketConnection.prototype._listenersAdded = false;
WebSocketConnection.prototype._dropped = false;
WebSocketConnection.prototype._pingListenerCount = 0;
/** outputBufferFull was set before the flush (see _afterSend); a 'drain' is due even if the socket sends none. */
WebSocketConnection.prototype._drainOwed = false;
/** The connection's logger: shared and silent unless `DEBUG` selects websocket:connection. */
WebSocketConnection.prototype._debug = debugLog.disabledConnectionLogger;
/** The WebSocketServer that accepted this connection, until it closes. */
WebSocketConnection.prototype._server = null;
/** Reading was stopped because replies pile up (see `_flush`). */
WebSocketConnection.prototype._readStopped = false;
/** Set while we pause/resume the socket ourselves (no application event). */
WebSocketConnection.prototype._quietSocket = false;

WebSocketConnection.CLOSE_REASON_NORMAL = 1000;
WebSocketConnection.CLOSE_REASON_GOING_AWAY = 1001;
WebSocketConnection.CLOSE_REASON_PROTOCOL_ERROR = 1002;
WebSocketConnection.CLOSE_REASON_UNPROCESSABLE_INPUT = 1003;
WebSocketConnection.CLOSE_REASON_RESERVED = 1004;
WebSocketConnection.CLOSE_REASON_NOT_PROVIDED = 1005;
WebSocketConnection.CLOSE_REASON_ABNORMAL = 1006;
WebSocketConnection.CLOSE_REASON_INVALID_DATA = 1007;
WebSocketConnection.CLOSE_REASON_POLICY_VIOLATION = 1008;
WebSocketConnection.CLOSE_REASON_MESSAGE_TOO_BIG = 1009;
WebSocketConnection.CLOSE_REASON_EXTENSION_REQUIRED = 1010;
WebSocketConnection.CLOSE_REASON_INTERNAL_SERVER_ERROR = 1011;
WebSocketConnection.CLOSE_REASON_TLS_HANDSHAKE_FAILED = 1015;

WebSocketConnection.CLOSE_DESCRIPTIONS = {
  1000: 'Normal connection closure',
  1001: 'Remote peer is going away',
  1002: 'Protocol error',
  1003: 'Unprocessable input',
  1004: 'Reserved',
  1005: 'Reason not provided',
  1006: 'Abnormal closure, no further detail available',
  1007: 'Invalid data received',
  1008: 'Policy violation',
  1009: 'Message too big',
  1010: 'Extension requested by client is required',
  1011: 'Internal Server Error',
  1015: 'TLS Handshake Failed'
};

Object.defineProperties(WebSocketConnection.prototype, {
  /**
   * websocket keeps a Timeout per timer here; the shared timer has none, so
   * these read as the pending deadline (a `Date.now()` time) or null.
   */
  closeTimer: {
    get: function () {
      return this._closeAt === 0 ? null : this._closeAt;
    }
  },
  _keepaliveTimeoutID: {
    get: function () {
      return this._kaAt === 0 || this._kaGrace ? null : this._kaAt;
    }
  },
  _gracePeriodTimeoutID: {
    get: function () {
      return this._kaAt === 0 || !this._kaGrace ? null : this._kaAt;
    }
  },
  /** `'open'`, `'peer_requested_close'`, `'ending'` or `'closed'`. */
  state: {
    get: function () {
      return native.connState(this._native);
    },
    enumerable: true
  },
  /** True after we sent a close frame and until the peer answers. */
  waitingForCloseResponse: {
    get: function () {
      return native.connWaitingForCloseResponse(this._native);
    },
    enumerable: true
  },
  /** Bytes queued for this connection and not yet handed to the kernel. */
  bytesWaitingToFlush: {
    get: function () {
      const socket = this.socket;
      // On the event-loop transport the core's buffer is the socket's queue: its writableLength already counts it.
      if (socket && socket.isNative === true && socket._id !== 0) return socket.writableLength;
      const queued = native.connOutgoingLen(this._native);
      const inSocket = socket && typeof socket.writableLength === 'number' ? socket.writableLength : 0;
      return queued + inSocket;
    },
    enumerable: true
  }
});

/**
 * Attaches the socket listeners; called once the handshake response is written.
 * A native socket calls the connection's handlers directly, before its own
 * listeners, as if they were its first listeners: no bound functions and no
 * listener table per idle connection.
 */
WebSocketConnection.prototype._addSocketEventListeners = function () {
  if (this._listenersAdded) return;
  this._listenersAdded = true;
  if (this.socket.isNative === true) {
    this.socket._listener = this;
    return;
  }
  this.socket.on('error', this.handleSocketError.bind(this));
  this.socket.on('end', this.handleSocketEnd.bind(this));
  this.socket.on('close', this.handleSocketClose.bind(this));
  this.socket.on('drain', this.handleSocketDrain.bind(this));
  this.socket.on('pause', this.handleSocketPause.bind(this));
  this.socket.on('resume', this.handleSocketResume.bind(this));
  this.socket.on('data', this.handleSocketData.bind(this));
};

// --- keepalive -------------------------------------------------------------

/*
 * The keepalive, grace-period and close timers of all connections run from
 * one timer (lib/Deadlines.js). A connection keeps at most two deadlines:
 * `_kaAt` (the keepalive ping, or the end of the grace period while
 * `_kaGrace`) and `_closeAt` (the close timeout); 0 means none. Their
 * defaults live on the prototype, so a connection without keepalive carries
 * none of this state.
 */
WebSocketConnection.prototype._kaAt = 0;
WebSocketConnection.prototype._kaGrace = false;
WebSocketConnection.prototype._closeAt = 0;
WebSocketConnection.prototype._lastDataAt = 0;
WebSocketConnection.prototype._dlAt = 0;
WebSocketConnection.prototype._dlIndex = -1;

/** Puts the connection's earliest deadline into the shared timer (or takes it out). */
WebSocketConnection.prototype._reschedule = function () {
  const ka = this._kaAt;
  const cl = this._closeAt;
  const at = ka === 0 ? cl : cl === 0 ? ka : Math.min(ka, cl);
  if (at === 0) deadlines.cancel(this);
  else if (at !== this._dlAt || this._dlIndex === -1) deadlines.schedule(this, at);
};

/** Called by the shared timer once the earliest deadline has passed. */
WebSocketConnection.prototype._onDeadline = function (now) {
  if (this._closeAt !== 0 && this._closeAt <= now) {
    this._closeAt = 0;
    this.handleCloseTimer();
  }
  if (this._kaAt !== 0 && this._kaAt <= now) {
    this._kaAt = 0;
    if (this._kaGrace) {
      this._kaGrace = false;
      this.handleGracePeriodTimer();
    } else {
      this.handleKeepaliveTimer();
    }
  }
  this._reschedule();
};

WebSocketConnection.prototype.setKeepaliveTimer = function () {
  this._lastDataAt = Date.now();
  this._kaGrace = false;
  this._kaAt = this._lastDataAt + this.config.keepaliveInterval;
  this._reschedule();
};

WebSocketConnection.prototype.clearKeepaliveTimer = function () {
  if (this._kaAt !== 0 && !this._kaGrace) {
    this._kaAt = 0;
    this._reschedule();
  }
};

WebSocketConnection.prototype.handleKeepaliveTimer = function () {
  // Data arrivals only stamp _lastDataAt (cheap); the deadline moves to the
  // remaining time instead of being reset on every chunk.
  const idle = Date.now() - this._lastDataAt;
  const interval = this.config.keepaliveInterval;
  if (idle < interval) {
    this._kaGrace = false;
    this._kaAt = this._lastDataAt + interval;
    this._reschedule();
    return;
  }
  if (DEBUG) this._debug('keepalive: nothing received for %d ms, sending a ping', idle);
  this.ping();
  if (this.config.dropConnectionOnKeepaliveTimeout) {
    this.setGracePeriodTimer();
  } else {
    this.setKeepaliveTimer();
  }
};

WebSocketConnection.prototype.setGracePeriodTimer = function () {
  this._kaGrace = true;
  this._kaAt = Date.now() + this.config.keepaliveGracePeriod;
  this._reschedule();
};

WebSocketConnection.prototype.clearGracePeriodTimer = function () {
  if (this._kaAt !== 0 && this._kaGrace) {
    this._kaAt = 0;
    this._kaGrace = false;
    this._reschedule();
  }
};

WebSocketConnection.prototype.handleGracePeriodTimer = function () {
  if (DEBUG) this._debug('keepalive timeout: no answer within %d ms, dropping', this.config.keepaliveGracePeriod);
  this.drop(WebSocketConnection.CLOSE_REASON_ABNORMAL, 'Peer not responding.', true);
};

// --- receiving -------------------------------------------------------------

/**
 * Feeds a chunk of received bytes to the core and dispatches what it produced.
 * @param {Buffer} data
 */
WebSocketConnection.prototype.handleSocketData = function (data) {
  this._noteData();
  if (this._dropped || this.closeEventEmitted) return;
  const meta = sharedMeta;
  let batch;
  try {
    batch = native.connFeed(this._native, data, meta);
  } catch (err) {
    this._failInternal(err);
    return;
  }
  if (batch !== null) this._dispatch(batch, meta);
};

/**
 * A native call failed (a Rust panic, contained by the binding and thrown as an Error): the connection fails with
 * 1011, reporting 'error' then 'close', as the native transport does; other connections are not affected.
 * @param {Error} err
 */
WebSocketConnection.prototype._failInternal = function (err) {
  if (this._dropped || this.closeEventEmitted) return;
  if (this.listenerCount('error') > 0) this.emit('error', err);
  this._handleDropped(WebSocketConnection.CLOSE_REASON_INTERNAL_SERVER_ERROR, err.message);
};

/** Data arrived: the keepalive timer restarts (it re-arms itself lazily). */
WebSocketConnection.prototype._noteData = function () {
  if (this._kaAt !== 0) {
    this._lastDataAt = Date.now();
    if (this._kaGrace) {
      this.clearGracePeriodTimer();
      this.setKeepaliveTimer();
    }
  }
};

/**
 * One event parsed by the native transport's task (already in order). While
 * the connection is paused, events are kept and emitted on resume.
 */
WebSocketConnection.prototype._nativeEvent = function (kind, data, start, end, a, b) {
  this._noteData();
  if (this._dropped || this.closeEventEmitted) return;
  if (this.inputPaused || this._nativeQueue !== null) {
    if (this._nativeQueue === null) this._nativeQueue = [];
    this._nativeQueue.push([kind, Buffer.from(data.subarray(start, end)), a, b]);
    return;
  }
  this._handleEvent(kind, data, start, end, a, b);
};

/** Emits the native events kept while paused, until paused again. */
WebSocketConnection.prototype._runNativeQueue = function () {
  const queue = this._nativeQueue;
  let i = 0;
  while (i < queue.length && !this.inputPaused && !this._dropped) {
    const e = queue[i++];
    this._handleEvent(e[0], e[1], 0, e[1].length, e[2], e[3]);
  }
  if (this._dropped || i === queue.length) this._nativeQueue = null;
  else this._nativeQueue = queue.slice(i);
};

/**
 * Emits the events of one batch in order. Stops early when the user pauses
 * or drops the connection from inside a handler; the rest is kept for later.
 */
WebSocketConnection.prototype._dispatch = function (batch, meta) {
  const count = meta[0];
  // The meta array is shared by all connections: keep a private copy, since
  // a handler may feed another connection before this batch is done.
  this._runBatch({ batch, m: meta.slice(0, 2 + count * 4), index: 0, offset: 0, count, more: meta[1] === 1 });
};

WebSocketConnection.prototype._runBatch = function (p) {
  for (;;) {
    while (p.index < p.count) {
      if (this.inputPaused) {
        this._pendingBatch = p;
        return;
      }
      const b = 2 + p.index * 4;
      const start = p.offset;
      p.offset += p.m[b + 1];
      p.index++;
      this._handleEvent(p.m[b], p.batch, start, p.offset, p.m[b + 2], p.m[b + 3]);
      if (this._dropped) return;
    }
    if (!p.more) break;
    let next;
    try {
      next = native.connPoll(this._native, sharedMeta);
    } catch (err) {
      this._failInternal(err);
      return;
    }
    if (next === null) break;
    const count = sharedMeta[0];
    p = { batch: next, m: sharedMeta.slice(0, 2 + count * 4), index: 0, offset: 0, count, more: sharedMeta[1] === 1 };
  }
  this._pendingBatch = null;
};

WebSocketConnection.prototype._handleEvent = function (kind, batch, start, end, a, b) {
  switch (kind) {
    case KIND_TEXT:
      this.emit('message', { type: 'utf8', utf8Data: batch.toString('utf8', start, end) });
      break;
    case KIND_BINARY: {
      let data;
      if (start === 0 && end === batch.length) data = batch;
      else if (end - start >= OWN_BUFFER_THRESHOLD) data = Buffer.from(batch.subarray(start, end));
      else data = batch.subarray(start, end);
      this.emit('message', { type: 'binary', binaryData: data });
      break;
    }
    case KIND_FRAME:
      this._emitFrame(batch.subarray(start, end), a, b);
      break;
    case KIND_PING: {
      const payload = Buffer.from(batch.subarray(start, end));
      if (this._pingListenerCount > 0) {
        let cancelled = false;
        const cancel = function () {
          cancelled = true;
        };
        this.emit('ping', cancel, payload);
        if (!cancelled) this.pong(payload);
      } else {
        // The core answered it already (auto-pong); send that pong.
        this._scheduleFlush();
      }
      break;
    }
    case KIND_PONG:
      this.emit('pong', Buffer.from(batch.subarray(start, end)));
      break;
    case KIND_CLOSE_REQUESTED:
      // The core queues its reply now, after whatever earlier handlers sent.
      native.connAcceptPeerClose(this._native);
      if (DEBUG) {
        this._debug(
          'close frame received: %s %j%s',
          a === NONE ? 'no code' : a,
          batch.toString('utf8', start, end),
          this.connected ? ', answering' : ', answering ours: closing handshake complete'
        );
      }
      if (!this.connected) {
        // We sent our own close frame meanwhile: that completes the handshake.
        this.clearCloseTimer();
        this._flush();
        this._endSocket();
        break;
      }
      // Send the reply and half-close, like websocket.
      this.closeReasonCode = a === NONE ? WebSocketConnection.CLOSE_REASON_NOT_PROVIDED : a;
      this.closeDescription =
        end > start ? batch.toString('utf8', start, end) : WebSocketConnection.CLOSE_DESCRIPTIONS[this.closeReasonCode];
      this.connected = false;
      this._flush();
      this._endSocket();
      break;
    case KIND_CLOSE_COMPLETED:
      if (DEBUG) this._debug('close frame received in answer to ours: closing handshake complete');
      this.clearCloseTimer();
      this._flush();
      this._endSocket();
      break;
    case KIND_DROPPED: {
      const description = batch.toString('utf8', start, end);
      if (DEBUG) this._debug('%s: closing with %d %j', b === 1 ? 'internal error' : 'protocol error', a, description);
      // b = 1: the native task failed (a Rust panic, contained): 1011 with 'error' first.
      if (b === 1 && this.listenerCount('error') > 0) this.emit('error', new Error(description));
      this._handleDropped(a, description);
      break;
    }
    default:
      break;
  }
};

WebSocketConnection.prototype._emitFrame = function (payload, flags, closeStatus) {
  const Frame = frameClass();
  const frame = new Frame(Buffer.alloc(4), Buffer.alloc(10), this.config);
  frame.fin = (flags & 1) !== 0;
  frame.rsv1 = (flags & 2) !== 0;
  frame.rsv2 = (flags & 4) !== 0;
  frame.rsv3 = (flags & 8) !== 0;
  frame.opcode = (flags >> 8) & 0x0f;
  frame.mask = !this.maskOutgoingPackets;
  frame.binaryPayload = Buffer.from(payload);
  frame.length = frame.binaryPayload.length + (closeStatus !== NONE ? 2 : 0);
  if (closeStatus !== NONE) frame.closeStatus = closeStatus;
  this.emit('frame', frame);
};

/** The core dropped the connection for a protocol violation or a limit. */
WebSocketConnection.prototype._handleDropped = function (code, description) {
  // The core deferred the failure: what the handlers of earlier messages sent
  // is queued before this close frame.
  native.connDrop(this._native, code, description, false);
  this._dropped = true;
  this.closeReasonCode = code;
  this.closeDescription = description;
  this.connected = false;
  this._clearTimers();
  this._flush();
  this._emitClose();
  this._destroySocketSoon();
};

// --- socket events ---------------------------------------------------------

WebSocketConnection.prototype.handleSocketError = function (error) {
  if (DEBUG) this._debug('socket error: %s', error && error.message);
  if (this._dropped || this.closeEventEmitted) return;
  this.closeReasonCode = WebSocketConnection.CLOSE_REASON_ABNORMAL;
  this.closeDescription = 'Socket Error: ' + error.syscall + ' ' + error.code;
  this._socketErrorDescription = this.closeDescription;
  this.connected = false;
  if (this.listenerCount('error') > 0) this.emit('error', error);
  this.socket.destroy();
};

WebSocketConnection.prototype.handleSocketEnd = function () {
  this.receivedEnd = true;
  const state = this.state;
  if (DEBUG) this._debug('the peer ended its side of the TCP connection in state %s', state);
  if (state === 'open' || state === 'peer_requested_close') {
    // The peer half-closed without finishing the closing handshake.
    this._flush();
    this._endSocket();
  }
};

WebSocketConnection.prototype.handleSocketClose = function (hadError) {
  this.socketHadError = hadError;
  this.connected = false;
  this._clearTimers();
  const result = native.connTransportClosed(this._native);
  if (this._socketErrorDescription !== null) {
    this.closeReasonCode = WebSocketConnection.CLOSE_REASON_ABNORMAL;
    this.closeDescription = this._socketErrorDescription;
  } else if (!this.closeEventEmitted) {
    this.closeReasonCode = result.code;
    this.closeDescription = result.description;
  }
  this._failPendingCallbacks(new Error('Connection closed before the data was written.'));
  if (DEBUG) {
    this._debug(
      'socket closed%s: code %d %j',
      hadError ? ' after an error' : '',
      this.closeReasonCode,
      this.closeDescription
    );
  }
  this._emitClose();
};

WebSocketConnection.prototype.handleSocketDrain = function () {
  if (DEBUG) this._debug('drain: output written%s', this._readStopped ? ', reading resumes' : '');
  this.outputBufferFull = false;
  if (this._readStopped) {
    this._readStopped = false;
    if (!this.inputPaused) {
      this._quietSocket = true;
      this.socket.resume();
      this._quietSocket = false;
    }
  }
  this.emit('drain');
};

WebSocketConnection.prototype.handleSocketPause = function () {
  if (this._quietSocket) return;
  if (DEBUG) this._debug('paused: reading stops');
  this.inputPaused = true;
  this.emit('pause');
};

WebSocketConnection.prototype.handleSocketResume = function () {
  if (this._quietSocket) return;
  // (A JS-fed socket also emits 'resume' when it starts flowing: only a real resume is logged.)
  if (DEBUG && this.inputPaused) this._debug('resumed: reading goes on');
  this.inputPaused = false;
  this.emit('resume');
  const p = this._pendingBatch;
  if (p !== null) {
    this._pendingBatch = null;
    this._runBatch(p);
  }
  if (this._nativeQueue !== null) this._runNativeQueue();
};

WebSocketConnection.prototype.pause = function () {
  this.socket.pause();
};

WebSocketConnection.prototype.resume = function () {
  this.socket.resume();
};

// --- closing ---------------------------------------------------------------

/**
 * Starts the closing handshake.
 * @param {number} [reasonCode=1000]
 * @param {string} [description]
 */
WebSocketConnection.prototype.close = function (reasonCode, description) {
  if (!this.connected) return;
  reasonCode = reasonCode || WebSocketConnection.CLOSE_REASON_NORMAL;
  if (typeof description !== 'string') description = WebSocketConnection.CLOSE_DESCRIPTIONS[reasonCode];
  if (typeof reasonCode !== 'number' || !Number.isInteger(reasonCode) || reasonCode < 0) {
    throw new Error('Close code ' + reasonCode + ' is not valid.');
  }
  if (DEBUG) this._debug('close(): sending close frame %d %j', reasonCode, description);
  native.connClose(this._native, reasonCode, description === undefined ? '' : description);
  this.closeReasonCode = reasonCode;
  this.closeDescription = description === undefined ? null : description;
  this.setCloseTimer();
  this.connected = false;
  this._flush();
  this._endSocket();
};

/**
 * Closes the connection at once, sending a close frame unless `skipCloseFrame`.
 * Emits `close` synchronously.
 * @param {number} [reasonCode=1002]
 * @param {string} [description]
 * @param {boolean} [skipCloseFrame]
 */
WebSocketConnection.prototype.drop = function (reasonCode, description, skipCloseFrame) {
  if (typeof reasonCode !== 'number') reasonCode = WebSocketConnection.CLOSE_REASON_PROTOCOL_ERROR;
  if (typeof description !== 'string') description = WebSocketConnection.CLOSE_DESCRIPTIONS[reasonCode];
  if (DEBUG) {
    this._debug('drop(): %d %j, %s', reasonCode, description, skipCloseFrame ? 'no close frame' : 'close frame sent');
  }
  this.closeReasonCode = reasonCode;
  this.closeDescription = description;
  native.connDrop(this._native, reasonCode, description === undefined ? '' : description, !!skipCloseFrame);
  this._dropped = true;
  this._pendingBatch = null;
  this._nativeQueue = null;
  this.connected = false;
  this._clearTimers();
  this._flush();
  this._emitClose();
  this._destroySocketSoon();
};

WebSocketConnection.prototype.setCloseTimer = function () {
  this._closeAt = Date.now() + this.closeTimeout;
  this._reschedule();
};

WebSocketConnection.prototype.clearCloseTimer = function () {
  if (this._closeAt !== 0) {
    this._closeAt = 0;
    this._reschedule();
  }
};

WebSocketConnection.prototype.handleCloseTimer = function () {
  if (DEBUG) this._debug('no answer to our close frame within %d ms: closing the socket', this.closeTimeout);
  native.connCloseTimeout(this._native);
  this.socket.destroy();
};

WebSocketConnection.prototype._clearTimers = function () {
  this._closeAt = 0;
  this._kaAt = 0;
  this._kaGrace = false;
  this._reschedule();
};

WebSocketConnection.prototype._emitClose = function () {
  if (this.closeEventEmitted) return;
  this.closeEventEmitted = true;
  this.emit('close', this.closeReasonCode, this.closeDescription);
};

WebSocketConnection.prototype._endSocket = function () {
  if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end();
};

/**
 * Closes the socket once what is queued (the close frame) is written, without
 * waiting for the peer: `drop()` and protocol errors destroy the socket, as
 * `websocket` does, but our close frame still goes out first.
 */
WebSocketConnection.prototype._destroySocketSoon = function () {
  const socket = this.socket;
  if (socket.destroyed) return;
  if (socket.isNative === true) {
    socket.destroySoon();
    return;
  }
  if (!socket.writableEnded) socket.end();
  if (socket.writableFinished === false) socket.once('finish', () => socket.destroy());
  else socket.destroy();
};

// --- sending ---------------------------------------------------------------

/**
 * Sends a text message. `data.toString()` is sent as UTF-8.
 * @param {*} data
 * @param {function(Error=)} [cb] called once the message is written
 */
WebSocketConnection.prototype.sendUTF = function (data, cb) {
  const socket = this.socket;
  // On the event-loop transport the socket's id is the cheapest handle (lib/NativeTransport.js).
  if (socket.isNative === true && socket._id !== 0) {
    this._afterNativeSend(native.ioSendText(socket._id, data.toString()), cb);
  } else {
    this._afterSend(native.connSendText(this._native, data.toString()), cb);
  }
};

/**
 * Sends a binary message.
 * @param {Buffer} data
 * @param {function(Error=)} [cb]
 */
WebSocketConnection.prototype.sendBytes = function (data, cb) {
  if (!Buffer.isBuffer(data)) {
    throw new Error('You must pass a Node Buffer object to WebSocketConnection.prototype.sendBytes()');
  }
  const socket = this.socket;
  if (socket.isNative === true && socket._id !== 0) {
    this._afterNativeSend(native.ioSendBytes(socket._id, data), cb);
  } else {
    this._afterSend(native.connSendBytes(this._native, data), cb);
  }
};

/**
 * Sends a Buffer as binary, anything else with `toString()` as text.
 * @param {*} data
 * @param {function(Error=)} [cb]
 */
WebSocketConnection.prototype.send = function (data, cb) {
  if (Buffer.isBuffer(data)) {
    this.sendBytes(data, cb);
  } else if (data !== null && data !== undefined && typeof data.toString === 'function') {
    this.sendUTF(data, cb);
  } else {
    throw new Error('Data provided must either be a Node Buffer or implement toString()');
  }
};

/**
 * Sends a ping. Non-Buffer data is sent as its UTF-8 string.
 * @param {*} [data]
 */
WebSocketConnection.prototype.ping = function (data) {
  let payload = EMPTY;
  if (data) payload = Buffer.isBuffer(data) ? data : Buffer.from(data.toString(), 'utf8');
  native.connPing(this._native, payload);
  this._scheduleFlush();
};

/**
 * Sends a pong.
 * @param {Buffer} binaryPayload
 */
WebSocketConnection.prototype.pong = function (binaryPayload) {
  let payload = EMPTY;
  if (binaryPayload) {
    payload = Buffer.isBuffer(binaryPayload) ? binaryPayload : Buffer.from(binaryPayload.toString(), 'utf8');
  }
  native.connPong(this._native, payload);
  this._scheduleFlush();
};

/**
 * Sends a WebSocketFrame as it is (masked per our role).
 * @param {object} frame a WebSocketFrame
 * @param {function(Error=)} [cb]
 * @returns {boolean} false when the output buffer is full
 */
WebSocketConnection.prototype.sendFrame = function (frame, cb) {
  frame.mask = this.maskOutgoingPackets;
  const flags =
    (frame.fin ? 1 : 0) |
    (frame.rsv1 ? 2 : 0) |
    (frame.rsv2 ? 4 : 0) |
    (frame.rsv3 ? 8 : 0) |
    ((frame.opcode & 0x0f) << 8);
  let payload = frame.binaryPayload;
  if (!Buffer.isBuffer(payload)) payload = payload ? Buffer.from(String(payload)) : EMPTY;
  const closeStatus = frame.opcode === 0x08 && typeof frame.closeStatus === 'number' ? frame.closeStatus : -1;
  native.connSendFrame(this._native, flags, payload, closeStatus);
  this._afterSend(true, cb);
  return !this.outputBufferFull;
};

/**
 * Sends a data frame's payload as a message, fragmented per the config.
 * @param {object} frame a WebSocketFrame with opcode 1 or 2
 * @param {function(Error=)} [cb]
 */
WebSocketConnection.prototype.fragmentAndSend = function (frame, cb) {
  if (frame.opcode > 0x07) throw new Error('You cannot fragment control frames.');
  const payload = frame.binaryPayload || EMPTY;
  if (frame.opcode === 0x01) this.sendUTF(payload.toString('utf8'), cb);
  else this.sendBytes(payload, cb);
};

/**
 * Sends a close frame (websocket's internal helper); starts the closing handshake.
 */
WebSocketConnection.prototype.sendCloseFrame = function (reasonCode, description, cb) {
  this.close(reasonCode, description);
  if (typeof cb === 'function') queueCallback(this, cb);
};

WebSocketConnection.prototype._afterSend = function (ok, cb) {
  if (!ok) {
    if (typeof cb === 'function') {
      const err = new Error('Connection is not open: the message was not sent.');
      process.nextTick(cb, err);
    }
    return;
  }
  if (typeof cb === 'function') queueCallback(this, cb);
  this._scheduleFlush();
  // websocket's socket.write() sets outputBufferFull as soon as a high-water mark's worth waits to be written, so a
  // sender looping until outputBufferFull stops within its loop; writes here are coalesced until the end of the
  // synchronous run, so say it now, and owe a 'drain' in case the flush then writes everything at once.
  if (!this.outputBufferFull && native.connOutgoingLen(this._native) >= (this.socket.writableHighWaterMark || 16384)) {
    if (DEBUG) this._debug('backpressure: %d bytes wait in the socket (outputBufferFull)', this.bytesWaitingToFlush);
    this.outputBufferFull = true;
    this._drainOwed = true;
  }
};

/**
 * `_afterSend` for the event-loop transport's send functions, which return the bytes queued (or -1: not sent).
 * @param {number} queued
 * @param {function(Error=)} [cb]
 */
WebSocketConnection.prototype._afterNativeSend = function (queued, cb) {
  if (queued < 0) {
    this._afterSend(false, cb);
    return;
  }
  if (typeof cb === 'function') queueCallback(this, cb);
  this._scheduleFlush();
  if (!this.outputBufferFull && queued >= NATIVE_HIGH_WATER_MARK) {
    if (DEBUG) this._debug('backpressure: %d bytes wait in the socket (outputBufferFull)', queued);
    this.outputBufferFull = true;
    this._drainOwed = true;
  }
};

/**
 * After a flush: when outputBufferFull was set ahead of it and the socket will not emit 'drain' (everything was
 * written or is below its high-water mark), emit it ourselves.
 * @param {boolean} full whether the socket reported its buffer full (a 'drain' of its own follows)
 */
WebSocketConnection.prototype._settleDrain = function (full) {
  if (!this._drainOwed) return;
  this._drainOwed = false;
  if (!full) process.nextTick(() => this.handleSocketDrain());
};

WebSocketConnection.prototype._scheduleFlush = function () {
  if (this._flushScheduled) return;
  this._flushScheduled = true;
  if (flushQueue.length === 0) queueMicrotask(flushQueued);
  flushQueue.push(this);
};

/** Writes everything the core has queued in one socket write. */
WebSocketConnection.prototype._flush = function () {
  this._flushScheduled = false;
  if (this.socket.isNative === true) {
    this._flushNative();
    return;
  }
  const out = native.connTakeOutgoing(this._native);
  const callbacks = this._sendCallbacks;
  if (out === null) {
    this._settleDrain(false);
    if (callbacks.length > 0) {
      this._sendCallbacks = NO_CALLBACKS;
      for (const cb of callbacks) process.nextTick(cb);
    }
    return;
  }
  const socket = this.socket;
  if (socket.destroyed || socket.writableEnded) {
    this._failPendingCallbacks(new Error('Connection closed before the data was written.'));
    return;
  }
  let done;
  if (callbacks.length > 0) {
    this._sendCallbacks = NO_CALLBACKS;
    done = function (err) {
      for (const cb of callbacks) cb(err);
    };
  }
  const flushed = socket.write(out, done);
  this._settleDrain(!flushed);
  if (!flushed) {
    if (DEBUG && !this.outputBufferFull) {
      this._debug('backpressure: %d bytes wait in the socket (outputBufferFull)', socket.writableLength);
    }
    this.outputBufferFull = true;
    if (!this._readStopped && socket.writableLength > OUTPUT_READ_LIMIT) {
      if (DEBUG) this._debug('the peer does not read our replies: reading stops until they drain');
      // A peer that sends without reading our replies (a ping flood) is not
      // read until they drain: memory stays bounded (the native transport's
      // task does the same). Quiet: no 'pause' event for the application.
      this._readStopped = true;
      this._quietSocket = true;
      socket.pause();
      this._quietSocket = false;
    }
  }
};

/** The event-loop transport: write what the core queued (Rust owns the socket). */
WebSocketConnection.prototype._flushNative = function () {
  const socket = this.socket;
  if (socket.destroyed || socket.writableEnded) {
    this._failPendingCallbacks(new Error('Connection closed before the data was written.'));
    return;
  }
  const callbacks = this._sendCallbacks;
  if (callbacks.length > 0) this._sendCallbacks = NO_CALLBACKS;
  const full = !socket._flush(callbacks);
  this._settleDrain(full);
  if (full) {
    if (DEBUG && !this.outputBufferFull) {
      this._debug('backpressure: %d bytes wait in the socket (outputBufferFull)', this.bytesWaitingToFlush);
    }
    this.outputBufferFull = true;
  }
};

WebSocketConnection.prototype._failPendingCallbacks = function (err) {
  const callbacks = this._sendCallbacks;
  if (callbacks.length === 0) return;
  this._sendCallbacks = NO_CALLBACKS;
  for (const cb of callbacks) process.nextTick(cb, err);
};

module.exports = WebSocketConnection;
