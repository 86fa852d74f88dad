'use strict';
/**
 * W3CWebSocket: the browser `WebSocket` interface over a WebSocketClient,
 * like `websocket`'s. It is an event target in the style of `yaeti` (own
 * `addEventListener`/`removeEventListener`/`dispatchEvent`, `on<type>`
 * handlers called first), not an EventEmitter.
 *
 * Differences from `websocket` 1.0.35, on purpose:
 * - empty text messages are delivered (`websocket` dropped them);
 * - `binaryType` also accepts `'nodebuffer'` (binary messages arrive as Buffers);
 * - `bufferedAmount` reports the bytes the connection has queued but not yet written;
 * - `close(code, reason)` checks its arguments as the W3C interface does;
 * - the `error` event of a failed connect carries the cause as `event.error`.
 */
const WebSocketClient = require('./WebSocketClient');

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const BINARY_TYPES = ['arraybuffer', 'nodebuffer'];
/** A close reason may take at most this many UTF-8 bytes (a control frame carries 125, minus the code). */
const MAX_REASON_BYTES = 123;

/**
 * A yaeti-style event: `type`, `isTrusted` false and the `_yaeti` marker;
 * `dispatchEvent` adds `target`, `cancelable` and `stopImmediatePropagation`.
 * @constructor
 * @param {string} type
 */
function Event(type) {
  this.type = type;
  this.isTrusted = false;
  this._yaeti = true;
}

/**
 * @this {W3CWebSocket}
 * @param {string} type
 * @param {Function} listener added once; falsy arguments are ignored
 */
function addEventListener(type, listener) {
  if (!type || !listener) return;
  const list = this._listeners[type] || (this._listeners[type] = []);
  if (!list.includes(listener)) list.push(listener);
}

/**
 * @this {W3CWebSocket}
 * @param {string} type
 * @param {Function} listener
 */
function removeEventListener(type, listener) {
  if (!type || !listener) return;
  const list = this._listeners[type];
  if (list === undefined) return;
  const i = list.indexOf(listener);
  if (i !== -1) list.splice(i, 1);
  if (list.length === 0) delete this._listeners[type];
}

/**
 * Calls `this['on' + type]` first, then the listeners in the order they were
 * added, until one calls `event.stopImmediatePropagation()`.
 * @this {W3CWebSocket}
 * @param {{type: string}} event
 * @returns {boolean} `!event.defaultPrevented`
 */
function dispatchEvent(event) {
  if (!event || typeof event.type !== 'string') {
    throw new Error('`event` must have a valid `type` property');
  }
  if (event._yaeti) {
    event.target = this;
    event.cancelable = true;
  }
  let stopped = false;
  try {
    event.stopImmediatePropagation = () => {
      stopped = true;
    };
  } catch (e) {
    // A frozen or foreign event object keeps its own method.
  }
  const handler = this['on' + event.type];
  if (typeof handler === 'function') handler.call(this, event);
  // A copy, so listeners removed or added during dispatch do not shift the loop.
  for (const listener of (this._listeners[event.type] || []).slice()) {
    if (stopped) break;
    listener.call(this, event);
  }
  return !event.defaultPrevented;
}

/**
 * An error named like the DOM exception the W3C interface throws.
 * @param {string} message
 * @param {string} name `InvalidAccessError`, `SyntaxError`, ...
 * @returns {Error}
 */
function domError(message, name) {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const err = new Error(message);
  err.name = name;
  return err;
}

/**
 * @constructor
 * @param {string|object} url a `ws:`/`wss:` URL
 * @param {string|string[]} [protocols]
 * @param {string} [origin]
 * @param {object} [headers] extra request headers
 * @param {object} [requestOptions] extra `http.request` options
 * @param {object} [clientConfig] WebSocketClient config; `assembleFragments` is forced to true (on this object)
 */
function W3CWebSocket(url, protocols, origin, headers, requestOptions, clientConfig) {
  this._listeners = {};
  this.addEventListener = addEventListener;
  this.removeEventListener = removeEventListener;
  this.dispatchEvent = dispatchEvent;

  clientConfig = clientConfig || {};
  // The W3C API delivers whole messages only.
  clientConfig.assembleFragments = true;

  this._url = url;
  this._readyState = CONNECTING;
  this._protocol = undefined;
  this._extensions = '';
  this._bufferedAmount = 0;
  this._binaryType = 'arraybuffer';
  this._connection = undefined;
  this._client = new WebSocketClient(clientConfig);

  this._client.on('connect', (connection) => onConnect(this, connection));
  this._client.on('connectFailed', (error) => onConnectFailed(this, error));
  this._client.connect(url, protocols, origin, headers, requestOptions);
}

Object.defineProperties(W3CWebSocket.prototype, {
  url: {
    get() {
      return this._url;
    }
  },
  readyState: {
    get() {
      return this._readyState;
    }
  },
  protocol: {
    get() {
      return this._protocol;
    }
  },
  extensions: {
    get() {
      return this._extensions;
    }
  },
  bufferedAmount: {
    /** Bytes queued on the connection and not yet written to the socket. */
    get() {
      const c = this._connection;
      if (c) {
        if (typeof c.bytesWaitingToFlush === 'number') return c.bytesWaitingToFlush;
        if (typeof c.bufferedAmount === 'number') return c.bufferedAmount;
      }
      return this._bufferedAmount;
    }
  },
  binaryType: {
    get() {
      return this._binaryType;
    },
    set(type) {
      if (!BINARY_TYPES.includes(type)) {
        throw new SyntaxError('just "arraybuffer" and "nodebuffer" types allowed for "binaryType" attribute');
      }
      this._binaryType = type;
    }
  }
});

