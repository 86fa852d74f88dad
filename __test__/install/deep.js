'use strict';
// Deep requires as existing `websocket` code writes them.
const assert = require('assert');

const WebSocketConnection = require('websocket/lib/WebSocketConnection');
assert.strictEqual(WebSocketConnection, require('websocket').connection);
assert.strictEqual(WebSocketConnection.CLOSE_REASON_NORMAL, 1000);
const W3CWebSocket = require('websocket-rs/lib/W3CWebSocket.js');
assert.strictEqual(W3CWebSocket, require('websocket-rs').w3cwebsocket);
assert.strictEqual(require('websocket/lib/WebSocketFrame.js'), require('websocket').frame);
console.log('deep: ok');
