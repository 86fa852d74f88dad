'use strict';
/**
 * Echo server for the benchmarks, on one of three implementations:
 *
 *   node bench/servers/echo.js <websocket-rs|websocket|ws> [port]
 *
 * Echoes every message with the same type. A text message
 * `broadcast:<n>:<size>` instead makes the server send n text messages of
 * `size` bytes to every connection (`broadcastUTF` on websocket and
 * websocket-rs, a loop over `wss.clients` on ws). Compression is off and the
 * message limits are raised so 16 MiB messages pass. Prints `{"port":N}` once
 * listening; exits on SIGTERM, SIGINT, or when its parent closes stdin.
 */
const http = require('http');
const path = require('path');

/** Largest message accepted: the benches send up to 16 MiB. */
const MAX_MESSAGE = 64 * 1024 * 1024;

const [impl, portArg] = process.argv.slice(2);
const port = Number(portArg || 0);

/** @type {Map<number, string>} */
const patterns = new Map();

/**
 * The text the load generator expects in a broadcast: `a..z` repeated.
 * @param {number} size
 * @returns {string}
 */
function pattern(size) {
  let text = patterns.get(size);
  if (text === undefined) {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = 97 + (i % 26);
    text = bytes.toString('latin1');
    patterns.set(size, text);
  }
  return text;
}

/**
 * Parses a `broadcast:<n>:<size>` trigger.
 * @param {string} text
 * @returns {{count: number, size: number} | null}
 */
function parseTrigger(text) {
  if (text.length > 64 || !text.startsWith('broadcast:')) return null;
  const [, n, size] = text.split(':');
  const count = Number(n);
  const bytes = Number(size);
  if (!Number.isInteger(count) || !Number.isInteger(bytes) || count > 10000 || bytes > MAX_MESSAGE) return null;
  return { count, size: bytes };
}

/**
 * Mounts a `websocket`-API server (the original or ours) on `server`.
 * @param {http.Server} server
 * @param {Function} WebSocketServer
 */
function mountWebSocketNode(server, WebSocketServer) {
  const wss = new WebSocketServer({
    httpServer: server,
    maxReceivedFrameSize: MAX_MESSAGE,
    maxReceivedMessageSize: MAX_MESSAGE,
    keepalive: false
  });
  wss.on('request', (request) => {
    const connection = request.accept(null, request.origin);
    connection.on('error', () => {});
    connection.on('message', (message) => {
      if (message.type === 'utf8') {
        const trigger = parseTrigger(message.utf8Data);
        if (trigger) {
          const text = pattern(trigger.size);
          for (let i = 0; i < trigger.count; i++) wss.broadcastUTF(text);
        } else {
          connection.sendUTF(message.utf8Data);
        }
      } else {
        connection.sendBytes(message.binaryData);
      }
    });
  });
}

/**
 * Mounts a `ws` server on `server`.
 * @param {http.Server} server
 */
function mountWs(server) {
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: MAX_MESSAGE });
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        // Look at the first byte before decoding, so ordinary echoes pay nothing extra.
        const trigger = data.length <= 64 && data[0] === 0x62 ? parseTrigger(data.toString()) : null;
        if (trigger) {
          const text = pattern(trigger.size);
          for (let i = 0; i < trigger.count; i++) {
            for (const client of wss.clients) client.send(text);
          }
          return;
        }
      }
      ws.send(data, { binary: isBinary });
    });
  });
}

const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});

if (impl === 'ws') {
  mountWs(server);
} else if (impl === 'websocket') {
  mountWebSocketNode(server, require('websocket').server);
} else if (impl === 'websocket-rs') {
  mountWebSocketNode(server, require(path.join(__dirname, '..', '..')).server);
} else {
  console.error('usage: node bench/servers/echo.js <websocket-rs|websocket|ws> [port]');
  process.exit(2);
}

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
