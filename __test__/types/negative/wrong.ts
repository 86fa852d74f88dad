// Deliberately wrong code: every line marked `// error TSnnnn` must fail to compile with that code, and nothing
// else may fail. __test__/types.test.js checks both, so the type test can fail.
import { server, client, connection, w3cwebsocket, IServerConfig } from 'websocket-rs';
import * as http from 'http';

const config: IServerConfig = { httpServer: http.createServer(), keepalive: 'yes' }; // error TS2322
const srv = new server(config);
srv.on('request', (request: string) => request.length); // error TS2769
declare const conn: connection;
conn.on('message', (m) => m.utf8Data); // error TS2339
conn.sendBytes('text'); // error TS2345
new client({ webSocketVersion: '13' }); // error TS2322
const ws = new w3cwebsocket('ws://127.0.0.1:1/');
ws.binaryType = 'blob'; // error TS2322
ws.on('open', () => {}); // error TS2339
connection.CLOSE_REASON_NOPE; // error TS2551
new client({ handshakeTimeout: '5s' }); // error TS2322
new server({ httpServer: http.createServer(), nativeTransport: 'js' }); // error TS2322
srv.handleUpgrade(new http.IncomingMessage(conn.socket), conn.socket, 'head'); // error TS2345
conn.processFrame(conn.currentFrame!); // error TS2722
export { srv, ws };
