'use strict';
/**
 * WebSocketRequest: one client's upgrade request, waiting for the application
 * to accept() or reject() it (websocket's lib/WebSocketRequest.js API).
 *
 * Validation, header parsing, the 101 and reject responses and every error
 * text come from the Rust core (crates/wsproto/src/handshake); this file only
 * moves values between Node objects and the binding.
 */
const EventEmitter = require('events').EventEmitter;
const url = require('url');
const util = require('util');
const { deflateOptions, enableDeflate } = require('./PerMessageDeflate');
const native = require('./native');
const WebSocketConnection = require('./WebSocketConnection');
const { NativeSocket, canAdopt } = require('./NativeTransport');
const log = require('./debug').createLogger('websocket:server');
/** `DEBUG` selects websocket:server (read once). */
const DEBUG = log.enabled;

/**
 * @param {import('net').Socket} socket the upgraded socket
 * @param {import('http').IncomingMessage} httpRequest the upgrade request
 * @param {object} serverConfig the server's merged config
 */
function WebSocketRequest(socket, httpRequest, serverConfig) {
  EventEmitter.call(this);

  this.socket = socket;
  this.httpRequest = httpRequest;
  this.resource = httpRequest.url;
  this.remoteAddress = socket.remoteAddress;
  this.remoteAddresses = [this.remoteAddress];
  this.serverConfig = serverConfig;

  // The client may hang up before accept(): remember it, so accept() can
  // still return a connection that then closes with 1006.
  this._socketIsClosing = false;
  this._socketCloseHandler = this._handleSocketCloseBeforeAccept.bind(this);
  this.socket.on('end', this._socketCloseHandler);
  this.socket.on('close', this._socketCloseHandler);
  // Node detaches its own 'error' listener from upgraded sockets, so a reset
  // before accept() would crash the process (websocket issue #407). This one
  // stays until the connection installs its own.
  this._socketErrorHandler = this._handleSocketCloseBeforeAccept.bind(this);
  this.socket.on('error', this._socketErrorHandler);

  this._resolved = false;
}

util.inherits(WebSocketRequest, EventEmitter);

/**
 * `[name, value, ...]` from an `IncomingMessage.headers`-like object.
 * @param {object} headers
 * @returns {string[]}
 */
