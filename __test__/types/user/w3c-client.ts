// Typical W3C-API client code written against `websocket` + `@types/websocket`.
import { w3cwebsocket as W3CWebSocket, ICloseEvent, IMessageEvent } from 'websocket';

const client = new W3CWebSocket('ws://127.0.0.1:8080/', 'echo-protocol');

client.onerror = function () {
  console.log('Connection Error');
};

client.onerror = (error: Error) => {
  console.log('Connection Error', error);
};

client.onopen = () => {
  console.log('WebSocket Client Connected', client.protocol, client.readyState === W3CWebSocket.OPEN);
  function sendNumber(): void {
    if (client.readyState === client.OPEN) {
      const number = Math.round(Math.random() * 0xffffff);
      client.send(number.toString());
      client.send(new Uint8Array([1, 2, 3]));
      client.send(new ArrayBuffer(4));
      setTimeout(sendNumber, 1000);
    }
  }
  sendNumber();
};

client.onclose = (event: ICloseEvent) => {
  console.log('echo-protocol Client Closed', event.code, event.reason, event.wasClean);
};

client.onmessage = (e: IMessageEvent) => {
  if (typeof e.data === 'string') {
    console.log("Received: '" + e.data + "'");
  } else if (e.data instanceof ArrayBuffer) {
    console.log('Received ' + e.data.byteLength + ' bytes');
  }
};

client.onmessage = (e) => {
  const text: string = typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString();
  console.log(text, client.bufferedAmount, client.binaryType, client.extensions.length, client.url);
};

export function stop(): void {
  if (client.readyState !== W3CWebSocket.CLOSED && client.readyState !== W3CWebSocket.CLOSING) {
    client.close(1000, 'done');
  }
}
