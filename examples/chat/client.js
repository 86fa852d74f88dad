'use strict';
/**
 * Terminal chat client for examples/chat/server.js: each line typed is sent,
 * each message received is printed. End input (Ctrl-D) or Ctrl-C to leave.
 *
 *   node examples/chat/client.js [url] [name]  (default ws://127.0.0.1:8080/ and a guest name)
 */
const readline = require('readline');
const WebSocketClient = require('websocket-rs').client;

const base = new URL(process.argv[2] || 'ws://127.0.0.1:8080/');
if (process.argv[3]) base.searchParams.set('name', process.argv[3]);

const client = new WebSocketClient();

client.on('connectFailed', (error) => {
  console.error('connect failed: ' + error.message);
  process.exitCode = 1;
});

client.on('connect', (connection) => {
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  const leave = () => connection.close(1000, 'bye');

  input.on('line', (line) => {
    if (line.trim() !== '') connection.sendUTF(line);
  });
  input.on('close', leave);
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);

  connection.on('message', (message) => {
    if (message.type === 'utf8') console.log(message.utf8Data);
  });
  connection.on('close', (code, description) => {
    console.log('* disconnected: ' + code + ' ' + description);
    input.close();
    process.removeListener('SIGINT', leave);
    process.removeListener('SIGTERM', leave);
    // stdin may still hold the event loop open when it is a terminal.
    process.stdin.destroy();
  });
});

client.connect(base.href);
