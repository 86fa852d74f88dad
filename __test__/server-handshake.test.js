'use strict';
/**
 * WebSocketServer over real loopback sockets (127.0.0.1, port 0): raw
 * handshake bytes in, raw HTTP responses compared with websocket's server;
 * accepted connections exercised with ws and websocket clients.
 */
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const WebSocketServer = require('../lib/WebSocketServer');
const OriginalServer = require('websocket').server;
const OriginalClient = require('websocket').client;
const WS = require('ws');
const { frame, parseFrames } = require('./helpers/wire');

const T = { timeout: 15000 };
const IMPLS = [
  ['websocket-rs', WebSocketServer],
  ['websocket', OriginalServer]
];
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * Starts an http server with a WebSocket server of class `Impl` mounted.
 * @returns {Promise<{http: http.Server, wss: object, port: number, close: Function}>}
 */
async function start(Impl, config, httpOptions) {
  const server = http.createServer(Object.assign({ requireHostHeader: false }, httpOptions));
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new Impl(Object.assign({ httpServer: server, keepalive: false }, config));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    http: server,
    wss,
    port: server.address().port,
    close() {
      wss.shutDown();
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    }
  };
}

function handshake(headers, path) {
  const lines = ['GET ' + (path || '/chat') + ' HTTP/1.1'];
  for (const [name, value] of headers) lines.push(name + ': ' + value);
  return lines.join('\r\n') + '\r\n\r\n';
}

const STANDARD = [
  ['Host', '127.0.0.1'],
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', KEY],
  ['Sec-WebSocket-Version', '13']
];

function withHeaders(changes) {
  const out = STANDARD.filter(([name]) => !(name in changes)).map((h) => h.slice());
  for (const name of Object.keys(changes)) if (changes[name] !== undefined) out.push([name, changes[name]]);
  return out;
}

/**
 * Sends raw bytes and resolves with everything received until the server
 * closes, or until the response head is complete when `untilHead` is set.
 */
function exchange(port, bytes, untilHead) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    // Node 24 resets a connection it answered 431 while the request is still
    // arriving; the answer came first, and it is what the test looks at.
    socket.on('error', (e) =>
      e.code === 'ECONNRESET' && chunks.length ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(e)
    );
    socket.on('data', (d) => {
      chunks.push(d);
      const text = Buffer.concat(chunks).toString('latin1');
      if (untilHead && text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(bytes);
  });
}

/** Status line and header lines, without Node's Date-like variable parts. */
function headLines(response) {
  return response.split('\r\n\r\n')[0].split('\r\n');
}

/** Runs `scenario(port, wss)` against both servers and returns [ours, theirs]. */
async function againstBoth(config, setup, scenario) {
  const results = [];
  for (const [, Impl] of IMPLS) {
    const s = await start(Impl, config);
    try {
      if (setup) setup(s.wss);
      results.push(await scenario(s.port, s.wss));
    } finally {
      await s.close();
    }
  }
  return results;
}

test('config: websocket defaults in websocket order, httpServer normalised to an array', T, async () => {
  const server = http.createServer();
  const ours = new WebSocketServer({ httpServer: server, custom: 1, keepalive: false });
  const theirs = new OriginalServer({ httpServer: server, custom: 1, keepalive: false });
  assert.deepStrictEqual(Object.keys(ours.config), Object.keys(theirs.config));
  assert.deepStrictEqual(
    Object.assign({}, ours.config, { httpServer: null }),
    Object.assign({}, theirs.config, { httpServer: null })
  );
  assert.ok(Array.isArray(ours.config.httpServer) && ours.config.httpServer[0] === server);
  assert.strictEqual(server.listenerCount('upgrade'), 2);
  ours.unmount();
  theirs.unmount();
  assert.strictEqual(server.listenerCount('upgrade'), 0);
  assert.throws(() => new WebSocketServer({}), {
    message: 'You must specify an httpServer on which to mount the WebSocket server.'
  });
  const unmounted = new WebSocketServer();
  assert.deepStrictEqual(unmounted.connections, []);
  assert.strictEqual(unmounted.config, undefined);
});

