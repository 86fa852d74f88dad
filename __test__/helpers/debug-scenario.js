'use strict';
/**
 * Run by __test__/debug.test.js in a child process with `DEBUG` set: goes
 * through what the debug log should describe, over loopback, then exits.
 * 1. a handshake rejected by the application (403 "go away");
 * 2. an invalid handshake (no Sec-WebSocket-Key);
 * 3. a connection that echoes a message, is paused and resumed by the
 *    application, and is closed by the client with 4000 "bye";
 * 4. a protocol error (a frame with RSV1 set and no extension);
 * 5. a peer that never reads nor answers: a large send meets backpressure, and
 *    the keepalive ping goes unanswered, so the connection is dropped.
 * Prints to stdout one JSON object: what `_debug.printOutput(fn)` of the
 * connection of step 3 printed, and that connection's `_debug.enabled`.
 */
const crypto = require('crypto');
const http = require('http');
const net = require('net');
const util = require('util');
const WebSocket = require('../..');
const { frame } = require('./wire');

const KEEPALIVE_MS = 100;

/** @returns {Promise<{httpServer: import('http').Server, wsServer: any, port: number}>} */
async function listen(config) {
  const httpServer = http.createServer();
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const wsServer = new WebSocket.server({ httpServer, ...config });
  return { httpServer, wsServer, port: httpServer.address().port };
}

/** Opens a raw TCP connection and writes an upgrade request for `path` (without a key if `key` is null). */
function rawUpgrade(port, path, key) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    'GET ' +
      path +
      ' HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
      (key === null ? '' : 'Sec-WebSocket-Key: ' + key + '\r\n') +
      '\r\n'
  );
  return socket;
}

/** Resolves with the server-side connection's close once the request for `path` is accepted and closes. */
function acceptNext(wsServer, path, onConnection) {
  return new Promise((resolve) => {
    const onRequest = (request) => {
      if (request.resource !== path) return;
      wsServer.removeListener('request', onRequest);
      const connection = request.accept(request.requestedProtocols[0] || null, request.origin);
      connection.on('close', (code, description) => resolve({ connection, code, description }));
      if (onConnection) onConnection(connection);
    };
    wsServer.on('request', onRequest);
  });
}

async function main() {
  const { httpServer, wsServer, port } = await listen({});
  const base = 'ws://127.0.0.1:' + port;

  wsServer.on('request', (request) => {
    if (request.resource === '/reject') request.reject(403, 'go away');
  });

  // 1. Rejected by the application.
  await new Promise((resolve) => {
    const client = new WebSocket.client();
    client.on('connectFailed', resolve);
    client.on('connect', (connection) => connection.drop());
    client.connect(base + '/reject', 'echo');
  });

  // 2. An invalid handshake: the server answers 400 and ends the socket.
  await new Promise((resolve) => {
    const socket = rawUpgrade(port, '/invalid', null);
    socket.resume();
    socket.on('close', resolve);
  });

  // 3. Echo, pause/resume, close 4000 "bye" from the client.
  const echoed = acceptNext(wsServer, '/echo', (connection) => {
    connection.on('message', (message) => {
      connection.pause();
      setImmediate(() => {
        connection.resume();
        connection.sendUTF(message.utf8Data);
      });
    });
  });
  const client = new WebSocket.client();
  client.on('connect', (connection) => {
    connection.on('message', () => connection.close(4000, 'bye'));
    connection.sendUTF('hello');
  });
  client.connect(base + '/echo', 'echo');
  const { connection: echoConnection } = await echoed;

  // 4. A protocol error: RSV1 without a negotiated extension.
  const failed = acceptNext(wsServer, '/protocol-error');
  const bad = rawUpgrade(port, '/protocol-error', crypto.randomBytes(16).toString('base64'));
  bad.resume();
  bad.write(frame({ opcode: 0x1, payload: 'hi', rsv: 0x40 }));
  await failed;
  bad.destroy();

  // 5. A peer that neither reads nor answers pings, on a server with a short keepalive.
  const quiet = await listen({ keepaliveInterval: KEEPALIVE_MS, keepaliveGracePeriod: KEEPALIVE_MS });
  const dropped = acceptNext(quiet.wsServer, '/silent', (connection) => {
    connection.sendBytes(Buffer.alloc(16 * 1024 * 1024, 0x61));
  });
  const silent = rawUpgrade(quiet.port, '/silent', crypto.randomBytes(16).toString('base64'));
  await dropped;
  silent.destroy();

  const printed = [];
  echoConnection._debug.printOutput((...args) => printed.push(util.format(...args)));
  process.stdout.write(JSON.stringify({ enabled: echoConnection._debug.enabled, printed }) + '\n');

  wsServer.shutDown();
  quiet.wsServer.shutDown();
  httpServer.close();
  quiet.httpServer.close();
}

main().catch((err) => {
  process.stderr.write('scenario failed: ' + (err && err.stack) + '\n');
  process.exit(1);
});
