'use strict';
/**
 * The public exports, in the same order as `websocket` (WebSocket-Node 1.0.x).
 */
module.exports = {
  server: require('./WebSocketServer'),
  client: require('./WebSocketClient'),
  router: require('./WebSocketRouter'),
  frame: require('./WebSocketFrame'),
  request: require('./WebSocketRequest'),
  connection: require('./WebSocketConnection'),
  w3cwebsocket: require('./W3CWebSocket'),
  deprecation: require('./Deprecation'),
  version: require('./version')
};
