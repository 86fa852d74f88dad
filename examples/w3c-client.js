'use strict';
/**
 * The browser-style API: W3CWebSocket has `onopen`/`onmessage`/`onclose`,
 * `send()`, `close()`, `readyState` and `binaryType`, like `WebSocket` in a page.
 *
 *   node examples/w3c-client.js [url] [text]  (default ws://127.0.0.1:8080/ and "Hello from W3CWebSocket")
 *
 * Sends one text and one binary message (an ArrayBuffer view), prints the
 * replies, then closes with 1000. Exits with 0 after a clean close, 1 otherwise.
 */
const W3CWebSocket = require('websocket-rs').w3cwebsocket;

const url = process.argv[2] || 'ws://127.0.0.1:8080/';
const text = process.argv[3] || 'Hello from W3CWebSocket';

const socket = new W3CWebSocket(url);
let replies = 0;

socket.onopen = () => {
  console.log('open, readyState ' + socket.readyState);
  socket.send(text);
  socket.send(new Uint8Array([1, 2, 3, 4, 5]));
};

socket.onmessage = (event) => {
  if (typeof event.data === 'string') {
    console.log('received text: ' + event.data);
  } else {
    // binaryType is 'arraybuffer' by default.
    console.log('received binary: ' + event.data.byteLength + ' bytes ' + Buffer.from(event.data).toString('hex'));
  }
  if (++replies === 2) socket.close(1000, 'done');
};

socket.onerror = (event) => {
  console.error('error' + (event.message ? ': ' + event.message : ''));
};

socket.onclose = (event) => {
  console.log('closed: ' + event.code + ' ' + event.reason + (event.wasClean ? ' (clean)' : ''));
  if (!event.wasClean) process.exitCode = 1;
};

function stop() {
  if (socket.readyState === W3CWebSocket.OPEN) socket.close(1000, 'interrupted');
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