test('invalid handshakes get websocket responses and upgradeError', T, async () => {
  const cases = [
    { Host: undefined },
    { 'Sec-WebSocket-Key': undefined },
    { 'Sec-WebSocket-Version': undefined },
    { 'Sec-WebSocket-Version': '7' },
    { Cookie: 'a=%E0%A4%A' }
  ];
  for (const change of cases) {
    const [ours, theirs] = await againstBoth(null, null, async (port, wss) => {
      const errors = [];
      wss.on('upgradeError', (e) => errors.push(e.message));
      wss.on('request', () => errors.push('request event'));
      const response = await exchange(port, handshake(withHeaders(change)));
      return { head: headLines(response), errors };
    });
    assert.deepStrictEqual(ours, theirs, JSON.stringify(change));
    assert.strictEqual(ours.errors.length, 1);
  }
});

test('version 7 gets 426 with Sec-WebSocket-Version: 13', T, async () => {
  const [ours] = await againstBoth(null, null, (port) =>
    exchange(port, handshake(withHeaders({ 'Sec-WebSocket-Version': '7' })))
  );
  assert.deepStrictEqual(headLines(ours), [
    'HTTP/1.1 426 Upgrade Required',
    'Connection: close',
    'X-WebSocket-Reject-Reason: Unsupported websocket client version: 7Only versions 8 and 13 are supported.',
    'Sec-WebSocket-Version: 13'
  ]);
});

test('no request listener → 404; reject variants match websocket byte for byte', T, async () => {
  const [ours404, theirs404] = await againstBoth(null, null, (port) => exchange(port, handshake(STANDARD)));
  assert.strictEqual(ours404, theirs404);
  assert.match(ours404, /^HTTP\/1\.1 404 Not Found\r\n.*X-WebSocket-Reject-Reason: No handler is configured/s);

  const variants = [[], [401, 'bad\r\ntoken', { 'X-Extra': 'v' }], [503], [418, 'teapot'], ['nan']];
  for (const args of variants) {
    const [ours, theirs] = await againstBoth(
      null,
      (wss) => wss.on('request', (r) => r.reject(...args)),
      (port) => exchange(port, handshake(STANDARD))
    );
    assert.strictEqual(ours, theirs, JSON.stringify(args));
  }
});

test('accept: the 101 matches websocket (protocol case, origin, cookies)', T, async () => {
  const headers = withHeaders({ Origin: 'http://example.com', 'Sec-WebSocket-Protocol': 'Chat, Other' });
  const accept = (r) =>
    r.accept('chat', r.origin, [{ name: 'sid', value: 'abc', path: '/', maxage: 10, httponly: true }]);
  const [ours, theirs] = await againstBoth(
    null,
    (wss) => wss.on('request', accept),
    (port) => exchange(port, handshake(headers), true)
  );
  assert.deepStrictEqual(headLines(ours), headLines(theirs));
  assert.deepStrictEqual(headLines(ours), [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    'Sec-WebSocket-Protocol: Chat',
    'Origin: http://example.com',
    'Set-Cookie: sid=abc;Path=/;Max-Age=10;HttpOnly'
  ]);
});

test('request properties match websocket over a real socket', T, async () => {
  const headers = withHeaders({
    Origin: 'http://o',
    'Sec-WebSocket-Protocol': 'A, b',
    'X-Forwarded-For': '1.2.3.4, 5.6.7.8',
    Cookie: 'x=1; y="2"',
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits'
  });
  const [ours, theirs] = await againstBoth(null, null, (port, wss) => {
    const seen = new Promise((resolve) =>
      wss.on('request', (r) => {
        resolve({
          resource: r.resource,
          query: Object.assign({}, r.resourceURL.query),
          host: r.host,
          key: r.key,
          webSocketVersion: r.webSocketVersion,
          origin: r.origin,
          requestedProtocols: r.requestedProtocols,
          requestedExtensions: JSON.stringify(r.requestedExtensions),
          cookies: r.cookies,
          remoteAddress: r.remoteAddress,
          remoteAddresses: r.remoteAddresses,
          pending: wss.pendingRequests.length
        });
        r.reject();
      })
    );
    return exchange(port, handshake(headers, '/path?q=1&r=two')).then(() => seen);
  });
  assert.deepStrictEqual(ours, theirs);
  assert.strictEqual(ours.remoteAddress, '1.2.3.4');
  assert.strictEqual(ours.pending, 1);
});

