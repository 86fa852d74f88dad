'use strict';
/**
 * permessage-deflate (RFC 7692) over real loopback sockets (port 0), on
 * whichever transport WEBSOCKET_RS_TRANSPORT selects: negotiation seen on the
 * wire, interop with ws in both roles, option checks, and the
 * decompression-bomb bound.
 */
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const path = require('path');
const zlib = require('zlib');
const { fork } = require('child_process');
const WS = require('ws');
const WebSocketServer = require('../lib/WebSocketServer');
const WebSocketClient = require('../lib/WebSocketClient');
const { frame, parseFrames } = require('./helpers/wire');

const T = { timeout: 20000 };
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** An http server with our WebSocket echo server mounted. */
async function startEcho(config) {
  const server = http.createServer();
  const wss = new WebSocketServer(Object.assign({ httpServer: server, keepalive: false }, config));
  const connections = [];
  wss.on('request', (request) => {
    const connection = request.accept();
    connections.push(connection);
    connection.on('message', (m) => {
      if (m.type === 'utf8') connection.sendUTF(m.utf8Data);
      else connection.sendBytes(m.binaryData);
    });
    connection.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    connections,
    close() {
      wss.shutDown();
      return new Promise((resolve) => server.close(resolve));
    }
  };
}

/** Sends a raw upgrade request; resolves with the socket, the response head and the bytes after it. */
function rawUpgrade(port, extensions) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const lines = [
      'GET / HTTP/1.1',
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13'
    ];
    if (extensions !== undefined) lines.push('Sec-WebSocket-Extensions: ' + extensions);
    socket.on('error', reject);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onData);
      resolve({ socket, head: buf.subarray(0, end).toString(), rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
  });
}

/** Collects frames from a raw socket until `count` arrived. */
function readFrames(socket, initial, count) {
  return new Promise((resolve) => {
    let buf = initial;
    const check = () => {
      const { frames } = parseFrames(buf);
      if (frames.length >= count) {
        socket.removeListener('data', onData);
        resolve(frames);
      }
    };
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      check();
    };
    socket.on('data', onData);
    check();
  });
}

function extensionsHeader(head) {
  const line = head.split('\r\n').find((l) => /^sec-websocket-extensions:/i.test(l));
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim();
}

test('the server answers the browser offer and echoes compressed frames (RFC 7692 §7.2.3.1)', T, async () => {
  const echo = await startEcho({ perMessageDeflate: { threshold: 0 } });
  try {
    const { socket, head, rest } = await rawUpgrade(echo.port, 'permessage-deflate; client_max_window_bits');
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.strictEqual(extensionsHeader(head), 'permessage-deflate');
    // "Hello" compressed, RSV1 set, masked as a client must.
    socket.write(frame({ opcode: 1, rsv: 0x40, payload: Buffer.from('f248cdc9c90700', 'hex') }));
    const [reply] = await readFrames(socket, rest, 1);
    assert.strictEqual(reply.rsv, 0x40);
    assert.strictEqual(reply.payload.toString('hex'), 'f248cdc9c90700');
    assert.strictEqual(
      zlib
        .inflateRawSync(Buffer.concat([reply.payload, TAIL]), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
        .toString(),
      'Hello'
    );
    assert.deepStrictEqual(echo.connections[0].extensions, [{ name: 'permessage-deflate', value: '', params: [] }]);
    socket.destroy();
  } finally {
    await echo.close();
  }
});

test('the server takes the first acceptable alternative and declines invalid ones', T, async () => {
  const echo = await startEcho({ perMessageDeflate: true });
  try {
    const cases = [
      [
        'permessage-deflate; server_max_window_bits=16, permessage-deflate; server_no_context_takeover; server_max_window_bits=10',
        'permessage-deflate; server_no_context_takeover; server_max_window_bits=10'
      ],
      ['permessage-deflate; server_max_window_bits', undefined],
      ['permessage-deflate; bogus', undefined],
      ['permessage-deflate; client_no_context_takeover; client_no_context_takeover', undefined],
      ['x-webkit-deflate-frame', undefined]
    ];
    for (const [offer, expected] of cases) {
      const { socket, head } = await rawUpgrade(echo.port, offer);
      assert.match(head, /^HTTP\/1\.1 101 /, offer);
      assert.strictEqual(extensionsHeader(head), expected, offer);
      socket.destroy();
    }
  } finally {
    await echo.close();
  }
});

test('without perMessageDeflate nothing is negotiated and RSV1 still fails with 1002', T, async () => {
  const echo = await startEcho({});
  try {
    const { socket, head, rest } = await rawUpgrade(echo.port, 'permessage-deflate; client_max_window_bits');
    assert.strictEqual(extensionsHeader(head), undefined);
    socket.write(frame({ opcode: 1, rsv: 0x40, payload: Buffer.from('f248cdc9c90700', 'hex') }));
    const [close] = await readFrames(socket, rest, 1);
    assert.strictEqual(close.opcode, 8);
    assert.strictEqual(close.payload.readUInt16BE(0), 1002);
    socket.destroy();
  } finally {
    await echo.close();
  }
});

test('our server and a ws client compress both ways', T, async () => {
  const echo = await startEcho({ perMessageDeflate: { threshold: 0, serverMaxWindowBits: 10 } });
  try {
    const ws = new WS('ws://127.0.0.1:' + echo.port + '/', { perMessageDeflate: { threshold: 0 } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    assert.match(ws.extensions, /^permessage-deflate/);
    const big = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: i, name: 'item ' + i })) });
    const replies = [];
    const done = new Promise((resolve) => {
      ws.on('message', (data, isBinary) => {
        replies.push(isBinary ? data : data.toString());
        if (replies.length === 3) resolve();
      });
    });
    ws.send('small');
    ws.send(big);
    ws.send(Buffer.alloc(100000, 7));
    await done;
    assert.deepStrictEqual(replies.slice(0, 2), ['small', big]);
    assert.ok(Buffer.alloc(100000, 7).equals(replies[2]));
    ws.close();
  } finally {
    await echo.close();
  }
});

