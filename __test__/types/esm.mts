// The ES module entry's types: named and default imports through the package name (an ES module file, so the
// "import" condition of the exports map is the one resolved).
import websocket, { server, client, connection, w3cwebsocket, version, type Message } from 'websocket-rs';

const s: typeof server = websocket.server;
const c: typeof client = websocket.client;
const w: typeof w3cwebsocket = websocket.w3cwebsocket;
const code: number = connection.CLOSE_REASON_NORMAL;
const v: string = version;
function handle(m: Message): string {
  return m.type === 'utf8' ? m.utf8Data : m.binaryData.toString('hex');
}
// @ts-expect-error there is no such export
import('websocket-rs').then((m) => m.nope);

export { s, c, w, code, v, handle };
