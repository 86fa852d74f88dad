'use strict';
/**
 * A child process for the decompression-bomb test: an echo server with
 * permessage-deflate on (1 MiB message limit, 2 MiB frame limit), so its
 * memory can be measured apart from the test's. Talks over IPC: sends
 * `{port}` when listening, answers `'rss'` with `{rss}`, reports each
 * connection's close as `{closed: code}`; exits on `'exit'`.
 */
const http = require('http');
const WebSocketServer = require('../../lib/WebSocketServer');

const server = http.createServer();
const wss = new WebSocketServer({
  httpServer: server,
  keepalive: false,
  perMessageDeflate: true,
  maxReceivedFrameSize: 0x200000,
  maxReceivedMessageSize: 0x100000
});
wss.on('request', (request) => {
  const connection = request.accept();
  connection.on('message', (m) => {
    if (m.type === 'utf8') connection.sendUTF(m.utf8Data);
    else connection.sendBytes(m.binaryData);
  });
  connection.on('error', () => {});
  connection.on('close', (code) => process.send({ closed: code }));
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'rss') process.send({ rss: process.memoryUsage().rss });
  if (m === 'exit') {
    wss.shutDown();
    server.close();
    process.disconnect();
  }
});
