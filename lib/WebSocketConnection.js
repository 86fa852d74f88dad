'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketConnection() {
  throw new Error('WebSocketConnection: not implemented yet in websocket-rs');
}

module.exports = WebSocketConnection;
