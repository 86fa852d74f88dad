// Users often re-export the library's types under their own names; this module does that, importing `websocket`.
import * as WebSocket from 'websocket';

export type IMessage = WebSocket.Message;
export type { connection, request, ICookie } from 'websocket';
export { server, client, w3cwebsocket } from 'websocket';

export function isText(m: WebSocket.Message): m is WebSocket.IUtf8Message {
  return m.type === 'utf8';
}
