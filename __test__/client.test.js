'use strict';
/**
 * WebSocketClient: config, argument checks, the request it sends and the
 * handshake failures it reports, each compared with `websocket`'s client.
 * Servers are fakes written with `net`/`tls` on 127.0.0.1, port 0.
 */
const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const tls = require('tls');
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { EventEmitter } = require('events');
const WebSocketClient = require('../lib/WebSocketClient');
const OriginalClient = require('websocket').client;

const T = { timeout: 15000 };
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const CLIENTS = [
  ['websocket-rs', WebSocketClient],
  ['websocket', OriginalClient]
];

function acceptFor(key) {
  return crypto
    .createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** Parses a raw request head into { requestLine, headers: [[name, value]...] }. */
function parseHead(text) {
  const lines = text.split('\r\n');
  const headers = lines
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
  return { requestLine: lines[0], headers };
}

function header(head, name) {
  const found = head.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return found && found[1];
}

/**
 * A fake HTTP server: reads one request head and answers with
 * `respond(head)` (a string, or null to never answer).
 * @returns {Promise<{port: number, heads: object[], close: Function}>}
 */
function fakeServer(respond, { secure } = {}) {
  const heads = [];
  const sockets = new Set();
  const onSocket = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1 || socket.answered) return;
      socket.answered = true;
      const head = parseHead(buf.slice(0, end));
      heads.push(head);
      const answer = respond(head);
      if (answer !== null) socket.write(answer, 'latin1');
    });
  };
  const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        heads,
        close() {
          for (const s of sockets) s.destroy();
          return new Promise((r) => server.close(r));
        }
      });
    });
  });
}

function upgradeResponse(head, extra = '', { accept } = {}) {
  const key = header(head, 'Sec-WebSocket-Key');
  return (
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: ' +
    (accept === undefined ? acceptFor(key) : accept) +
    '\r\n' +
    extra +
    '\r\n'
  );
}

/** Runs `client.connect(...args)` and resolves with the first outcome event. */
function outcome(client, ...args) {
  return new Promise((resolve) => {
    client.on('connect', (c) => {
      resolve({ event: 'connect', connection: c });
    });
    client.on('connectFailed', (e) => resolve({ event: 'connectFailed', error: e }));
    client.connect(...args);
  });
}

test('the default config is websocket’s, key for key, in order', T, () => {
  const ours = new WebSocketClient();
  const theirs = new OriginalClient();
  assert.deepStrictEqual(Object.keys(ours.config), Object.keys(theirs.config));
  assert.deepStrictEqual(ours.config, theirs.config);
  assert.ok(ours instanceof EventEmitter);
  assert.strictEqual(ours._req, null);
});

test('config merge: overrides, tlsOptions removed from the caller’s object and copied', T, () => {
  for (const [name, Client] of CLIENTS) {
    const tlsOptions = { rejectUnauthorized: false };
    const config = { closeTimeout: 1, tlsOptions, extra: 'kept' };
    const c = new Client(config);
    assert.strictEqual(config.tlsOptions, undefined, name);
    assert.notStrictEqual(c.config.tlsOptions, tlsOptions, name);
    assert.deepStrictEqual(c.config.tlsOptions, { rejectUnauthorized: false }, name);
    assert.strictEqual(c.config.closeTimeout, 1, name);
    assert.strictEqual(c.config.extra, 'kept', name);
    assert.strictEqual(c.config.maxReceivedFrameSize, 0x100000, name);
  }
});

test('an unsupported webSocketVersion throws websocket’s text', T, () => {
  for (const [, Client] of CLIENTS) {
    for (const v of [7, '13', 14]) {
      assert.throws(() => new Client({ webSocketVersion: v }), {
        message: 'Requested webSocketVersion is not supported. Allowed values are 8 and 13.'
      });
    }
    assert.strictEqual(new Client({ webSocketVersion: 8 }).config.webSocketVersion, 8);
  }
});

