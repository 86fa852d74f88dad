'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function W3CWebSocket() {
  throw new Error('W3CWebSocket: not implemented yet in websocket-rs');
}

module.exports = W3CWebSocket;
