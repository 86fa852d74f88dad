'use strict';
// A plain `websocket` program, unchanged: a server that echoes and a client
// that sends one text and one binary message. .ci/user-install.sh runs it
// against websocket 1.0.35 itself, then against websocket-rs installed under
// the name `websocket`.
const http = require('http');
const WebSocketServer = require('websocket').server;
const WebSocketClient = require('websocket').client;

const timer = setTimeout(() => {
  console.error('echo: no echo within 10 s');
  process.exit(1);
}, 10000);

const httpServer = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
httpServer.listen(0, '127.0.0.1', () => {
  const wsServer = new WebSocketServer({ httpServer, autoAcceptConnections: false });
  wsServer.on('request', (request) => {
    const connection = request.accept('echo-protocol', request.origin);
    connection.on('message', (message) => {
      if (message.type === 'utf8') connection.sendUTF(message.utf8Data);
      else connection.sendBytes(message.binaryData);
    });
  });

  const client = new WebSocketClient();
  client.on('connectFailed', (error) => {
    console.error('echo: connect failed: ' + error.toString());
    process.exit(1);
  });
  client.on('connect', (connection) => {
    const received = [];
    connection.on('message', (message) => {
      received.push(message.type === 'utf8' ? message.utf8Data : message.binaryData.toString('hex'));
      if (received.length === 2) connection.close();
    });
    connection.on('close', (code) => {
      clearTimeout(timer);
      wsServer.shutDown();
      httpServer.close();
      if (code !== 1000 || received[0] !== 'Hello' || received[1] !== '00ff10') {
        console.error('echo: wrong result ' + code + ' ' + JSON.stringify(received));
        process.exit(1);
      }
      console.log('echo: ok (' + require('websocket').version + ')');
    });
    connection.sendUTF('Hello');
    connection.sendBytes(Buffer.from([0x00, 0xff, 0x10]));
  });
  client.connect('ws://127.0.0.1:' + httpServer.address().port + '/', 'echo-protocol');
});
