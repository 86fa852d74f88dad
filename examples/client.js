'use strict';
/**
 * Client: connects, sends one text and one binary message, prints what the
 * server sends back, then closes.
 *
 *   node examples/client.js [url] [text]     (default ws://127.0.0.1:8080/ and "Hello from websocket-rs")
 *
 * Against examples/echo-server.js both messages come back. Exits with 0 after
 * a normal close, 1 when the connection fails.
 */
const WebSocketClient = require('websocket-rs').client;

const url = process.argv[2] || 'ws://127.0.0.1:8080/';
const text = process.argv[3] || 'Hello from websocket-rs';
const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);

const client = new WebSocketClient();

client.on('connectFailed', (error) => {
  console.error('connect failed: ' + error.message);
  process.exitCode = 1;
});

client.on('connect', (connection) => {
  console.log('connected to ' + url + (connection.protocol ? ' (protocol ' + connection.protocol + ')' : ''));
  let replies = 0;

  connection.on('message', (message) => {
    if (message.type === 'utf8') {
      console.log('received text: ' + message.utf8Data);
    } else {
      console.log('received binary: ' + message.binaryData.length + ' bytes ' + message.binaryData.toString('hex'));
    }
    if (++replies === 2) connection.close(1000, 'done');
  });
  connection.on('error', (error) => console.error('connection error: ' + error.message));
  connection.on('close', (code, description) => {
    console.log('closed: ' + code + ' ' + description);
  });

  connection.sendUTF(text);
  connection.sendBytes(bytes);

  // Ctrl-C while connected: say goodbye properly.
  const stop = () => connection.close(1001, 'Client going away');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  connection.once('close', () => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  });
});

client.connect(url);
