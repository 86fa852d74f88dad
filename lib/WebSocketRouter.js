'use strict';
/** Placeholder until this class is implemented: constructing it throws. */
function WebSocketRouter() {
  throw new Error('WebSocketRouter: not implemented yet in websocket-rs');
}

module.exports = WebSocketRouter;