test('bad URLs and protocol tokens throw synchronously with websocket’s texts', T, () => {
  const cases = [
    [['ws://'], 'You must specify a full WebSocket URL, including hostname. Relative URLs are not supported.'],
    [['/relative'], 'You must specify a full WebSocket URL, including protocol.'],
    [['ws:/x'], 'You must specify a full WebSocket URL, including hostname. Relative URLs are not supported.'],
    [['ws://h/', 'a b'], 'Protocol list contains invalid character " "'],
    [['ws://h/', ['ok', 'x,y']], 'Protocol list contains invalid character ","'],
    [['ws://h/', ['ü']], 'Protocol list contains invalid character "ü"'],
    [['ws://h/', ['a\r\nX-Evil: 1']], 'Protocol list contains invalid character "\r"']
  ];
  for (const [args, message] of cases) {
    for (const [name, Client] of CLIENTS) {
      const c = new Client();
      c.on('connectFailed', () => assert.fail('no request expected'));
      assert.throws(
        () => c.connect(...args),
        (e) => e.constructor === Error && e.message === message,
        name + ' ' + JSON.stringify(args)
      );
      assert.strictEqual(c._req, null, name);
    }
  }
  // websocket lets an empty name through and sends a broken header; we refuse it.
  assert.throws(() => new WebSocketClient().connect('ws://h/', ['ok', '']), {
    message: 'Protocol list contains an empty protocol name'
  });
});

