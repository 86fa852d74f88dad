// Typical code written against `websocket` + `@types/websocket` that touches `connection.socket` as a `net.Socket`.
// On websocket-rs's native transport the socket is a stand-in (NativeSocket) with these members, so this code must
// keep compiling against index.d.ts (tsconfig.json) as it does against @types/websocket (tsconfig.types-websocket.json).
import * as http from 'http';
import * as net from 'net';
import { server as WebSocketServer, client as WebSocketClient, connection, request } from 'websocket';

const httpServer = http.createServer();
const wsServer = new WebSocketServer({ httpServer, autoAcceptConnections: false });

function describePeer(socket: net.Socket): string {
  return socket.remoteAddress + ':' + socket.remotePort;
}

wsServer.on('request', (req: request) => {
  const conn: connection = req.accept(null, req.origin);
  conn.socket.setKeepAlive(true, 30000);
  conn.socket.setNoDelay(true);
  console.log('peer', conn.socket.remoteAddress, conn.socket.remotePort, conn.socket.remoteFamily);
  console.log('local', conn.socket.localAddress, conn.socket.localPort, conn.socket.address());
  console.log(describePeer(conn.socket), conn.socket.destroyed, conn.socket.writableLength, conn.socket.readyState);
  conn.socket.on('close', (hadError: boolean) => console.log('socket closed', hadError));
  conn.on('close', () => {
    if (!conn.socket.destroyed) conn.socket.destroy();
  });
});

// Upgrades handled by hand (@types/websocket declares no `head` parameter; websocket-rs accepts one).
const manual = new WebSocketServer({ httpServer: http.createServer() });
httpServer.on('upgrade', (req: http.IncomingMessage, socket) => manual.handleUpgrade(req, socket as net.Socket));

const wsClient = new WebSocketClient();
wsClient.on('connect', (conn: connection) => {
  conn.socket.setKeepAlive(true);
  conn.socket.pause();
  conn.socket.resume();
  conn.socket.end();
});

export { wsServer, manual, wsClient };
