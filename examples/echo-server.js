'use strict';
/**
 * Echo server: every text or binary message a client sends comes back to it.
 *
 *   node examples/echo-server.js [port]      (or PORT=... ; default 8080, 0 = any free port)
 *
 * Prints `listening on <port>` once it accepts connections, and stops cleanly
 * (closing every connection with 1001) on SIGINT or SIGTERM.
 */
const http = require('http');
const WebSocketServer = require('websocket-rs').server;

const port = Number(process.argv[2] || process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('This is a WebSocket echo server.\n');
});

const wsServer = new WebSocketServer({ httpServer });

wsServer.on('request', (request) => {
  // Accept the first subprotocol the client asked for (if any), from any origin.
  const connection = request.accept(request.requestedProtocols[0], request.origin);
  console.log('connection from ' + connection.remoteAddress);

  connection.on('message', (message) => {
    if (message.type === 'utf8') {
      connection.sendUTF(message.utf8Data);
    } else {
      connection.sendBytes(message.binaryData);
    }
  });
  connection.on('close', (code, description) => {
    console.log('connection closed: ' + code + ' ' + description);
  });
});

httpServer.listen(port, host, () => {
  console.log('listening on ' + httpServer.address().port);
});

let stopping = false;
function stop(signal) {
  if (stopping) process.exit(1); // a second Ctrl-C: give up waiting
  stopping = true;
  console.log('received ' + signal + ', shutting down');
  wsServer.unmount();
  for (const connection of wsServer.connections.slice()) {
    connection.close(1001, 'Server shutting down');
  }
  httpServer.close(() => console.log('stopped'));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