test('request line and headers match websocket’s, in order', T, async () => {
  const server = await fakeServer(() => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  try {
    const results = [];
    for (const [, Client] of CLIENTS) {
      const c = new Client();
      await outcome(
        c,
        'ws://127.0.0.1:' + server.port + '/chat/room?x=1&y=2',
        ['chat', 'superchat'],
        'http://example.test',
        { 'X-Custom': 'a', Cookie: 'k=v' }
      );
    }
    for (const head of server.heads) {
      results.push({
        requestLine: head.requestLine,
        headers: head.headers.map(([n, v]) => [n, n === 'Sec-WebSocket-Key' ? 'KEY' : v])
      });
    }
    assert.strictEqual(results.length, 2);
    assert.deepStrictEqual(results[0], results[1]);
    assert.strictEqual(results[0].requestLine, 'GET /chat/room?x=1&y=2 HTTP/1.1');
    assert.deepStrictEqual(
      results[0].headers.map(([n]) => n),
      [
        'X-Custom',
        'Cookie',
        'Upgrade',
        'Connection',
        'Sec-WebSocket-Version',
        'Sec-WebSocket-Key',
        'Host',
        'Sec-WebSocket-Protocol',
        'Origin'
      ]
    );
    assert.strictEqual(header(server.heads[0], 'Host'), '127.0.0.1:' + server.port);
    assert.strictEqual(header(server.heads[0], 'Sec-WebSocket-Protocol'), 'chat, superchat');
    assert.strictEqual(header(server.heads[0], 'Sec-WebSocket-Version'), '13');
    const key = header(server.heads[0], 'Sec-WebSocket-Key');
    assert.strictEqual(Buffer.from(key, 'base64').length, 16);
    assert.notStrictEqual(key, header(server.heads[1], 'Sec-WebSocket-Key'));
  } finally {
    await server.close();
  }
});

test('extraRequestOptions cannot override the forced fields; version 8 sends Sec-WebSocket-Origin', T, async () => {
  const server = await fakeServer(() => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  try {
    const c = new WebSocketClient({ webSocketVersion: 8 });
    const r = await outcome(c, 'ws://127.0.0.1:' + server.port + '/p', null, 'http://o.test', null, {
      method: 'POST',
      path: '/evil',
      headers: { 'X-Lost': '1' },
      hostname: 'example.invalid'
    });
    assert.strictEqual(r.event, 'connectFailed');
    const head = server.heads[0];
    assert.strictEqual(head.requestLine, 'GET /p HTTP/1.1');
    assert.strictEqual(header(head, 'X-Lost'), undefined);
    assert.strictEqual(header(head, 'Sec-WebSocket-Version'), '8');
    assert.strictEqual(header(head, 'Sec-WebSocket-Origin'), 'http://o.test');
    assert.strictEqual(header(head, 'Origin'), undefined);
  } finally {
    await server.close();
  }
});

test('Host: default ports are left out, a user Host header wins, no duplicates by case', T, async () => {
  const server = await fakeServer(() => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  // An agent that sends every connection to the fake server, whatever the URL's port.
  const agent = new http.Agent();
  agent.createConnection = () => net.connect(server.port, '127.0.0.1');
  try {
    const hosts = [];
    for (const [, Client] of CLIENTS) {
      await outcome(new Client(), 'ws://localhost/', null, null, null, { agent });
      await outcome(new Client(), 'ws://localhost:80/', null, null, null, { agent });
      await outcome(new Client(), 'ws://localhost:8080/', null, null, null, { agent });
      await outcome(new Client(), 'ws://localhost/', null, null, { Host: 'virtual.test' }, { agent });
    }
    for (const head of server.heads) hosts.push(header(head, 'Host'));
    assert.deepStrictEqual(hosts.slice(0, 4), ['localhost', 'localhost', 'localhost:8080', 'virtual.test']);
    assert.deepStrictEqual(hosts.slice(0, 4), hosts.slice(4));

    await outcome(
      new WebSocketClient(),
      'ws://localhost/',
      null,
      null,
      { host: 'lower.test', upgrade: 'x' },
      { agent }
    );
    const last = server.heads[server.heads.length - 1];
    assert.deepStrictEqual(
      last.headers.filter(([n]) => /^(host|upgrade)$/i.test(n)),
      [
        ['Upgrade', 'websocket'],
        ['Host', 'lower.test']
      ]
    );
  } finally {
    agent.destroy();
    await server.close();
  }
});

test('a non-101 answer: connectFailed with websocket’s text, or httpResponse when listened to', T, async () => {
  const body = 'denied';
  const server = await fakeServer(
    () =>
      'HTTP/1.1 403 Forbidden\r\nX-Reason: nope\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n' +
      'Content-Length: ' +
      body.length +
      '\r\nConnection: close\r\n\r\n' +
      body
  );
  try {
    const url = 'ws://127.0.0.1:' + server.port + '/';
    const messages = [];
    for (const [, Client] of CLIENTS) {
      const r = await outcome(new Client(), url);
      assert.strictEqual(r.event, 'connectFailed');
      messages.push(r.error.message);
    }
    assert.strictEqual(
      messages[0],
      'Server responded with a non-101 status: 403 Forbidden\nResponse Headers Follow:\n' +
        'x-reason: nope\nset-cookie: a=1,b=2\ncontent-length: 6\nconnection: close\n'
    );
    assert.strictEqual(messages[0], messages[1]);

    for (const [name, Client] of CLIENTS) {
      const c = new Client();
      const got = await new Promise((resolve) => {
        c.on('connectFailed', () => resolve('connectFailed'));
        c.on('httpResponse', (response, client) => {
          let text = '';
          response.on('data', (d) => (text += d));
          response.on('end', () => resolve({ status: response.statusCode, same: client === c, text }));
        });
        c.connect(url);
      });
      assert.deepStrictEqual(got, { status: 403, same: true, text: body }, name);
    }
  } finally {
    await server.close();
  }
});

test('a bad 101 fails with websocket’s texts (same as websocket’s client)', T, async () => {
  const scenarios = [
    {
      protocols: ['chat'],
      respond: (h) => upgradeResponse(h),
      text: 'Expected a Sec-WebSocket-Protocol header.'
    },
    {
      protocols: ['chat'],
      respond: (h) => upgradeResponse(h, 'Sec-WebSocket-Protocol: other\r\n'),
      text: 'Server did not respond with a requested protocol.'
    },
    {
      // Without Connection: Upgrade, Node does not treat the 101 as an upgrade at all.
      respond: () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
      text: 'Server responded with a non-101 status: 101 Switching Protocols\nResponse Headers Follow:\nupgrade: websocket\n'
    },
    {
      respond: (h) =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' +
        acceptFor(header(h, 'Sec-WebSocket-Key')) +
        '\r\n\r\n',
      text: 'Expected an Upgrade: websocket header from the server'
    },
    {
      respond: () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      text: 'Expected Sec-WebSocket-Accept header from server'
    },
    {
      respond: (h) => upgradeResponse(h, '', { accept: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
      text: (h) =>
        "Sec-WebSocket-Accept header from server didn't match expected value of " +
        acceptFor(header(h, 'Sec-WebSocket-Key'))
    }
  ];
  for (const s of scenarios) {
    const server = await fakeServer(s.respond);
    try {
      for (const [name, Client] of CLIENTS) {
        const before = server.heads.length;
        const r = await outcome(new Client(), 'ws://127.0.0.1:' + server.port + '/', s.protocols);
        const expected = typeof s.text === 'function' ? s.text(server.heads[before]) : s.text;
        assert.strictEqual(r.event, 'connectFailed', name + ': ' + expected);
        assert.strictEqual(r.error.message, expected, name);
      }
    } finally {
      await server.close();
    }
  }
});

test('RFC 6455 §4.1 checks websocket skips: unrequested extension or subprotocol', T, async () => {
  const cases = [
    [
      null,
      'Sec-WebSocket-Extensions: permessage-deflate\r\n',
      'Server accepted extension "permessage-deflate" that was not requested.'
    ],
    [null, 'Sec-WebSocket-Protocol: chat\r\n', 'Server responded with protocol "chat" but no protocol was requested.']
  ];
  for (const [protocols, extra, text] of cases) {
    const server = await fakeServer((h) => upgradeResponse(h, extra));
    try {
      const r = await outcome(new WebSocketClient(), 'ws://127.0.0.1:' + server.port + '/', protocols);
      assert.strictEqual(r.event, 'connectFailed');
      assert.strictEqual(r.error.message, text);
    } finally {
      await server.close();
    }
  }
});

test('network errors reach connectFailed as the original Error', T, async () => {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  for (const [name, Client] of CLIENTS) {
    const c = new Client();
    const r = await outcome(c, 'ws://127.0.0.1:' + port + '/');
    assert.strictEqual(r.event, 'connectFailed', name);
    assert.strictEqual(r.error.code, 'ECONNREFUSED', name);
    assert.strictEqual(c._req, null, name);
  }
});

test('handshakeTimeout: a server that never answers fails the connect', T, async () => {
  const server = await fakeServer(() => null);
  try {
    const c = new WebSocketClient({ handshakeTimeout: 200 });
    const r = await outcome(c, 'ws://127.0.0.1:' + server.port + '/');
    assert.strictEqual(r.event, 'connectFailed');
    assert.strictEqual(r.error.message, 'WebSocket handshake timed out after 200 ms');
    assert.strictEqual(c._req, null);
    assert.strictEqual(server.heads.length, 1);
  } finally {
    await server.close();
  }
});

test('abort() stops a pending handshake with "socket hang up", like websocket', T, async () => {
  const server = await fakeServer(() => null);
  try {
    const messages = [];
    for (const [, Client] of CLIENTS) {
      const c = new Client();
      const p = new Promise((resolve) => c.on('connectFailed', resolve));
      c.connect('ws://127.0.0.1:' + server.port + '/');
      await new Promise((r) => setTimeout(r, 50));
      c.abort();
      messages.push((await p).message);
      c.abort(); // no request in flight: a no-op
    }
    assert.deepStrictEqual(messages, ['socket hang up', 'socket hang up']);
  } finally {
    await server.close();
  }
});

/** A self-signed certificate for localhost, made for this run. */
function selfSigned() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsrs-cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1'
    ],
    { stdio: 'ignore' }
  );
  const pair = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

test('wss:// goes through TLS with tlsOptions (ca, headers) and validates the 101', T, async () => {
  const { key, cert } = selfSigned();
  const server = await fakeServer((h) => upgradeResponse(h, '', { accept: 'wrong' }), { secure: { key, cert } });
  try {
    // Without the CA the certificate is refused.
    const refused = await outcome(new WebSocketClient(), 'wss://localhost:' + server.port + '/');
    assert.strictEqual(refused.event, 'connectFailed');
    assert.match(refused.error.code, /SELF_SIGNED|UNABLE_TO_VERIFY/);

    const c = new WebSocketClient({ tlsOptions: { ca: cert, headers: { 'X-From-Tls': 'yes' }, method: 'PUT' } });
    const r = await outcome(c, 'wss://localhost:' + server.port + '/secure', null, null, { 'X-User': '1' });
    assert.strictEqual(r.event, 'connectFailed');
    const head = server.heads[server.heads.length - 1];
    assert.match(r.error.message, /^Sec-WebSocket-Accept header from server didn't match expected value of /);
    assert.strictEqual(head.requestLine, 'GET /secure HTTP/1.1');
    assert.strictEqual(header(head, 'X-From-Tls'), 'yes');
    assert.strictEqual(header(head, 'X-User'), '1');
    assert.strictEqual(header(head, 'Host'), 'localhost:' + server.port);
    assert.strictEqual(c.secure, true);
  } finally {
    await server.close();
  }
});

/** A `ws` echo server; `handleProtocols` picks the last offered protocol. */
async function wsEchoServer(options = {}) {
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => [...protocols].pop() || false,
    ...options
  });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  if (!options.server) await new Promise((r) => wss.on('listening', r));
  return wss;
}

/** Connects, sends a text and a binary message, closes; returns what was observed. */
async function session(Client, url, protocols, config) {
  const c = new Client(config);
  const r = await outcome(c, url, protocols);
  if (r.event !== 'connect') return { failed: r.error.message };
  const conn = r.connection;
  const seen = {
    protocol: conn.protocol,
    version: conn.webSocketVersion,
    remoteAddress: conn.remoteAddress,
    connected: conn.connected,
    mask: conn.maskOutgoingPackets,
    messages: []
  };
  await new Promise((resolve) => {
    conn.on('message', (m) => {
      seen.messages.push(m.type === 'utf8' ? ['utf8', m.utf8Data] : ['binary', m.binaryData.toString('hex')]);
      if (seen.messages.length === 2) conn.close();
    });
    conn.on('close', (code, description) => {
      seen.close = [code, description];
      resolve();
    });
    conn.sendUTF('héllo');
    conn.sendBytes(Buffer.from([0, 1, 2, 255]));
  });
  return seen;
}

test('end to end against a ws server, the same as websocket’s client', T, async () => {
  const wss = await wsEchoServer();
  try {
    const url = 'ws://127.0.0.1:' + wss.address().port + '/echo';
    const results = [];
    for (const [, Client] of CLIENTS) {
      results.push(await session(Client, url, ['chat', 'superchat']));
      results.push(await session(Client, url));
    }
    assert.deepStrictEqual(results[0], {
      protocol: 'superchat',
      version: 13,
      remoteAddress: '127.0.0.1',
      connected: true,
      mask: true,
      messages: [
        ['utf8', 'héllo'],
        ['binary', '000102ff']
      ],
      close: [1000, 'Normal connection closure']
    });
    assert.strictEqual(results[1].protocol, undefined);
    assert.deepStrictEqual(results.slice(0, 2), results.slice(2));
  } finally {
    await new Promise((r) => wss.close(r));
  }
});

test('bytes that arrive with the 101 are delivered after connect', T, async () => {
  // A text frame "early" (unmasked, server to client) in the same write as the 101.
  const frame = Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('early')]);
  const server = await fakeServer((h) => upgradeResponse(h) + frame.toString('latin1'));
  try {
    for (const [name, Client] of CLIENTS) {
      const c = new Client();
      const m = await new Promise((resolve, reject) => {
        c.on('connectFailed', reject);
        // The listener goes on inside `connect`: the early frame is parsed right after it.
        c.on('connect', (connection) =>
          connection.on('message', (message) => {
            connection.drop();
            resolve(message);
          })
        );
        c.connect('ws://127.0.0.1:' + server.port + '/');
      });
      assert.deepStrictEqual(m, { type: 'utf8', utf8Data: 'early' }, name);
    }
  } finally {
    await server.close();
  }
});

