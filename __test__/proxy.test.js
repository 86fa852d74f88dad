'use strict';
/**
 * WebSocketClient through an HTTP proxy: `extraRequestOptions.agent` is an
 * agent that opens each connection as a CONNECT tunnel through a local proxy,
 * as tunnelling agents do. The tunnelled socket is plain TCP to the proxy, so
 * the native transport takes it over like any other.
 */
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const { server: WebSocketServer, client: WebSocketClient } = require('..');

const T = { timeout: 15000 };

/** A CONNECT-only proxy on loopback; records the targets it was asked for. */
function startProxy() {
  return new Promise((resolve) => {
    const targets = [];
    const proxy = http.createServer((req, res) => {
      res.writeHead(405);
      res.end();
    });
    proxy.on('connect', (req, clientSocket, head) => {
      targets.push(req.url);
      const [host, port] = req.url.split(':');
      const upstream = net.connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    proxy.listen(0, '127.0.0.1', () => resolve({ proxy, targets, port: proxy.address().port }));
  });
}

/** An http.Agent whose connections are CONNECT tunnels through the proxy. */
class TunnelAgent extends http.Agent {
  constructor(proxyPort) {
    super({ keepAlive: false });
    this.proxyPort = proxyPort;
  }

  createConnection(options, callback) {
    const req = http.request({
      host: '127.0.0.1',
      port: this.proxyPort,
      method: 'CONNECT',
      path: options.host + ':' + options.port
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) callback(new Error('proxy answered ' + res.statusCode));
      else callback(null, socket);
    });
    req.on('error', callback);
    req.end();
  }
}

test('connect() through a CONNECT-tunnelling agent passed in extraRequestOptions', T, async () => {
  const httpServer = http.createServer();
  const wsServer = new WebSocketServer({ httpServer });
  wsServer.on('request', (request) => {
    const connection = request.accept('echo', request.origin);
    connection.on('message', (m) => connection.sendUTF('echo: ' + m.utf8Data));
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { proxy, targets, port } = await startProxy();

  const client = new WebSocketClient();
  const connected = new Promise((resolve, reject) => {
    client.on('connect', resolve);
    client.on('connectFailed', reject);
  });
  const target = '127.0.0.1:' + httpServer.address().port;
  client.connect('ws://' + target + '/', 'echo', null, null, { agent: new TunnelAgent(port) });
  const connection = await connected;
  assert.deepStrictEqual(targets, [target], 'the connection went through the proxy');
  assert.strictEqual(connection.protocol, 'echo');
  assert.strictEqual(connection.socket.isNative === true, process.env.WEBSOCKET_RS_TRANSPORT !== 'js');
  const reply = new Promise((resolve) => connection.once('message', resolve));
  connection.sendUTF('through the tunnel');
  assert.deepStrictEqual(await reply, { type: 'utf8', utf8Data: 'echo: through the tunnel' });

  const closed = new Promise((resolve) => connection.once('close', (code) => resolve(code)));
  connection.close(1000);
  assert.strictEqual(await closed, 1000);
  wsServer.shutDown();
  httpServer.close();
  proxy.close();
});

test('a proxy that refuses the tunnel ends in connectFailed', T, async () => {
  const { proxy, port } = await startProxy();
  proxy.removeAllListeners('connect');
  proxy.on('connect', (req, socket) => {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const client = new WebSocketClient();
  const failed = new Promise((resolve) => client.on('connectFailed', resolve));
  client.connect('ws://127.0.0.1:9/', null, null, null, { agent: new TunnelAgent(port) });
  const err = await failed;
  assert.match(err.message, /proxy answered 403/);
  proxy.close();
});