function flattenHeaders(headers) {
  const flat = [];
  for (const name of Object.keys(headers || {})) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    flat.push(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return flat;
}

/**
 * Parses and validates the request; throws an `Error` with websocket's text
 * (and `httpCode`/`headers` where websocket sets them) when it is refused.
 */
WebSocketRequest.prototype.readHandshake = function () {
  this.resourceURL = url.parse(this.resource, true);

  const config = this.serverConfig || {};
  const result = native.serverReadHandshake(flattenHeaders(this.httpRequest.headers), {
    parseExtensions: !!config.parseExtensions,
    parseCookies: !!config.parseCookies,
    ignoreXForwardedFor: !!config.ignoreXForwardedFor
  });
  if (result.error) {
    const e = new Error(result.error.message);
    if (result.error.httpCode !== 400 || result.error.headers.length > 0) {
      e.httpCode = result.error.httpCode;
      e.headers = {};
      for (let i = 0; i + 1 < result.error.headers.length; i += 2) {
        e.headers[result.error.headers[i]] = result.error.headers[i + 1];
      }
    }
    throw e;
  }

  this.host = result.host;
  this.key = result.key;
  this.webSocketVersion = result.webSocketVersion;
  this.origin = result.origin;

  this.protocolFullCaseMap = {};
  for (let i = 0; i + 1 < result.protocolFullCase.length; i += 2) {
    this.protocolFullCaseMap[result.protocolFullCase[i]] = result.protocolFullCase[i + 1];
  }
  this.requestedProtocols = result.requestedProtocols;

  if (result.forwardedFor.length > 0) {
    const immediatePeer = this.remoteAddress;
    this.remoteAddresses = result.forwardedFor.concat([immediatePeer]);
    this.remoteAddress = this.remoteAddresses[0];
  }

  this.requestedExtensions = toExtensions(result.requestedExtensions);
  this.cookies = toCookies(result.cookies);

  // permessage-deflate (RFC 7692), when the server enables it: the first
  // acceptable alternative of the offer, or none. Not with assembleFragments
  // off: raw 'frame' events would carry compressed payloads.
  this._deflate = null;
  this._deflateOptions = deflateOptions(config.perMessageDeflate);
  const offered = this.httpRequest.headers && this.httpRequest.headers['sec-websocket-extensions'];
  if (this._deflateOptions && config.assembleFragments !== false && offered) {
    this._deflate = native.deflateNegotiate(String(offered), this._deflateOptions);
  }
};

/**
 * websocket's extension shape: every param has a `value` key, undefined when
 * the parameter had no `=`.
 * @param {object[]} extensions from the binding
 * @returns {{name: string, params: {name: string, value: (string|undefined)}[]}[]}
 */
function toExtensions(extensions) {
  return extensions.map((extension) => ({
    name: extension.name,
    params: extension.params.map((param) => ({ name: param.name, value: param.value }))
  }));
}

/**
 * websocket's cookie shape: `value` is null for a pair without `=`.
 * @param {object[]} cookies from the binding
 * @returns {{name: string, value: (string|null)}[]}
 */
function toCookies(cookies) {
  return cookies.map((cookie) => ({ name: cookie.name, value: cookie.value === undefined ? null : cookie.value }));
}

/**
 * Parses a `Sec-WebSocket-Extensions` value (websocket's helper, kept public).
 * @param {string} extensionsString
 * @returns {{name: string, params: {name: string, value: (string|undefined)}[]}[]}
 */
WebSocketRequest.prototype.parseExtensions = function (extensionsString) {
  if (!extensionsString) return [];
  return toExtensions(native.serverParseExtensions(String(extensionsString)));
};

/**
 * Parses a `Cookie` value (websocket's helper, kept public). Throws
 * `URIError('URI malformed')` for a bad percent-escape, as websocket does.
 * @param {string} str
 * @returns {{name: string, value: (string|null)}[]}
 */
WebSocketRequest.prototype.parseCookies = function (str) {
  if (!str || typeof str !== 'string') return [];
  const result = native.serverParseCookies(str);
  if (result.error) throw new URIError(result.error);
  return toCookies(result.cookies);
};

/**
 * The binding's view of one `accept()` cookie: JS type checks done here, every
 * rule and text applied in Rust.
 * @param {object} cookie
 * @returns {object}
 */
function describeCookie(cookie) {
  const c = cookie || {};
  const isBool = (v) => typeof v === 'boolean';
  return {
    name: c.name ? String(c.name) : undefined,
    value: c.value ? String(c.value) : undefined,
    path: c.path ? String(c.path) : undefined,
    domain: c.domain && typeof c.domain === 'string' ? c.domain : undefined,
    domainWrongType: !!c.domain && typeof c.domain !== 'string',
    expires: c.expires instanceof Date ? c.expires.toUTCString() : undefined,
    expiresWrongType: !!c.expires && !(c.expires instanceof Date),
    maxAge: !c.maxage ? undefined : typeof c.maxage === 'string' ? c.maxage : Number(c.maxage),
    secure: c.secure === true,
    secureWrongType: !!c.secure && !isBool(c.secure),
    httpOnly: c.httponly === true,
    httpOnlyWrongType: !!c.httponly && !isBool(c.httponly)
  };
}

/**
 * Accepts the upgrade: writes the 101 response and returns the connection.
 * An invalid protocol or cookie rejects with 500 and throws.
 * @param {string} [acceptedProtocol] one of `requestedProtocols` (lower case)
 * @param {string} [allowedOrigin] echoed as `Origin` / `Sec-WebSocket-Origin`
 * @param {object[]} [cookies] `{name, value, path, domain, expires, maxage, secure, httponly}`
 * @returns {WebSocketConnection}
 */
WebSocketRequest.prototype.accept = function (acceptedProtocol, allowedOrigin, cookies) {
  this._verifyResolution();

  const fullCase = [];
  const map = this.protocolFullCaseMap || {};
  for (const lower of Object.keys(map)) fullCase.push(lower, String(map[lower]));
  this.protocolFullCaseMap = null;

  let response;
  try {
    response = native.serverAcceptResponse({
      key: String(this.key),
      webSocketVersion: this.webSocketVersion,
      protocol: acceptedProtocol ? String(acceptedProtocol) : undefined,
      requestedProtocols: (this.requestedProtocols || []).map(String),
      protocolFullCase: fullCase,
      origin: allowedOrigin ? String(allowedOrigin) : undefined,
      cookies: Array.isArray(cookies) ? cookies.map(describeCookie) : undefined,
      cookiesNotArray: !!cookies && !Array.isArray(cookies),
      extensions: this._deflate ? this._deflate.response : undefined
    });
  } catch (e) {
    if (DEBUG) log('accept() refused for %s %s: %s', this.remoteAddress, this.resource, e.message);
    this.reject(500);
    throw new Error(e.message);
  }
  this.requestedProtocols = null;
  if (DEBUG) {
    log(
      'handshake accepted: %s %s, protocol %j, origin %j',
      this.remoteAddress,
      this.resource,
      acceptedProtocol || null,
      allowedOrigin || null
    );
  }

  // Resolved before anything is written, so accept/reject cannot run twice.
  this._resolved = true;
  this.emit('requestResolved', this);

  if (!this._socketIsClosing && canAdopt(this.socket, this.serverConfig)) {
    return this._acceptNative(acceptedProtocol, response);
  }

  const connection = this._newConnection(this.socket, acceptedProtocol);
  // The connection's constructor removed every 'error' listener; keep the
  // socket guarded until the connection attaches its own.
  this.socket.on('error', this._socketErrorHandler);

  if (this._socketIsClosing) {
    cleanupFailedConnection(connection);
  } else {
    this.socket.write(response, (error) => {
      if (error) {
        cleanupFailedConnection(connection);
        return;
      }
      this._removeSocketCloseListeners();
      this.socket.removeListener('error', this._socketErrorHandler);
      connection._addSocketEventListeners();
    });
  }

  this.emit('requestAccepted', connection);
  return connection;
};

/**
 * The native transport: Rust takes the socket over and writes the 101 first.
 * @private
 */
WebSocketRequest.prototype._acceptNative = function (acceptedProtocol, response) {
  const socket = this.socket;
  const nativeSocket = new NativeSocket(socket);
  const connection = this._newConnection(nativeSocket, acceptedProtocol);
  this._removeSocketCloseListeners();
  let failed = null;
  try {
    nativeSocket._adopt(socket, connection, Buffer.isBuffer(response) ? response : Buffer.from(response), null);
  } catch (e) {
    failed = e;
  }
  if (failed === null) {
    connection._addSocketEventListeners();
  } else {
    // Could not take the socket over (e.g. out of file descriptors): the
    // connection closes with 1006, as when the socket is lost before the 101.
    socket.on('error', noop);
    socket.destroy();
    nativeSocket.destroyed = true;
    cleanupFailedConnection(connection);
  }
  this.emit('requestAccepted', connection);
  return connection;
};

function noop() {}

/**
 * Builds the connection with the request's version and addresses; when the
 * server config is invalid (the constructor throws, e.g. `keepaliveInterval`
 * missing), the socket is closed before the error reaches the caller, so the
 * client is not left waiting for a response.
 * @private
 */
WebSocketRequest.prototype._newConnection = function (socket, acceptedProtocol) {
  let connection;
  try {
    connection = new WebSocketConnection(socket, [], acceptedProtocol, false, this.serverConfig);
  } catch (e) {
    this.socket.destroy();
    throw e;
  }
  if (this._deflate) enableDeflate(connection, false, this._deflate, this._deflateOptions);
  connection.webSocketVersion = this.webSocketVersion;
  connection.remoteAddress = this.remoteAddress;
  connection.remoteAddresses = this.remoteAddresses;
  return connection;
};

/**
 * Refuses the upgrade with an HTTP response and ends the socket.
 * @param {number} [status=403]
 * @param {string} [reason] sent as `X-WebSocket-Reject-Reason`
 * @param {object} [extraHeaders] more response headers
 */
WebSocketRequest.prototype.reject = function (status, reason, extraHeaders) {
  this._verifyResolution();

  this._resolved = true;
  this.emit('requestResolved', this);

  const extra = [];
  if (extraHeaders) {
    for (const name in extraHeaders) extra.push(String(name), String(extraHeaders[name]));
  }
  if (DEBUG) {
    log(
      'handshake rejected: %s %s with HTTP %d%s',
      this.remoteAddress,
      this.resource,
      typeof status === 'number' ? status : 403,
      reason ? ', ' + JSON.stringify(String(reason)) : ''
    );
  }
  const response = native.serverRejectResponse(
    typeof status === 'number' ? status : 403,
    reason ? String(reason) : undefined,
    extra
  );
  this.socket.end(response);

  this.emit('requestRejected', this);
};

WebSocketRequest.prototype._handleSocketCloseBeforeAccept = function () {
  this._socketIsClosing = true;
  this._removeSocketCloseListeners();
};

WebSocketRequest.prototype._removeSocketCloseListeners = function () {
  this.socket.removeListener('end', this._socketCloseHandler);
  this.socket.removeListener('close', this._socketCloseHandler);
};

WebSocketRequest.prototype._verifyResolution = function () {
  if (this._resolved) {
    throw new Error('WebSocketRequest may only be accepted or rejected one time.');
  }
};

/**
 * The client hung up before the 101 was written: the connection is still
 * returned, and closes with 1006 on the next tick without sending a frame.
 * @param {WebSocketConnection} connection
 */
function cleanupFailedConnection(connection) {
  process.nextTick(() => {
    connection.drop(WebSocketConnection.CLOSE_REASON_ABNORMAL, 'TCP connection lost before handshake completed.', true);
  });
}

module.exports = WebSocketRequest;
