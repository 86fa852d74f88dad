'use strict';
/**
 * `npm start`: a broadcast chat with a web page, served on one port.
 *
 *   node examples/demo/server.js [port]      (or PORT=... ; default 8080, 0 = any free port)
 *   then open http://127.0.0.1:8080/ in two browser tabs
 *
 * HTTP serves the page in ./public; the WebSocket lives at /ws?name=<name>.
 * Every text message a client sends is relayed to every client as
 * `{"type":"chat","from":name,"text":...}`, every binary message is relayed
 * as the same bytes, and once a second (and whenever someone joins or leaves)
 * the server pushes `{"type":"stats",...}`. Text starting with `/` is a
 * command: `/close` makes the server close the sender's connection with code
 * 4001, `/kick <name>` does the same to everyone called <name>.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');
const WebSocketServer = require('websocket-rs').server;

const port = Number(process.argv[2] || process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';

const PUBLIC = path.join(__dirname, 'public');
/** The only files served: URL path -> [file in ./public, content type]. */
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8']
};
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store'
};
/** Close code the server uses for `/close` and `/kick` (4000-4999: for applications). */
const CLOSE_KICKED = 4001;
const STATS_INTERVAL_MS = 1000;

const httpServer = http.createServer((req, res) => {
  const file = FILES[new URL(req.url, 'http://localhost').pathname];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
  } else if (req.url === '/favicon.ico') {
    res.writeHead(204);
    res.end();
  } else if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  } else {
    fs.readFile(path.join(PUBLIC, file[0]), (err, body) => {
      if (err) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(err.message + '\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': file[1], 'Content-Length': body.length, ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }
});

// permessage-deflate in its memory mode: no context kept between messages, so idle connections hold no zlib
// state; threshold 0 compresses even the short chat messages, to show it working with the browser.
const wsServer = new WebSocketServer({
  httpServer,
  maxReceivedMessageSize: 64 * 1024,
  perMessageDeflate: { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 }
});
/** @type {Map<import('websocket-rs').connection, string>} connection -> name */
const names = new Map();
let guests = 0;
let totalMessages = 0;
let messagesAtLastTick = 0;
let lastTick = Date.now();
let messagesPerSecond = 0;

/** @param {object} message sent to every connection as JSON text */
function broadcastJSON(message) {
  wsServer.broadcastUTF(JSON.stringify(message));
}

function stats() {
  return {
    type: 'stats',
    connections: wsServer.connections.length,
    messagesPerSecond,
    totalMessages,
    uptimeSeconds: Math.round(process.uptime())
  };
}

const statsTimer = setInterval(() => {
  const now = Date.now();
  messagesPerSecond = Math.round(((totalMessages - messagesAtLastTick) * 10000) / Math.max(now - lastTick, 1)) / 10;
  messagesAtLastTick = totalMessages;
  lastTick = now;
  broadcastJSON(stats());
}, STATS_INTERVAL_MS);
statsTimer.unref();

/**
 * Runs a `/command` sent by `connection`.
 * @param {import('websocket-rs').connection} connection
 * @param {string} name the sender's name
 * @param {string} line the text, starting with '/'
 */
function runCommand(connection, name, line) {
  const [command, ...rest] = line.slice(1).trim().split(/\s+/);
  const target = rest.join(' ');
  if (command === 'close') {
    connection.close(CLOSE_KICKED, 'bye from server');
  } else if (command === 'kick' && target) {
    const victims = wsServer.connections.filter((c) => names.get(c) === target);
    if (victims.length === 0) {
      connection.sendUTF(JSON.stringify({ type: 'system', text: 'nobody called ' + target + ' is here' }));
      return;
    }
    broadcastJSON({ type: 'system', text: name + ' kicked ' + target });
    for (const victim of victims) victim.close(CLOSE_KICKED, 'kicked by ' + name);
  } else {
    connection.sendUTF(JSON.stringify({ type: 'system', text: 'commands: /close, /kick <name>' }));
  }
}

wsServer.on('request', (request) => {
  if (request.resourceURL.pathname !== '/ws') {
    request.reject(404, 'The WebSocket lives at /ws');
    return;
  }
  // Browsers always send Origin: only let this server's own page in.
  if (request.origin && request.origin !== 'http://' + request.host) {
    request.reject(403, 'Origin not allowed');
    return;
  }
  const name =
    String(request.resourceURL.query.name || '')
      .trim()
      .slice(0, 32) || 'guest' + ++guests;
  const connection = request.accept(null, request.origin);
  names.set(connection, name);

  connection.sendUTF(JSON.stringify({ type: 'welcome', name }));
  broadcastJSON({ type: 'system', text: name + ' joined' });
  broadcastJSON(stats());

  connection.on('message', (message) => {
    totalMessages++;
    if (message.type === 'binary') {
      wsServer.broadcastBytes(message.binaryData);
    } else if (message.utf8Data.startsWith('/')) {
      runCommand(connection, name, message.utf8Data);
    } else {
      broadcastJSON({ type: 'chat', from: name, text: message.utf8Data });
    }
  });
  connection.on('close', (code, reason) => {
    names.delete(connection);
    broadcastJSON({ type: 'system', text: name + ' left (' + code + (reason ? ' ' + reason : '') + ')' });
    broadcastJSON(stats());
  });
});

httpServer.listen(port, host, () => {
  const address = httpServer.address();
  const shownHost = address.address.includes(':') ? '[' + address.address + ']' : address.address;
  console.log('listening on http://' + shownHost + ':' + address.port + '/');
});

let stopping = false;
/** @param {string} signal */
function stop(signal) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('received ' + signal + ', shutting down');
  clearInterval(statsTimer);
  wsServer.shutDown();
  httpServer.close(() => console.log('stopped'));
  // Browsers keep idle HTTP connections open; don't wait for them to time out.
  httpServer.closeIdleConnections();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
