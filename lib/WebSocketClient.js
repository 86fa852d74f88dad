'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketClient() {
  throw new Error('WebSocketClient: not implemented yet in websocket-rs');
}

module.exports = WebSocketClient;
