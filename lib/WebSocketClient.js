'use strict';
/**
 * WebSocketClient: websocket's client API. Node's `http`/`https` send the
 * upgrade request; the native core generates the key, checks subprotocol
 * tokens and validates the 101 response (crates/wsproto/src/handshake/client.rs),
 * so every failure carries `websocket`'s text.
 */
const util = require('util');
const { EventEmitter } = require('events');
const http = require('http');
const https = require('https');
const url = require('url');
const { deflateOptions, enableDeflate } = require('./PerMessageDeflate');
const { NativeSocket, canAdopt } = require('./NativeTransport');
const native = require('./native');
const WebSocketConnection = require('./WebSocketConnection');
const log = require('./debug').createLogger('websocket:client');
/** `DEBUG` selects websocket:client (read once). */
const DEBUG = log.enabled;

/** `tlsOptions` keys that never override the request options the client computes. */
const EXCLUDED_TLS_OPTIONS = ['hostname', 'port', 'method', 'path', 'headers'];

const DEFAULT_PORTS = { 'ws:': '80', 'wss:': '443' };

const kHandshakeTimer = Symbol('handshakeTimer');
const kManualProtocolHeader = Symbol('manualProtocolHeader');
const kDeflateOptions = Symbol('deflateOptions');
const kDeflateAgreement = Symbol('deflateAgreement');

/**
 * Shallow copy of enumerable properties, `websocket`'s config merge semantics.
 * @param {object} dest
 * @param {object} source
 * @returns {object} dest
 */
function extend(dest, source) {
  for (const key in source) {
    dest[key] = source[key];
  }
  return dest;
}

/**
 * Sets `headers[name] = value`, first removing keys that differ from `name`
 * only in case, so Node does not send the header twice. A key spelled exactly
 * `name` keeps its position, as with `websocket`'s plain assignment.
 * @param {object} headers
 * @param {string} name
 * @param {string} value
 */
function setHeader(headers, name, value) {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key !== name && key.toLowerCase() === lower) delete headers[key];
  }
  headers[name] = value;
}

/**
 * The value of a header in a plain headers object, looked up case-insensitively.
 * @param {object} headers
 * @param {string} name lower-case name
 * @returns {*} the value, or undefined
 */
