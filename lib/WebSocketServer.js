'use strict';
/**
 * WebSocketServer: attaches to one or more Node http(s) servers, turns their
 * 'upgrade' events into WebSocketRequests and tracks the resulting
 * connections (websocket's lib/WebSocketServer.js API).
 */
const EventEmitter = require('events').EventEmitter;
const util = require('util');
const { deflateOptions } = require('./PerMessageDeflate');
const WebSocketRequest = require('./WebSocketRequest');
const { broadcastNative, nativeId } = require('./NativeTransport');
const log = require('./debug').createLogger('websocket:server');
/** `DEBUG` selects websocket:server (read once). */
const DEBUG = log.enabled;

/**
 * websocket's server defaults, in websocket's key order (the object is API:
 * applications read `server.config`).
 * @returns {object}
 */
function defaultConfig() {
  return {
    httpServer: null,
    maxReceivedFrameSize: 0x10000,
    maxReceivedMessageSize: 0x100000,
    fragmentOutgoingMessages: true,
    fragmentationThreshold: 0x4000,
    keepalive: true,
    keepaliveInterval: 20000,
    dropConnectionOnKeepaliveTimeout: true,
    keepaliveGracePeriod: 10000,
    useNativeKeepalive: false,
    assembleFragments: true,
    autoAcceptConnections: false,
    ignoreXForwardedFor: false,
    parseCookies: true,
    parseExtensions: true,
    disableNagleAlgorithm: true,
    closeTimeout: 5000
  };
}

/**
 * @param {object} [config] mounted immediately when given
 */
function WebSocketServer(config) {
  EventEmitter.call(this);

  this._handlers = {
    upgrade: this.handleUpgrade.bind(this),
    requestAccepted: this.handleRequestAccepted.bind(this),
    requestResolved: this.handleRequestResolved.bind(this)
  };
  this.connections = [];
  this.pendingRequests = [];
  if (config) {
    this.mount(config);
  }
}

util.inherits(WebSocketServer, EventEmitter);

/**
 * Resets the config to the defaults, merges `config` in (unknown keys kept)
 * and listens for 'upgrade' on every http server.
 * @param {object} config must name `httpServer` (a server or an array)
 */
WebSocketServer.prototype.mount = function (config) {
  this.config = defaultConfig();
  for (const key in config) {
    this.config[key] = config[key];
  }

  // Throws now for a bad perMessageDeflate value, not at the first upgrade.
  deflateOptions(this.config.perMessageDeflate);
  if (!this.config.httpServer) {
    throw new Error('You must specify an httpServer on which to mount the WebSocket server.');
  }
  if (!Array.isArray(this.config.httpServer)) {
    this.config.httpServer = [this.config.httpServer];
  }
  for (const httpServer of this.config.httpServer) {
    httpServer.on('upgrade', this._handlers.upgrade);
  }
};

/** Stops listening for upgrades; existing connections are unaffected. */
WebSocketServer.prototype.unmount = function () {
  for (const httpServer of this.config.httpServer) {
    httpServer.removeListener('upgrade', this._handlers.upgrade);
  }
};

/** Closes every connection and rejects every pending request with 503. */
WebSocketServer.prototype.closeAllConnections = function () {
  for (const connection of this.connections.slice()) {
    connection.close();
  }
  for (const request of this.pendingRequests.slice()) {
    process.nextTick(() => {
      if (!request._resolved) request.reject(503);
    });
  }
};

/**
 * Sends `data` to every connection: a Buffer as binary, anything else with a
 * `toString` as text.
 * @param {Buffer|string} data
 */
WebSocketServer.prototype.broadcast = function (data) {
  if (Buffer.isBuffer(data)) {
    this.broadcastBytes(data);
  } else if (typeof data.toString === 'function') {
    this.broadcastUTF(data);
  }
};

/**
 * Sends a text message to every connection. The frame is encoded once in Rust
 * and queued on every native connection in one call; connections on the
 * JS-fed transport (TLS) send it themselves.
 * @param {string} utfData sent as `utfData.toString()`
 */
WebSocketServer.prototype.broadcastUTF = function (utfData) {
  const text = utfData.toString();
  this._broadcast(text, false, (connection) => connection.sendUTF(text));
};

