'use strict';
/**
 * Broadcast chat: every text message is sent to every connected client,
 * prefixed with the sender's name (`<name>: <text>`). A client names itself
 * with the `name` query parameter: ws://127.0.0.1:8080/?name=alice
 *
 *   node examples/chat/server.js [port]      (or PORT=... ; default 8080, 0 = any free port)
 *   node examples/chat/client.js ws://127.0.0.1:8080/ alice
 */
const http = require('http');
const WebSocketServer = require('websocket-rs').server;

const port = Number(process.argv[2] || process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  res.writeHead(426);
  res.end();
});
const wsServer = new WebSocketServer({ httpServer });
let guests = 0;

wsServer.on('request', (request) => {
  if (request.resourceURL.pathname !== '/') {
    request.reject(404, 'The chat lives at /');
    return;
  }
  const name = String(request.resourceURL.query.name || 'guest' + ++guests).slice(0, 32);
  const connection = request.accept(null, request.origin);

  wsServer.broadcastUTF('* ' + name + ' joined (' + wsServer.connections.length + ' online)');
  connection.on('message', (message) => {
    if (message.type === 'utf8') {
      wsServer.broadcastUTF(name + ': ' + message.utf8Data);
    } else {
      connection.sendUTF('* only text is relayed here');
    }
  });
  connection.on('close', () => {
    wsServer.broadcastUTF('* ' + name + ' left (' + wsServer.connections.length + ' online)');
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
  wsServer.shutDown();
  httpServer.close(() => console.log('stopped'));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