test('Connection: keep-alive, Upgrade is accepted (RFC 6455 §4.1); websocket refused it', T, async () => {
  const server = await fakeServer(
    (h) =>
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n' +
      'Sec-WebSocket-Accept: ' +
      acceptFor(header(h, 'Sec-WebSocket-Key')) +
      '\r\n\r\n'
  );
  try {
    const ours = await outcome(new WebSocketClient(), 'ws://127.0.0.1:' + server.port + '/');
    assert.strictEqual(ours.event, 'connect');
    ours.connection.drop();
    const theirs = await outcome(new OriginalClient(), 'ws://127.0.0.1:' + server.port + '/');
    assert.strictEqual(theirs.error.message, 'Expected a Connection: Upgrade header from the server');
  } finally {
    await server.close();
  }
});

test('wss:// end to end with a self-signed certificate passed as tlsOptions.ca', T, async () => {
  const https = require('https');
  const { key, cert } = selfSigned();
  const httpsServer = https.createServer({ key, cert });
  const wss = await wsEchoServer({ server: httpsServer, host: undefined, port: undefined });
  await new Promise((r) => httpsServer.listen(0, '127.0.0.1', r));
  try {
    const url = 'wss://localhost:' + httpsServer.address().port + '/';
    const results = [];
    for (const [, Client] of CLIENTS) {
      results.push(await session(Client, url, 'chat', { tlsOptions: { ca: cert } }));
    }
    assert.strictEqual(results[0].protocol, 'chat');
    assert.deepStrictEqual(results[0].messages, [
      ['utf8', 'héllo'],
      ['binary', '000102ff']
    ]);
    assert.deepStrictEqual(results[0], results[1]);
  } finally {
    await new Promise((r) => wss.close(r));
    await new Promise((r) => httpsServer.close(r));
  }
});