for (const [name, value] of [
  ['CONNECTING', CONNECTING],
  ['OPEN', OPEN],
  ['CLOSING', CLOSING],
  ['CLOSED', CLOSED]
]) {
  const descriptor = {
    get() {
      return value;
    }
  };
  Object.defineProperty(W3CWebSocket.prototype, name, descriptor);
  Object.defineProperty(W3CWebSocket, name, descriptor);
}

/**
 * Sends a text (string) or binary (Buffer, ArrayBuffer, typed array, DataView) message.
 * @param {string|Buffer|ArrayBuffer|ArrayBufferView} data
 */
W3CWebSocket.prototype.send = function send(data) {
  if (this._readyState !== OPEN) {
    throw new Error('cannot call send() while not connected');
  }
  if (typeof data === 'string' || data instanceof String) {
    this._connection.sendUTF(String(data));
  } else if (Buffer.isBuffer(data)) {
    this._connection.sendBytes(data);
  } else if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
    this._connection.sendBytes(Buffer.from(data));
  } else if (ArrayBuffer.isView(data)) {
    this._connection.sendBytes(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } else {
    throw new Error('unknown binary data:', data);
  }
};

/**
 * Starts the closing handshake. `code` must be 1000 or 3000-4999
 * (`InvalidAccessError` otherwise) and `reason` at most 123 UTF-8 bytes
 * (`SyntaxError` otherwise). While connecting, the attempt fails at once
 * (`error`, then `close` 1006).
 * @param {number} [code]
 * @param {string} [reason]
 */
W3CWebSocket.prototype.close = function close(code, reason) {
  const hasCode = code !== undefined && code !== null;
  const hasReason = reason !== undefined && reason !== null;
  if (hasCode) {
    code = Number(code);
    if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
      throw domError(
        'The close code must be either 1000, or between 3000 and 4999. ' + code + ' is neither.',
        'InvalidAccessError'
      );
    }
  }
  if (hasReason && Buffer.byteLength(String(reason)) > MAX_REASON_BYTES) {
    throw domError('The close reason must not be greater than 123 UTF-8 bytes.', 'SyntaxError');
  }
  const closeConnection = (connection) => {
    if (hasCode || hasReason) {
      connection.close(hasCode ? code : 1000, hasReason ? String(reason) : undefined);
    } else {
      connection.close();
    }
  };

  switch (this._readyState) {
    case CONNECTING: {
      const client = this._client;
      onConnectFailed(this);
      // No connection to close yet: stop the request, and close one that still arrives.
      client.on('connect', closeConnection);
      client.abort();
      break;
    }
    case OPEN:
      this._readyState = CLOSING;
      closeConnection(this._connection);
      break;
    default:
      break;
  }
};

/**
 * @param {number} code
 * @param {string} reason
 * @returns {Event}
 */
function closeEvent(code, reason) {
  const event = new Event('close');
  event.code = code;
  event.reason = reason;
  event.wasClean = code === undefined || code === 1000;
  return event;
}

/**
 * @param {W3CWebSocket} ws
 * @param {import('./WebSocketConnection')} connection
 */
function onConnect(ws, connection) {
  ws._readyState = OPEN;
  ws._connection = connection;
  ws._protocol = connection.protocol;
  ws._extensions = connection.extensions;
  connection.on('close', (code, reason) => onClose(ws, code, reason));
  connection.on('message', (message) => onMessage(ws, message));
  ws.dispatchEvent(new Event('open'));
}

/**
 * @param {W3CWebSocket} ws
 * @param {Error} [error] the cause, exposed as `event.error`
 */
function onConnectFailed(ws, error) {
  teardown(ws);
  ws._readyState = CLOSED;
  const event = new Event('error');
  if (error) {
    event.error = error;
    event.message = error.message;
  }
  try {
    ws.dispatchEvent(event);
  } finally {
    ws.dispatchEvent(closeEvent(1006, 'connection failed'));
  }
}

/**
 * @param {W3CWebSocket} ws
 * @param {number} code
 * @param {string} reason
 */
function onClose(ws, code, reason) {
  teardown(ws);
  ws._readyState = CLOSED;
  ws.dispatchEvent(closeEvent(code, reason || ''));
}

/**
 * @param {W3CWebSocket} ws
 * @param {{type: string, utf8Data?: string, binaryData?: Buffer}} message
 */
function onMessage(ws, message) {
  const event = new Event('message');
  if (message.type === 'utf8') {
    event.data = message.utf8Data;
  } else if (message.type === 'binary') {
    const buf = message.binaryData;
    // 'arraybuffer' gets its own copy: the Buffer may be a view into a larger batch.
    event.data = ws._binaryType === 'nodebuffer' ? buf : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  } else {
    return;
  }
  ws.dispatchEvent(event);
}

/** @param {W3CWebSocket} ws */
function teardown(ws) {
  ws._client.removeAllListeners();
  if (ws._connection) ws._connection.removeAllListeners();
}

module.exports = W3CWebSocket;
