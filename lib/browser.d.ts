// Types of the `browser` entry (lib/browser.js): what `websocket-rs` is in a browser bundle.

/** The environment's own WebSocket instance type (from TypeScript's DOM library), or `object` without it. */
type BrowserWebSocket = typeof globalThis extends { WebSocket: { prototype: infer W } } ? W : object;

/** `w3cwebsocket` in a browser: constructs the browser's own WebSocket. */
export interface W3CWebSocketConstructor {
  /**
   * Opens a connection with the browser's own WebSocket; the result is that WebSocket.
   * @param url `ws:` or `wss:` URL
   * @param protocols subprotocol(s) to request; passed on only when given
   */
  new (url: string | URL, protocols?: string | string[]): BrowserWebSocket;
  readonly prototype: BrowserWebSocket;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
}

/** The browser's WebSocket behind `websocket`'s name, or `null` where the global scope has no WebSocket. */
export declare const w3cwebsocket: W3CWebSocketConstructor | null;
/** This package's version, e.g. `'0.1.0'`. */
export declare const version: string;