test('end to end against our own WebSocketServer', T, async () => {
  const WebSocketServer = require('../lib/WebSocketServer');
  const httpServer = http.createServer();
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  const server = new WebSocketServer({ httpServer });
  server.on('request', (request) => {
    if (request.resource === '/reject') return request.reject(403, 'go away');
    const connection = request.accept(request.requestedProtocols[0] || null, request.origin);
    connection.on('message', (m) =>
      m.type === 'utf8' ? connection.sendUTF(m.utf8Data) : connection.sendBytes(m.binaryData)
    );
  });
  try {
    const base = 'ws://127.0.0.1:' + httpServer.address().port;
    const results = [];
    for (const [, Client] of CLIENTS) {
      results.push(await session(Client, base + '/echo', ['proto-a', 'proto-b']));
      results.push((await outcome(new Client(), base + '/reject')).error.message);
    }
    assert.strictEqual(results[0].protocol, 'proto-a');
    assert.deepStrictEqual(results[0].close, [1000, 'Normal connection closure']);
    assert.deepStrictEqual(results.slice(0, 2), results.slice(2));
    assert.match(results[1], /^Server responded with a non-101 status: 403 Forbidden\nResponse Headers Follow:\n/);
    assert.match(results[1], /\nx-websocket-reject-reason: go away\n/);
  } finally {
    server.shutDown();
    await new Promise((r) => httpServer.close(r));
  }
});
