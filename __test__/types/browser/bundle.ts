// The `browser` entry's types as a bundler sees them (the "browser" condition, DOM library, no Node types):
// `w3cwebsocket` is the browser's own WebSocket class or null, and nothing Node-only is exported.
import websocket, { w3cwebsocket, version } from 'websocket-rs';

const v: string = version;
const sameClass: typeof w3cwebsocket = websocket.w3cwebsocket;

export function open(url: string): WebSocket | null {
  if (w3cwebsocket === null) return null;
  const ws: WebSocket = new w3cwebsocket(url, ['chat', 'echo-protocol']);
  const alsoWs: WebSocket = new w3cwebsocket(new URL(url));
  alsoWs.close();
  const open: 1 = w3cwebsocket.OPEN;
  ws.onmessage = (event: MessageEvent) => {
    if (ws.readyState === open && typeof event.data === 'string') ws.send(event.data + v);
  };
  return ws;
}

// @ts-expect-error it may be null: check before use
new w3cwebsocket('ws://localhost/');
// @ts-expect-error the Node-only exports are not in the browser entry
websocket.server;
// @ts-expect-error the readyState constants are read-only
if (w3cwebsocket) w3cwebsocket.OPEN = 2;

export { sameClass };
