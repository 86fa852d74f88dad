// User code written for `websocket` and @types/websocket, type-checked against the installed package's types.
import * as http from 'http';
import { server as WebSocketServer, client as WebSocketClient, connection, Message, request } from 'websocket';
import websocketRs from 'websocket-rs';

const httpServer = http.createServer();
const wsServer = new WebSocketServer({ httpServer, maxReceivedFrameSize: 64 * 1024 });

wsServer.on('request', (req: request) => {
  const conn: connection = req.accept('echo-protocol', req.origin);
  conn.on('message', (message: Message) => {
    if (message.type === 'utf8') conn.sendUTF(message.utf8Data);
    else if (message.type === 'binary') conn.sendBytes(message.binaryData);
  });
  conn.on('close', (code: number, description: string) => console.log(code, description));
  // @ts-expect-error sendBytes takes a Buffer: the installed types are real, not `any`
  conn.sendBytes('text');
});

const client = new WebSocketClient();
client.connect('ws://127.0.0.1:8080/', 'echo-protocol');
const version: string = websocketRs.version;
export { version };