function findHeader(headers, name) {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

/**
 * @constructor
 * @param {object} [config] overrides of the client defaults (api-parity §5a), plus the
 *   websocket-rs option `handshakeTimeout` (ms, off unless set): when the 101 has not
 *   arrived that long after `connect()`, the request is destroyed and `connectFailed`
 *   is emitted. It is opt-in so the default config object stays exactly `websocket`'s.
 */
function WebSocketClient(config) {
  EventEmitter.call(this);

  this.config = {
    // Frames larger than this (bytes) close the connection with 1009. 1 MiB.
    maxReceivedFrameSize: 0x100000,
    // Assembled messages larger than this (bytes) close with 1009. 8 MiB.
    maxReceivedMessageSize: 0x800000,
    // Split outgoing messages larger than fragmentationThreshold.
    fragmentOutgoingMessages: true,
    // Outgoing fragment size in bytes. 16 KiB.
    fragmentationThreshold: 0x4000,
    // 13 (RFC 6455) or 8 (hybi-08: only changes the Origin header's name).
    webSocketVersion: 13,
    // Emit whole messages (`message`) rather than frames (`frame`).
    assembleFragments: true,
    // setNoDelay(true) on the socket: latency over batching.
    disableNagleAlgorithm: true,
    // Milliseconds to wait for the peer's close frame after sending ours.
    closeTimeout: 5000,
    // Options for the TLS connection of wss:// URLs (`headers` become request headers).
    tlsOptions: {}
  };

  if (config) {
    let tlsOptions = {};
    if (config.tlsOptions) {
      // websocket removes tlsOptions from the caller's object; users can observe it.
      tlsOptions = config.tlsOptions;
      delete config.tlsOptions;
    }
    extend(this.config, config);
    extend(this.config.tlsOptions, tlsOptions);
  }

  // permessage-deflate (RFC 7692): off unless config.perMessageDeflate; a bad value throws here. Not offered with
  // assembleFragments off: raw 'frame' events would carry compressed payloads.
  const deflate = deflateOptions(this.config.perMessageDeflate);
  this[kDeflateOptions] = this.config.assembleFragments === false ? null : deflate;
  this[kDeflateAgreement] = null;

  this._req = null;

  if (this.config.webSocketVersion !== 8 && this.config.webSocketVersion !== 13) {
    throw new Error('Requested webSocketVersion is not supported. Allowed values are 8 and 13.');
  }
}

util.inherits(WebSocketClient, EventEmitter);

/**
 * Opens a WebSocket connection. Emits `connect(connection)` on success,
 * `connectFailed(error)` on failure, or `httpResponse(response, client)` for a
 * non-101 answer when that event has listeners. Bad arguments throw synchronously.
 * @param {string|object} requestUrl a `ws:`/`wss:` URL, a `url.parse()` result or a WHATWG URL
 * @param {string|string[]} [protocols] subprotocols to request
 * @param {string} [origin] sent as `Origin` (`Sec-WebSocket-Origin` for version 8)
 * @param {object} [headers] extra request headers
 * @param {object} [extraRequestOptions] extra `http.request` options (e.g. `agent`)
 */
WebSocketClient.prototype.connect = function connect(requestUrl, protocols, origin, headers, extraRequestOptions) {
  if (typeof protocols === 'string') {
    protocols = protocols.length > 0 ? [protocols] : [];
  }
  if (!Array.isArray(protocols)) {
    protocols = [];
  }
  this.protocols = protocols;
  this.origin = origin;

  if (typeof requestUrl === 'string') {
    this.url = url.parse(requestUrl);
  } else if (requestUrl instanceof URL) {
    // A WHATWG URL has no `path`; websocket would lose its query string.
    this.url = url.parse(requestUrl.href);
  } else {
    this.url = requestUrl;
  }
  if (!this.url.protocol) {
    throw new Error('You must specify a full WebSocket URL, including protocol.');
  }
  if (!this.url.host) {
    throw new Error('You must specify a full WebSocket URL, including hostname. Relative URLs are not supported.');
  }

  this.secure = this.url.protocol === 'wss:';

  const protocolNames = this.protocols.map(String);
  try {
    native.clientValidateProtocols(protocolNames);
  } catch (err) {
    // A plain Error with websocket's text, without the binding's error code.
    throw new Error(err.message);
  }

  if (!this.url.port) {
    this.url.port = DEFAULT_PORTS[this.url.protocol];
  }

  this.base64nonce = native.clientGenerateKey();

  const reqHeaders = this._buildHeaders(protocolNames, headers);

  let pathAndQuery = '/';
  if (this.url.pathname) {
    pathAndQuery = this.url.path;
  } else if (this.url.path) {
    pathAndQuery = '/' + this.url.path;
  }

  const requestOptions = { agent: false };
  if (extraRequestOptions) {
    extend(requestOptions, extraRequestOptions);
  }
  // The client always decides these, whatever extraRequestOptions says.
  extend(requestOptions, {
    hostname: this.url.hostname,
    port: this.url.port,
    method: 'GET',
    path: pathAndQuery,
    headers: reqHeaders
  });
  if (this.secure) {
    const tlsOptions = this.config.tlsOptions || {};
    for (const key of Object.keys(tlsOptions)) {
      if (!EXCLUDED_TLS_OPTIONS.includes(key)) {
        requestOptions[key] = tlsOptions[key];
      }
    }
  }

  this._sendRequest(requestOptions, protocolNames.length === 0 && findHeader(reqHeaders, 'sec-websocket-protocol'));
};

/**
 * The request headers, in websocket's order: `tlsOptions.headers` (wss only),
 * the caller's headers, then the handshake headers the client controls.
 * @private
 * @param {string[]} protocolNames
 * @param {object} [headers]
 * @returns {object}
 */
WebSocketClient.prototype._buildHeaders = function _buildHeaders(protocolNames, headers) {
  const reqHeaders = {};
  const tlsOptions = this.config.tlsOptions || {};
  if (this.secure && Object.prototype.hasOwnProperty.call(tlsOptions, 'headers')) {
    extend(reqHeaders, tlsOptions.headers);
  }
  if (headers) {
    extend(reqHeaders, headers);
  }

  const defaultPort = DEFAULT_PORTS[this.url.protocol];
  // An IPv6 literal needs its brackets back in Host (RFC 7230 §5.4).
  let host = this.url.hostname.includes(':') ? '[' + this.url.hostname + ']' : this.url.hostname;
  if (defaultPort !== undefined && String(this.url.port) !== defaultPort) {
    host += ':' + this.url.port;
  }
  const userHost = findHeader(reqHeaders, 'host');

  setHeader(reqHeaders, 'Upgrade', 'websocket');
  setHeader(reqHeaders, 'Connection', 'Upgrade');
  setHeader(reqHeaders, 'Sec-WebSocket-Version', this.config.webSocketVersion.toString(10));
  setHeader(reqHeaders, 'Sec-WebSocket-Key', this.base64nonce);
  setHeader(reqHeaders, 'Host', userHost || host);

  if (protocolNames.length > 0) {
    setHeader(reqHeaders, 'Sec-WebSocket-Protocol', protocolNames.join(', '));
  }
  if (this[kDeflateOptions]) {
    setHeader(reqHeaders, 'Sec-WebSocket-Extensions', native.deflateClientOffer(this[kDeflateOptions]));
  }
  if (this.origin) {
    setHeader(reqHeaders, this.config.webSocketVersion === 13 ? 'Origin' : 'Sec-WebSocket-Origin', this.origin);
  }
  return reqHeaders;
};

/**
 * Sends the upgrade request and wires its outcomes to the client's events.
 * @private
 * @param {object} requestOptions
 * @param {boolean} manualProtocolHeader the caller set Sec-WebSocket-Protocol through `headers`
 */
WebSocketClient.prototype._sendRequest = function _sendRequest(requestOptions, manualProtocolHeader) {
  const req = (this._req = (this.secure ? https : http).request(requestOptions));
  this[kManualProtocolHeader] = Boolean(manualProtocolHeader);

  const onError = (error) => {
    if (DEBUG) log('connect failed: %s', error.message);
    this._clearHandshakeTimer();
    if (this._req === req) this._req = null;
    this.emit('connectFailed', error);
  };

  req.on('upgrade', (response, socket, head) => {
    this._clearHandshakeTimer();
    if (this._req === req) this._req = null;
    req.removeListener('error', onError);
    this.socket = socket;
    this.response = response;
    this.firstDataChunk = head;
    this.validateHandshake();
  });
  req.on('error', onError);

  req.on('response', (response) => {
    this._clearHandshakeTimer();
    if (this._req === req) this._req = null;
    if (this.listenerCount('httpResponse') > 0) {
      this.emit('httpResponse', response, this);
      if (response.socket) {
        response.socket.end();
      }
      return;
    }
    const headerLines = Object.keys(response.headers).map((name) => name + ': ' + response.headers[name]);
    // Nobody can read the body: let the socket go.
    response.destroy();
    this.failHandshake(
      'Server responded with a non-101 status: ' +
        response.statusCode +
        ' ' +
        response.statusMessage +
        '\nResponse Headers Follow:\n' +
        headerLines.join('\n') +
        '\n'
    );
  });

  const timeout = this.config.handshakeTimeout;
  if (typeof timeout === 'number' && timeout > 0) {
    this[kHandshakeTimer] = setTimeout(() => {
      this[kHandshakeTimer] = null;
      req.destroy(new Error('WebSocket handshake timed out after ' + timeout + ' ms'));
    }, timeout);
  }

  req.end();
};

/** @private */
WebSocketClient.prototype._clearHandshakeTimer = function _clearHandshakeTimer() {
  if (this[kHandshakeTimer]) {
    clearTimeout(this[kHandshakeTimer]);
    this[kHandshakeTimer] = null;
  }
};

/**
 * Checks the 101 response (RFC 6455 §4.1) and either completes or fails the connection.
 */
WebSocketClient.prototype.validateHandshake = function validateHandshake() {
  let raw = this.response.rawHeaders;
  if (this[kManualProtocolHeader]) {
    // Subprotocols requested through `headers` are the caller's business, as in websocket.
    raw = raw.filter((v, i, all) => {
      const name = i % 2 === 0 ? v : all[i - 1];
      return name.toLowerCase() !== 'sec-websocket-protocol';
    });
  }
  let protocol;
  const deflate = this[kDeflateOptions];
  this[kDeflateAgreement] = null;
  try {
    protocol = native.clientValidateResponse(
      this.base64nonce,
      this.protocols.map(String),
      raw,
      deflate ? ['permessage-deflate'] : []
    );
    if (deflate) {
      const extensions = this.response.headers['sec-websocket-extensions'];
      this[kDeflateAgreement] = native.deflateClientAccept(
        extensions === undefined ? undefined : String(extensions),
        deflate
      );
    }
  } catch (err) {
    this.failHandshake(err.message);
    return;
  }
  this.protocol = protocol === null ? undefined : protocol;
  if (DEBUG) log('handshake accepted by %s: protocol %j', this.url && this.url.href, protocol);
  this.succeedHandshake();
};

/**
 * Closes the upgraded socket (if any) and emits `connectFailed` with `errorDescription`.
 * @param {string} errorDescription
 */
WebSocketClient.prototype.failHandshake = function failHandshake(errorDescription) {
  if (DEBUG) log('handshake failed: %s', errorDescription);
  if (this.socket && !this.socket.destroyed) {
    // RFC 6455 §4.1: fail the connection. websocket only end()s the socket,
    // which leaves it open (and its errors unhandled) until the server closes.
    this.socket.destroy();
  }
  this.emit('connectFailed', new Error(errorDescription));
};

/**
 * Wraps the upgraded socket in a WebSocketConnection, emits `connect`, then
 * feeds it any bytes that arrived together with the 101.
 */
WebSocketClient.prototype.succeedHandshake = function succeedHandshake() {
  if (canAdopt(this.socket, this.config)) {
    this._succeedNative();
    return;
  }
  const connection = new WebSocketConnection(this.socket, [], this.protocol, true, this.config);
  this._enableDeflate(connection);
  connection.webSocketVersion = this.config.webSocketVersion;
  connection._addSocketEventListeners();

  this.emit('connect', connection);
  const head = this.firstDataChunk;
  this.firstDataChunk = null;
  if (head && head.length > 0) {
    connection.handleSocketData(head);
  }
};

/**
 * The native transport: Rust takes the upgraded socket over, with the bytes
 * that came with the 101.
 * @private
 */
WebSocketClient.prototype._succeedNative = function _succeedNative() {
  const socket = this.socket;
  const nativeSocket = new NativeSocket(socket);
  const connection = new WebSocketConnection(nativeSocket, [], this.protocol, true, this.config);
  this._enableDeflate(connection);
  connection.webSocketVersion = this.config.webSocketVersion;
  const head = this.firstDataChunk;
  this.firstDataChunk = null;
  try {
    nativeSocket._adopt(socket, connection, Buffer.alloc(0), head);
  } catch (e) {
    socket.destroy();
    if (DEBUG) log('connect failed: could not take over the socket: %s', e.message);
    this.emit('connectFailed', new Error('Could not take over the socket: ' + e.message));
    return;
  }
  this.socket = nativeSocket;
  connection._addSocketEventListeners();
  this.emit('connect', connection);
};

/**
 * Turns permessage-deflate on for the new connection when the server agreed to it.
 * @private
 * @param {WebSocketConnection} connection
 */
WebSocketClient.prototype._enableDeflate = function _enableDeflate(connection) {
  const agreement = this[kDeflateAgreement];
  if (agreement) enableDeflate(connection, true, agreement, this[kDeflateOptions]);
};

/**
 * Aborts the handshake in flight; `connectFailed` follows with `socket hang up`.
 * A no-op once the client has connected or failed.
 */
WebSocketClient.prototype.abort = function abort() {
  if (this._req) {
    this._clearHandshakeTimer();
    this._req.destroy();
  }
};

module.exports = WebSocketClient;
