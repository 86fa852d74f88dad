'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketRequest() {
  throw new Error('WebSocketRequest: not implemented yet in websocket-rs');
}

module.exports = WebSocketRequest;
