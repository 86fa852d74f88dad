// lib/browser.d.ts also compiles without the DOM library (here: Node's types only); the instance type is then
// `object`, and the class keeps its constants.
import browser = require('websocket-rs/lib/browser');

const v: string = browser.version;
const W = browser.w3cwebsocket;
const closed: 3 | undefined = W === null ? undefined : W.CLOSED;
const instance: object | null = W === null ? null : new W('ws://localhost/', 'echo-protocol');

export { v, closed, instance };
