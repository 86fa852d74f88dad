'use strict';
/**
 * The `browser` entry (package.json `browser` field and the `browser` export
 * condition): what bundlers such as webpack, Rollup, esbuild and Vite load for
 * `require('websocket-rs')` in a browser build, in place of the native addon.
 *
 * As in `websocket`, a browser has its own WebSocket, so this exports only
 * `{ w3cwebsocket, version }`: `w3cwebsocket` constructs the browser's own
 * `WebSocket` (and has its `CONNECTING`, `OPEN`, `CLOSING` and `CLOSED`
 * constants), or is `null` where the global scope has no WebSocket. Nothing
 * here may require lib/native.js or any other Node-only module.
 */
/* global self, window -- the global object's names in browsers without globalThis */
const version = require('./version');

/** The global object of any JS environment (window, a worker, Node). */
function globalScope() {
  if (typeof globalThis === 'object' && globalThis !== null) return globalThis;
  if (typeof self === 'object' && self !== null) return self;
  if (typeof window === 'object' && window !== null) return window;
  return null;
}

const scope = globalScope();
/** The environment's own WebSocket class; `MozWebSocket` is what old Firefox called it. */
const BrowserWebSocket = scope === null ? null : scope.WebSocket || scope.MozWebSocket || null;

/**
 * Opens a connection with the browser's own WebSocket. Use it with `new`; the
 * object returned is a real browser WebSocket (`instanceof` holds for both
 * this function and the browser's class).
 * @param {string|URL} url
 * @param {string|string[]} [protocols] passed only when given: some browsers
 *   treat an explicit `undefined` differently from no argument
 * @returns {WebSocket}
 */
function W3CWebSocket(url, protocols) {
  if (protocols) return new BrowserWebSocket(url, protocols);
  return new BrowserWebSocket(url);
}

if (BrowserWebSocket !== null) {
  W3CWebSocket.prototype = BrowserWebSocket.prototype;
  for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) {
    Object.defineProperty(W3CWebSocket, name, {
      enumerable: true,
      get: function () {
        return BrowserWebSocket[name];
      }
    });
  }
}

module.exports = {
  w3cwebsocket: BrowserWebSocket === null ? null : W3CWebSocket,
  version: version
};
