'use strict';
/**
 * A websocket-rs echo server in a child process, for the adversarial suite and the soak: the parent attacks it over
 * loopback and reads the server's own RSS, heap and open file descriptors, which an in-process server would share with
 * the attackers. Runs on whichever transport `WEBSOCKET_RS_TRANSPORT` selects (inherited from the parent).
 *
 * Messages to the parent (IPC): `{ ev: 'listening', port }`, then for every connection
 * `{ ev: 'close', path, code, description }` and `{ ev: 'error', path, message }`.
 * Requests from the parent: `{ id, cmd: 'stats' }` → `{ id, rss, heapUsed, fds, open }` (after a GC);
 * `{ id, cmd: 'exit' }`.
 *
 * Paths: `/` echoes; `/flood-out` sends 64 KiB messages without waiting until `outputBufferFull`, reports
 * `{ ev: 'full', sent, callbacks }`, then `{ ev: 'drain', sent, callbacks }` on `'drain'`, and closes once every send
 * callback has run (`{ ev: 'all-sent', callbacks }`).
 *
 * `HOSTILE_SERVER_ADDON` names another build of the addon to load (see below). Options in `HOSTILE_SERVER` (JSON): `headersTimeout`, `requestTimeout`, `connectionsCheckingInterval` (ms, for the
 * Node `http.Server`), and `config` (more `WebSocketServer` config).
 */
const http = require('http');
const fs = require('fs');
const path = require('path');
const Module = require('module');

// `HOSTILE_SERVER_ADDON`: load this .node file as the binding instead of the normal build (the panic test's
// `panic-marker` build), by seeding the module cache entry of lib/native.js, the only loader.
if (process.env.HOSTILE_SERVER_ADDON) {
  const loader = require.resolve(path.join(__dirname, '..', '..', 'lib', 'native.js'));
  const entry = new Module(loader, module);
  entry.filename = loader;
  entry.exports = require(process.env.HOSTILE_SERVER_ADDON);
  entry.loaded = true;
  require.cache[loader] = entry;
}

const { server: WebSocketServer } = require(path.join(__dirname, '..', '..'));

const options = JSON.parse(process.env.HOSTILE_SERVER || '{}');
const httpOptions = {};
if (options.connectionsCheckingInterval) httpOptions.connectionsCheckingInterval = options.connectionsCheckingInterval;
const httpServer = http.createServer(httpOptions, (req, res) => {
  res.writeHead(426);
  res.end();
});
if (options.headersTimeout) httpServer.headersTimeout = options.headersTimeout;
if (options.requestTimeout) httpServer.requestTimeout = options.requestTimeout;

const wsServer = new WebSocketServer(Object.assign({ httpServer, autoAcceptConnections: false }, options.config));
let open = 0;
const report = (msg) => {
  if (process.connected) process.send(msg);
};

wsServer.on('request', (request) => {
  const where = request.resourceURL.pathname;
  const connection = request.accept(null, request.origin);
  open++;
  connection.on('error', (error) => report({ ev: 'error', path: where, message: error.message }));
  connection.on('close', (code, description) => {
    open--;
    report({ ev: 'close', path: where, code, description });
  });
  if (where === '/flood-out') floodOut(connection);
  else {
    connection.on('message', (m) => {
      if (m.type === 'utf8') connection.sendUTF(m.utf8Data);
      else connection.sendBytes(m.binaryData);
    });
  }
});

/**
 * Sends until the connection reports `outputBufferFull`, then waits for `'drain'`.
 * @param {object} connection a WebSocketConnection
 * @returns {void}
 */
function floodOut(connection) {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let callbacks = 0;
  const done = () => {
    callbacks++;
    if (callbacks === sent && drained) {
      report({ ev: 'all-sent', callbacks });
      connection.close();
    }
  };
  let drained = false;
  while (!connection.outputBufferFull && sent < 4096) {
    sent++;
    connection.sendBytes(chunk, done);
  }
  report({ ev: 'full', sent, callbacks, full: connection.outputBufferFull });
  connection.once('drain', () => {
    drained = true;
    report({ ev: 'drain', sent, callbacks });
    if (callbacks === sent) {
      report({ ev: 'all-sent', callbacks });
      connection.close();
    }
  });
}

process.on('message', (msg) => {
  if (msg.cmd === 'stats') {
    if (global.gc) global.gc();
    report({
      id: msg.id,
      rss: process.memoryUsage.rss(),
      heapUsed: process.memoryUsage().heapUsed,
      fds: fs.readdirSync('/proc/self/fd').length,
      open
    });
  } else if (msg.cmd === 'exit') {
    wsServer.shutDown();
    httpServer.close();
    process.disconnect();
    process.exit(0);
  }
});

httpServer.listen(0, '127.0.0.1', () => report({ ev: 'listening', port: httpServer.address().port }));