/**
 * Sends a binary message to every connection (encoded once, as broadcastUTF).
 * @param {Buffer} binaryData
 */
WebSocketServer.prototype.broadcastBytes = function (binaryData) {
  if (!Buffer.isBuffer(binaryData)) {
    throw new Error('You must pass a Node Buffer object to WebSocketConnection.prototype.sendBytes()');
  }
  this._broadcast(binaryData, true, (connection) => connection.sendBytes(binaryData));
};

/** @private */
WebSocketServer.prototype._broadcast = function (data, binary, sendOne) {
  const ids = [];
  for (const connection of this.connections) {
    const id = nativeId(connection.socket);
    if (id !== 0) ids.push(id);
    else sendOne(connection);
  }
  if (ids.length > 0) {
    broadcastNative(ids, binary ? data : Buffer.from(data, 'utf8'), binary, this.config);
  }
};

/** `unmount()` then `closeAllConnections()`. */
WebSocketServer.prototype.shutDown = function () {
  this.unmount();
  this.closeAllConnections();
};

/**
 * The http server's 'upgrade' handler (may also be called directly).
 * @param {import('http').IncomingMessage} request
 * @param {import('net').Socket} socket
 * @param {Buffer} [head] bytes that arrived after the request head
 */
WebSocketServer.prototype.handleUpgrade = function (request, socket, head) {
  // Bytes the client sent right behind its request (a pipelined first
  // frame) belong to the WebSocket stream; websocket drops them.
  if (head && head.length > 0 && !socket.readableEnded) {
    socket.unshift(head);
  }

  const wsRequest = new WebSocketRequest(socket, request, this.config);
  try {
    wsRequest.readHandshake();
  } catch (e) {
    // websocket's own line, word for word.
    if (DEBUG) log('Invalid handshake: %s', e.message);
    wsRequest.reject(e.httpCode ? e.httpCode : 400, e.message, e.headers);
    this.emit('upgradeError', e);
    return;
  }

  this.pendingRequests.push(wsRequest);

  wsRequest.once('requestAccepted', this._handlers.requestAccepted);
  wsRequest.once('requestResolved', this._handlers.requestResolved);
  socket.once('close', () => {
    this._handlers.requestResolved(wsRequest);
  });

  if (!this.config.autoAcceptConnections && this.listenerCount('request') > 0) {
    this.emit('request', wsRequest);
  } else if (this.config.autoAcceptConnections) {
    wsRequest.accept(wsRequest.requestedProtocols[0], wsRequest.origin);
  } else {
    wsRequest.reject(404, 'No handler is configured to accept the connection.');
  }
};

/** @param {import('./WebSocketConnection')} connection newly accepted */
WebSocketServer.prototype.handleRequestAccepted = function (connection) {
  // One listener function shared by every connection (no closure and no
  // once() wrapper per connection); the server is found through the connection.
  connection._server = this;
  connection.on('close', onAcceptedConnectionClose);
  this.connections.push(connection);
  this.emit('connect', connection);
};

/**
 * The server's 'close' listener on each accepted connection, called with
 * `this` = the connection; removes itself like `once`.
 * @param {number} closeReason
 * @param {string} description
 */
function onAcceptedConnectionClose(closeReason, description) {
  this.removeListener('close', onAcceptedConnectionClose);
  const server = this._server;
  this._server = null;
  if (server) server.handleConnectionClose(this, closeReason, description);
}

/**
 * @param {import('./WebSocketConnection')} connection
 * @param {number} closeReason
 * @param {string} description
 */
WebSocketServer.prototype.handleConnectionClose = function (connection, closeReason, description) {
  const index = this.connections.indexOf(connection);
  if (index !== -1) {
    this.connections.splice(index, 1);
  }
  this.emit('close', connection, closeReason, description);
};

/** @param {WebSocketRequest} request accepted, rejected or hung up */
WebSocketServer.prototype.handleRequestResolved = function (request) {
  const index = this.pendingRequests.indexOf(request);
  if (index !== -1) {
    this.pendingRequests.splice(index, 1);
  }
};

module.exports = WebSocketServer;
