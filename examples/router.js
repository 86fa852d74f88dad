'use strict';
/**
 * Router: one server, two routes chosen by path and subprotocol.
 *
 *   /echo  with subprotocol "echo-protocol"   echoes every message
 *   /shout with subprotocol "shout-protocol"  answers text in upper case
 *
 * Any other path/protocol combination is rejected with 404 by the router.
 *
 *   node examples/router.js [port]           (or PORT=... ; default 8080, 0 = any free port)
 *
 * Try it: node examples/client.js ws://127.0.0.1:8080/echo  (the client example
 * asks for no subprotocol, so use a client that sends one, e.g. the W3C API:
 * new W3CWebSocket('ws://127.0.0.1:8080/shout', 'shout-protocol')).
 */
const http = require('http');
const { server: WebSocketServer, router: WebSocketRouter } = require('websocket-rs');

const port = Number(process.argv[2] || process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const wsServer = new WebSocketServer({ httpServer });
const router = new WebSocketRouter({ server: wsServer });

router.mount('/echo', 'echo-protocol', (request) => {
  const connection = request.accept(request.origin);
  console.log('echo: connection from ' + connection.remoteAddress);
  connection.on('message', (message) => {
    if (message.type === 'utf8') connection.sendUTF(message.utf8Data);
    else connection.sendBytes(message.binaryData);
  });
});

router.mount('/shout', 'shout-protocol', (request) => {
  const connection = request.accept(request.origin);
  console.log('shout: connection from ' + connection.remoteAddress);
  connection.on('message', (message) => {
    if (message.type === 'utf8') connection.sendUTF(message.utf8Data.toUpperCase());
    else connection.sendUTF('binary messages are too quiet to shout (' + message.binaryData.length + ' bytes)');
  });
});

httpServer.listen(port, host, () => {
  console.log('listening on ' + httpServer.address().port);
});

let stopping = false;
function stop(signal) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('received ' + signal + ', shutting down');
  router.detachServer();
  wsServer.shutDown();
  httpServer.close(() => console.log('stopped'));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
