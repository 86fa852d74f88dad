// Typical server code written against `websocket` + `@types/websocket` (the README's echo server, typed).
// It must compile unchanged against websocket-rs's index.d.ts (tsconfig.json) and against @types/websocket
// (tsconfig.types-websocket.json).
import * as http from 'http';
import { server as WebSocketServer, connection, request, IMessage } from './message-alias';
import * as WebSocket from 'websocket';

const httpServer = http.createServer((req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(404);
  res.end();
});
httpServer.listen(0, '127.0.0.1');

const wsServer = new WebSocketServer({
  httpServer,
  autoAcceptConnections: false,
  maxReceivedFrameSize: 64 * 1024,
  keepaliveInterval: 10000,
  dropConnectionOnKeepaliveTimeout: true
});

const clients = new Set<connection>();

function originIsAllowed(origin: string): boolean {
  return origin === 'http://localhost' || origin === undefined;
}

wsServer.on('request', (req: request) => {
  if (!originIsAllowed(req.origin)) {
    req.reject(403, 'Origin not allowed');
    return;
  }
  const wanted = req.requestedProtocols.indexOf('echo-protocol') !== -1 ? 'echo-protocol' : null;
  const conn = req.accept(wanted, req.origin, [{ name: 'session', value: 'abc', httponly: true, maxage: 60 }]);
  clients.add(conn);
  console.log(new Date() + ' connection accepted from ' + conn.remoteAddress + ' ' + req.resourceURL.pathname);

  conn.on('message', (message: IMessage) => {
    if (message.type === 'utf8') {
      conn.sendUTF(message.utf8Data);
    } else if (message.type === 'binary') {
      conn.sendBytes(message.binaryData, (err) => {
        if (err) console.error(err.message);
      });
    }
  });
  conn.on('ping', (cancel, data) => {
    if (data.length > 100) cancel();
  });
  conn.on('error', (err: Error) => console.error(err.stack));
  conn.on('close', (reasonCode: number, description: string) => {
    clients.delete(conn);
    console.log(conn.remoteAddress + ' disconnected: ' + reasonCode + ' ' + description);
  });
});

wsServer.on('connect', (conn) => {
  conn.send('welcome');
  if (conn.closeReasonCode === WebSocket.connection.CLOSE_REASON_NORMAL) conn.drop();
});
wsServer.on('close', (conn, reason, desc) => console.log(conn.protocol, reason, desc.length));

export function shutdown(): void {
  wsServer.broadcast('bye');
  wsServer.broadcastUTF({ toString: () => 'bye' });
  for (const c of clients) c.close(WebSocket.connection.CLOSE_REASON_GOING_AWAY, 'server shutting down');
  wsServer.shutDown();
  httpServer.close();
}
