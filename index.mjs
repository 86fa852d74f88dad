/**
 * The ES module entry: the same objects as `require('websocket-rs')`, as named exports and as the default export,
 * so `import { server } from 'websocket-rs'`, `import websocket from 'websocket-rs'` and `require('websocket-rs')`
 * all see one set of classes (`instanceof` holds across them).
 */
import websocket from './index.js';

export const { server, client, router, frame, request, connection, w3cwebsocket, deprecation, version } = websocket;

export default websocket;