test('CR/LF injection through reject reason, extra headers, origin and cookies is stripped', T, async () => {
  const s = await start(WebSocketServer);
  try {
    s.wss.once('request', (r) => r.reject(400, 'x\r\nEvil: 1', { 'X-A\r\nEvil': 'v\r\nEvil: 2', 'Bad Name': 'z' }));
    const rejected = await exchange(s.port, handshake(STANDARD));
    assert.deepStrictEqual(headLines(rejected), [
      'HTTP/1.1 400 Bad Request',
      'Connection: close',
      'X-WebSocket-Reject-Reason: xEvil: 1',
      'X-AEvil: vEvil: 2'
    ]);
    s.wss.once('request', (r) => {
      assert.throws(() => r.accept(null, null, [{ name: 'a', value: 'b\r\n"c' }]), {
        message: 'Illegal character " in cookie value'
      });
    });
    const cookieTry = await exchange(s.port, handshake(STANDARD));
    assert.match(cookieTry, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
    s.wss.once('request', (r) => r.accept(null, 'http://o\r\nEvil: 3', [{ name: 'n\r\n', value: 'v\r\n' }]));
    const accepted = await exchange(s.port, handshake(STANDARD), true);
    assert.deepStrictEqual(headLines(accepted).slice(4), ['Origin: http://oEvil: 3', 'Set-Cookie: n=v']);
  } finally {
    await s.close();
  }
});

test('bad protocol tokens and unrequested protocols answer 500', T, async () => {
  const s = await start(WebSocketServer);
  try {
    const headers = withHeaders({ 'Sec-WebSocket-Protocol': 'chat' });
    for (const [protocol, message] of [
      ['chat;x', 'Illegal character ";" in subprotocol.'],
      ['other', 'Specified protocol was not requested by the client.']
    ]) {
      s.wss.once('request', (r) => assert.throws(() => r.accept(protocol), { message }));
      assert.match(await exchange(s.port, handshake(headers)), /^HTTP\/1\.1 500 Internal Server Error\r\n/);
    }
  } finally {
    await s.close();
  }
});

test('oversized heads: Node answers 431 and the server keeps serving', T, async () => {
  const s = await start(WebSocketServer, { autoAcceptConnections: true });
  try {
    const many = STANDARD.concat(Array.from({ length: 3000 }, (_, i) => ['X-H' + i, 'v']));
    const tooMany = await exchange(s.port, handshake(many));
    assert.match(tooMany, /^HTTP\/1\.1 431 /);
    const huge = await exchange(s.port, handshake(withHeaders({ 'X-Big': 'a'.repeat(64 * 1024) })));
    assert.match(huge, /^HTTP\/1\.1 431 /);
    const ok = await exchange(s.port, handshake(STANDARD), true);
    assert.match(ok, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  } finally {
    await s.close();
  }
});

test('a client that hangs up before accept does not crash the server', T, async () => {
  const s = await start(WebSocketServer);
  try {
    const upgradeErrors = [];
    s.wss.on('upgradeError', (e) => upgradeErrors.push(e));
    const client = net.connect(s.port, '127.0.0.1', () => client.write(handshake(STANDARD)));
    client.on('error', () => {});
    const request = await new Promise((resolve) => s.wss.once('request', resolve));
    const clientClosed = new Promise((resolve) => client.on('close', resolve));
    if (typeof client.resetAndDestroy === 'function') client.resetAndDestroy();
    else client.destroy();
    await clientClosed;
    const connection = request.accept();
    const code = await new Promise((resolve) => connection.on('close', (c) => resolve(c)));
    assert.strictEqual(typeof code, 'number');
    assert.deepStrictEqual(upgradeErrors, []);
    assert.strictEqual(s.wss.connections.length, 0);
    s.wss.on('request', (r) => r.reject(404));
    assert.match(await exchange(s.port, handshake(STANDARD)), /^HTTP\/1\.1 404 /);
  } finally {
    await s.close();
  }
});

test('accept after the socket closed returns a connection that closes with 1006', T, async () => {
  const s = await start(WebSocketServer);
  try {
    const client = net.connect(s.port, '127.0.0.1', () => client.write(handshake(STANDARD)));
    client.on('error', () => {});
    const request = await new Promise((resolve) => s.wss.once('request', resolve));
    const closed = new Promise((resolve) => request.socket.once('close', resolve));
    request.socket.destroy();
    await closed;
    assert.strictEqual(s.wss.pendingRequests.length, 0);
    const connection = request.accept();
    const [code, description] = await new Promise((resolve) => connection.on('close', (c, d) => resolve([c, d])));
    assert.strictEqual(code, 1006);
    assert.strictEqual(description, 'TCP connection lost before handshake completed.');
    client.destroy();
  } finally {
    await s.close();
  }
});

test('closeAllConnections rejects pending requests with 503', T, async () => {
  const s = await start(WebSocketServer);
  try {
    s.wss.on('request', () => s.wss.closeAllConnections());
    const response = await exchange(s.port, handshake(STANDARD));
    assert.match(response, /^HTTP\/1\.1 503 Service Unavailable\r\nConnection: close\r\n\r\n$/);
  } finally {
    await s.close();
  }
});

async function echoServer(config) {
  const s = await start(WebSocketServer, config);
  const events = [];
  s.wss.on('request', (r) => {
    const c = r.accept(r.requestedProtocols[0], r.origin);
    c.on('message', (m) => {
      if (m.type === 'utf8') c.sendUTF('echo:' + m.utf8Data);
      else c.sendBytes(m.binaryData);
    });
  });
  s.wss.on('connect', () => events.push('connect'));
  s.wss.on('close', (c, code) => events.push('close:' + code));
  return Object.assign(s, { events });
}

test('a ws client connects, exchanges a message and closes', T, async () => {
  const s = await echoServer();
  try {
    const ws = new WS('ws://127.0.0.1:' + s.port + '/x', ['Proto']);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    assert.strictEqual(ws.protocol, 'Proto');
    ws.send('hello');
    const reply = await new Promise((resolve) => ws.once('message', (d) => resolve(String(d))));
    assert.strictEqual(reply, 'echo:hello');
    assert.strictEqual(s.wss.connections.length, 1);
    ws.close(1000);
    await new Promise((resolve) => ws.on('close', resolve));
    while (s.events.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(s.events, ['connect', 'close:1000']);
    assert.strictEqual(s.wss.connections.length, 0);
  } finally {
    await s.close();
  }
});

test('a websocket client connects, exchanges a message and closes', T, async () => {
  const s = await echoServer();
  try {
    const client = new OriginalClient();
    const connection = await new Promise((resolve, reject) => {
      client.on('connect', resolve);
      client.on('connectFailed', reject);
      client.connect('ws://127.0.0.1:' + s.port + '/', 'echo');
    });
    assert.strictEqual(connection.protocol, 'echo');
    connection.sendUTF('hi');
    const reply = await new Promise((resolve) => connection.once('message', (m) => resolve(m.utf8Data)));
    assert.strictEqual(reply, 'echo:hi');
    s.wss.broadcast('to all');
    const broadcast = await new Promise((resolve) => connection.once('message', (m) => resolve(m.utf8Data)));
    assert.strictEqual(broadcast, 'to all');
    connection.close();
    await new Promise((resolve) => connection.on('close', resolve));
  } finally {
    await s.close();
  }
});

test('bytes sent right behind the handshake (head) are not lost', T, async () => {
  const s = await echoServer({ autoAcceptConnections: false });
  try {
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => {});
    const first = frame({ opcode: 1, payload: 'early' });
    socket.write(Buffer.concat([Buffer.from(handshake(STANDARD)), first]));
    let buf = Buffer.alloc(0);
    const payload = await new Promise((resolve) => {
      socket.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const { frames } = parseFrames(buf.subarray(end + 4));
        if (frames.length > 0) resolve(frames[0].payload.toString());
      });
    });
    assert.strictEqual(payload, 'echo:early');
    socket.destroy();
  } finally {
    await s.close();
  }
});

test('autoAcceptConnections accepts the first protocol without a request event', T, async () => {
  const s = await start(WebSocketServer, { autoAcceptConnections: true });
  try {
    let requestEvents = 0;
    s.wss.on('request', () => requestEvents++);
    const connected = new Promise((resolve) => s.wss.once('connect', resolve));
    const response = await exchange(s.port, handshake(withHeaders({ 'Sec-WebSocket-Protocol': 'One, two' })), true);
    assert.ok(headLines(response).includes('Sec-WebSocket-Protocol: One'));
    const connection = await connected;
    assert.strictEqual(connection.protocol, 'one');
    assert.strictEqual(requestEvents, 0);
  } finally {
    await s.close();
  }
});
