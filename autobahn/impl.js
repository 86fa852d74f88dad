'use strict';
/**
 * The implementations the Autobahn runner can drive, behind one small interface, so that the echo server and the
 * fuzzing client are the same script for every implementation and the runner is validated on `ws` and `websocket`
 * before ours is finished.
 *
 * Select one with `AUTOBAHN_IMPL=websocket-rs|websocket|ws` (default `websocket-rs`, i.e. this package).
 */
const path = require('path');

/** Large enough for the biggest Autobahn case (9.1.6 and 9.2.6 send 16 MiB messages). */
const MAX_SIZE = 64 * 1024 * 1024;

/**
 * Large enough for the most fragmented Autobahn case (9.3.1 and 9.4.1 send 4 MiB in 64-byte fragments: 65536 of
 * them). Only `ws` needs it: its default `maxFragments` (16384) fails 9.3.1 to 9.4.2. `websocket` and websocket-rs
 * run with their defaults (no fragment cap) and only the size limits raised.
 */
const WS_MAX_FRAGMENTS = 1024 * 1024;

/**
 * `AUTOBAHN_DEFLATE=1` turns permessage-deflate on (websocket-rs only; sections 12 and 13 test it). The client offers
 * `client_no_context_takeover` as well: wstest 0.8.2 reads that parameter as "the client can do without context
 * takeover" (a draft-era meaning) and accepts no offer without it in cases 13.2, 13.5 to 13.7.
 */
const DEFLATE = process.env.AUTOBAHN_DEFLATE === '1';

/** The implementation names accepted in `AUTOBAHN_IMPL`. */
const NAMES = ['websocket-rs', 'websocket', 'ws'];

/**
 * Loads the module for an implementation name.
 *
 * @param {string} name one of {@link NAMES}
 * @returns {object} the module's exports
 */
function load(name) {
  if (name === 'websocket-rs') return require(path.join(__dirname, '..'));
  if (name === 'websocket') return require('websocket');
  if (name === 'ws') return require('ws');
  throw new Error('AUTOBAHN_IMPL must be one of ' + NAMES.join(', ') + ', got ' + JSON.stringify(name));
}

/**
 * Attaches an echo server to `httpServer` using the `websocket` API (shared by `websocket` and `websocket-rs`).
 *
 * @param {object} lib the module (`require('websocket')` or ours)
 * @param {import('http').Server} httpServer the server to mount on
 * @returns {void}
 */
function mountWebsocketEcho(lib, httpServer) {
  const wsServer = new lib.server({
    httpServer,
    autoAcceptConnections: false,
    maxReceivedFrameSize: MAX_SIZE,
    maxReceivedMessageSize: MAX_SIZE,
    perMessageDeflate: DEFLATE
  });
  wsServer.on('request', (request) => {
    const connection = request.accept(null, request.origin);
    connection.on('message', (message) => {
      if (message.type === 'utf8') connection.sendUTF(message.utf8Data);
      else connection.sendBytes(message.binaryData);
    });
    connection.on('error', () => {
      // Protocol errors are what the suite provokes; the connection closes itself.
    });
  });
}

/**
 * Attaches an echo server to `httpServer` using the `ws` API.
 *
 * @param {object} ws `require('ws')`
 * @param {import('http').Server} httpServer the server to mount on
 * @returns {void}
 */
function mountWsEcho(ws, httpServer) {
  const wss = new ws.WebSocketServer({
    server: httpServer,
    maxPayload: MAX_SIZE,
    maxFragments: WS_MAX_FRAGMENTS,
    perMessageDeflate: false
  });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => {
      // See mountWebsocketEcho.
    });
  });
}

/**
 * Mounts an echo server of implementation `name` on `httpServer`.
 *
 * @param {string} name one of {@link NAMES}
 * @param {import('http').Server} httpServer the server to mount on
 * @returns {void}
 */
function mountEcho(name, httpServer) {
  const lib = load(name);
  if (name === 'ws') mountWsEcho(lib, httpServer);
  else mountWebsocketEcho(lib, httpServer);
}