test('our client and a ws server compress both ways', T, async () => {
  const wss = new WS.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve) => wss.on('listening', resolve));
  let serverExtensions = null;
  wss.on('connection', (socket, req) => {
    serverExtensions = req.headers['sec-websocket-extensions'];
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  try {
    const client = new WebSocketClient({ perMessageDeflate: { clientMaxWindowBits: 11 } });
    const connection = await new Promise((resolve, reject) => {
      client.on('connect', resolve);
      client.on('connectFailed', reject);
      client.connect('ws://127.0.0.1:' + wss.address().port + '/');
    });
    assert.strictEqual(serverExtensions, 'permessage-deflate; client_max_window_bits=11');
    assert.deepStrictEqual(connection.extensions, [
      {
        name: 'permessage-deflate',
        value: 'client_max_window_bits=11',
        params: [{ name: 'client_max_window_bits', value: '11' }]
      }
    ]);
    const text = 'abc'.repeat(5000);
    const reply = await new Promise((resolve) => {
      connection.on('message', resolve);
      connection.sendUTF(text);
    });
    assert.strictEqual(reply.utf8Data, text);
    connection.close();
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
});

test('the client fails the connection on an unacceptable response (RFC 7692 §5)', T, async () => {
  const server = http.createServer();
  const upgraded = [];
  server.on('upgrade', (req, socket) => {
    upgraded.push(socket);
    const accept = require('crypto')
      .createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: ' +
        accept +
        '\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n'
    );
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new WebSocketClient({ perMessageDeflate: true });
    const error = await new Promise((resolve, reject) => {
      client.on('connect', () => reject(new Error('connected')));
      client.on('connectFailed', resolve);
      client.connect('ws://127.0.0.1:' + server.address().port + '/');
    });
    assert.match(error.message, /client_max_window_bits needs a value/);
  } finally {
    for (const socket of upgraded) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('bad perMessageDeflate values throw clear errors', () => {
  const httpServer = http.createServer();
  const bad = [
    [{ serverMaxWindowBits: 16 }, /serverMaxWindowBits must be a whole number from 8 to 15, got 16/],
    [{ clientMaxWindowBits: 7.5 }, /clientMaxWindowBits/],
    [{ level: 10 }, /level must be a whole number from 0 to 9/],
    [{ threshold: -1 }, /threshold/],
    [{ level: '1' }, /perMessageDeflate.level must be a number/],
    [{ serverNoContextTakeover: 1 }, /must be a boolean/],
    [{ memLevel: 8 }, /memLevel is not supported/],
    [{ windowBits: 8 }, /windowBits is not a known option/],
    ['yes', /must be false, true or an options object/]
  ];
  for (const [value, message] of bad) {
    assert.throws(() => new WebSocketServer({ httpServer, perMessageDeflate: value }), message);
    assert.throws(() => new WebSocketClient({ perMessageDeflate: value }), message);
  }
  assert.doesNotThrow(() => new WebSocketClient({ perMessageDeflate: { level: 9, threshold: 0 } }));
});

test('a 1 MB message that inflates to 1 GB closes with 1009, bounded memory, and the server goes on', T, async () => {
  // ~1 GB of zeros deflated (sync flush, tail removed as RFC 7692 §7.2.1 says).
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const chunks = [];
  deflate.on('data', (c) => chunks.push(c));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < 1024; i++) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  await new Promise((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
  let compressed = Buffer.concat(chunks);
  deflate.close();
  assert.ok(compressed.subarray(-4).equals(TAIL));
  compressed = compressed.subarray(0, compressed.length - 4);
  assert.ok(compressed.length > 900000 && compressed.length < 1200000, String(compressed.length));

  const child = fork(path.join(__dirname, 'helpers', 'deflate-server.js'), [], { stdio: 'inherit' });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (key) => {
    for (;;) {
      const i = messages.findIndex((m) => key in m);
      if (i !== -1) return messages.splice(i, 1)[0][key];
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  try {
    const port = await next('port');
    const { socket, rest } = await rawUpgrade(port, 'permessage-deflate');
    child.send('rss');
    const before = await next('rss');
    socket.write(frame({ opcode: 2, rsv: 0x40, payload: compressed }));
    const [close] = await readFrames(socket, rest, 1);
    assert.strictEqual(close.opcode, 8);
    assert.strictEqual(close.payload.readUInt16BE(0), 1009);
    assert.strictEqual(await next('closed'), 1009);
    child.send('rss');
    const after = await next('rss');
    const limit = 0x100000;
    assert.ok(after - before < 2 * limit, 'RSS grew by ' + (after - before) + ' bytes');
    socket.destroy();

    // Another client is served as before, compression included.
    const ws = new WS('ws://127.0.0.1:' + port + '/', { perMessageDeflate: { threshold: 0 } });
    const reply = await new Promise((resolve, reject) => {
      ws.on('open', () => ws.send('still here '.repeat(300)));
      ws.on('message', (data) => resolve(data.toString()));
      ws.on('error', reject);
    });
    assert.strictEqual(reply, 'still here '.repeat(300));
    ws.close();
  } finally {
    child.send('exit');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
