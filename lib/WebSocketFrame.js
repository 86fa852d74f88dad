'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketFrame() {
  throw new Error('WebSocketFrame: not implemented yet in websocket-rs');
}

module.exports = WebSocketFrame;