/**
 * Opens one client connection with the `websocket` API and echoes every message it receives.
 *
 * @param {object} lib the module
 * @param {string} url the URL to connect to
 * @param {{echo: boolean, onText?: (message: string) => void}} options whether to echo messages back, and a callback
 *   for every text message received
 * @param {(error: Error|null, opened: boolean) => void} done called once, when the connection is closed or could not
 *   be made; `opened` tells whether the handshake had succeeded
 * @returns {() => void} a function that drops the connection
 */
function connectWebsocket(lib, url, options, done) {
  const client = new lib.client({
    maxReceivedFrameSize: MAX_SIZE,
    maxReceivedMessageSize: MAX_SIZE,
    perMessageDeflate: DEFLATE && { clientNoContextTakeover: true }
  });
  let connection = null;
  let finished = false;
  const finish = (error) => {
    if (finished) return;
    finished = true;
    done(error, connection !== null);
  };
  client.on('connectFailed', (error) => finish(error));
  client.on('connect', (conn) => {
    connection = conn;
    conn.on('message', (message) => {
      if (message.type === 'utf8') {
        if (options.onText) options.onText(message.utf8Data);
        if (options.echo) conn.sendUTF(message.utf8Data);
      } else if (options.echo) {
        conn.sendBytes(message.binaryData);
      }
    });
    conn.on('error', () => {
      // The suite provokes protocol errors; 'close' follows.
    });
    conn.on('close', () => finish(null));
  });
  client.connect(url, null);
  return () => {
    if (connection) connection.drop();
    else client.abort();
    finish(new Error('dropped by the runner'));
  };
}

/**
 * Opens one client connection with the `ws` API and echoes every message it receives.
 *
 * @param {object} ws `require('ws')`
 * @param {string} url the URL to connect to
 * @param {{echo: boolean, onText?: (message: string) => void}} options whether to echo messages back, and a callback
 *   for every text message received
 * @param {(error: Error|null, opened: boolean) => void} done called once, when the connection is closed or could not
 *   be made; `opened` tells whether the handshake had succeeded
 * @returns {() => void} a function that drops the connection
 */
function connectWs(ws, url, options, done) {
  const socket = new ws.WebSocket(url, {
    maxPayload: MAX_SIZE,
    maxFragments: WS_MAX_FRAGMENTS,
    perMessageDeflate: false
  });
  let failure = null;
  let opened = false;
  socket.on('open', () => {
    opened = true;
  });
  socket.on('message', (data, isBinary) => {
    if (!isBinary && options.onText) options.onText(data.toString());
    if (options.echo) socket.send(data, { binary: isBinary });
  });
  socket.on('error', (error) => {
    failure = error;
  });
  socket.on('close', () => done(failure, opened));
  return () => socket.terminate();
}

/**
 * Opens a client connection of implementation `name`.
 *
 * @param {string} name one of {@link NAMES}
 * @param {string} url the URL to connect to
 * @param {{echo: boolean, onText?: (message: string) => void}} options whether to echo messages back, and a callback
 *   for every text message received
 * @param {(error: Error|null, opened: boolean) => void} done called once, when the connection is closed or could not
 *   be made; `opened` tells whether the handshake had succeeded
 * @returns {() => void} a function that drops the connection
 */
function connect(name, url, options, done) {
  const lib = load(name);
  if (name === 'ws') return connectWs(lib, url, options, done);
  return connectWebsocket(lib, url, options, done);
}

/**
 * The implementation chosen by the environment.
 *
 * @returns {string} the value of `AUTOBAHN_IMPL`, or `websocket-rs`
 */
function selected() {
  const name = process.env.AUTOBAHN_IMPL || 'websocket-rs';
  if (!NAMES.includes(name)) {
    throw new Error('AUTOBAHN_IMPL must be one of ' + NAMES.join(', ') + ', got ' + JSON.stringify(name));
  }
  return name;
}

module.exports = { MAX_SIZE, NAMES, mountEcho, connect, selected };
