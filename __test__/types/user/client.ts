// Typical client code written against `websocket` + `@types/websocket` (the README's client, typed).
import { client as WebSocketClient, connection as WebSocketConnection, IClientConfig, Message } from 'websocket';
import * as http from 'http';

const config: IClientConfig = {
  maxReceivedFrameSize: 0x100000,
  maxReceivedMessageSize: 0x800000,
  fragmentOutgoingMessages: true,
  fragmentationThreshold: 0x4000,
  webSocketVersion: 13,
  assembleFragments: true,
  closeTimeout: 5000,
  tlsOptions: { rejectUnauthorized: false }
};
const client = new WebSocketClient(config);

client.on('connectFailed', (error: Error) => {
  console.log('Connect Error: ' + error.toString());
});

client.on('httpResponse', (response: http.IncomingMessage, c: WebSocketClient) => {
  console.log(response.statusCode, c === client);
});

client.on('connect', (connection: WebSocketConnection) => {
  console.log('WebSocket Client Connected', connection.protocol);
  connection.on('error', (error) => {
    console.log('Connection Error: ' + error.toString());
  });
  connection.on('close', () => {
    console.log('echo-protocol Connection Closed');
  });
  connection.on('message', (message: Message) => {
    if (message.type === 'utf8') {
      console.log("Received: '" + message.utf8Data + "'");
    } else {
      console.log('Received ' + message.binaryData.length + ' bytes');
    }
  });
  connection.on('pong', (payload) => console.log(payload.toString('hex')));

  let n = 0;
  function sendNumber(): void {
    if (connection.connected) {
      const number = Math.round(Math.random() * 0xffffff);
      connection.sendUTF(number.toString());
      connection.send(Buffer.from([n++]));
      connection.ping('keepalive');
      setTimeout(sendNumber, 1000);
    } else if (connection.state === 'closed') {
      client.abort();
    }
  }
  sendNumber();
});

client.connect('ws://127.0.0.1:8080/', 'echo-protocol', undefined, { Authorization: 'Bearer x' }, { timeout: 1000 });
client.connect('ws://127.0.0.1:8080/', ['a', 'b']);
