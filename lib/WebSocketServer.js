'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketServer() {
  throw new Error('WebSocketServer: not implemented yet in websocket-rs');
}

module.exports = WebSocketServer;
