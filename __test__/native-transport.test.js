'use strict';
/**
 * The native transport (Rust owns plain TCP sockets after the handshake):
 * which sockets it takes, flow control both ways, failures, and the process
 * and worker lifetimes. The rest of the suite runs over it too (and again
 * over the JS-fed transport with WEBSOCKET_RS_TRANSPORT=js).
 */
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { Worker } = require('worker_threads');
const WebSocket = require('ws');
const { server: WebSocketServer, client: WebSocketClient } = require('..');
const { frame, parseFrames } = require('./helpers/wire');

const T = { timeout: 20000 };
const ROOT = path.join(__dirname, '..');
const forcedJs = process.env.WEBSOCKET_RS_TRANSPORT === 'js';

/**
 * An http server with a WebSocketServer on it; resolves once listening.
 * @param {object} [config] more server config
 */
function listen(config) {
  return new Promise((resolve) => {
    const httpServer = http.createServer();
    const wsServer = new WebSocketServer(Object.assign({ httpServer }, config || {}));
    httpServer.listen(0, '127.0.0.1', () => {
      resolve({
        httpServer,
        wsServer,
        url: 'ws://127.0.0.1:' + httpServer.address().port + '/',
        port: httpServer.address().port,
        close() {
          wsServer.shutDown();
          httpServer.close();
        }
      });
    });
  });
}

function nextConnection(wsServer) {
  return new Promise((resolve) => {
    wsServer.once('request', (request) => resolve(request.accept(null, request.origin)));
  });
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

/** A raw TCP client that completes the opening handshake and collects frames. */
function rawClient(port) {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: the raw peer does not answer our FIN by itself.
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const waiters = [];
    socket.on('error', () => {});
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101/.test(buf.toString('latin1', 0, end))) reject(new Error('no 101'));
        buf = buf.subarray(end + 4);
        upgraded = true;
        resolve(api);
      }
      for (const w of waiters.splice(0)) w();
    });
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    );
    const api = {
      socket,
      frames: () => parseFrames(buf).frames,
      async waitFrames(n) {
        while (parseFrames(buf).frames.length < n) await new Promise((r) => waiters.push(r));
        return parseFrames(buf).frames;
      }
    };
  });
}

test(
  'plain TCP connections are taken over by Rust; TLS-less opt-out and the env switch keep the Node socket',
  T,
  async () => {
    const s = await listen();
    const accepted = nextConnection(s.wsServer);
    const client = new WebSocketClient();
    client.connect(s.url);
    const [clientConn] = await once(client, 'connect');
    const serverConn = await accepted;
    assert.strictEqual(serverConn.socket.isNative === true, !forcedJs);
    assert.strictEqual(clientConn.socket.isNative === true, !forcedJs);
    assert.strictEqual(serverConn.socket.remoteAddress, '127.0.0.1');
    assert.strictEqual(typeof serverConn.socket.remotePort, 'number');
    clientConn.close();
    await once(serverConn, 'close');
    s.close();

    const optOut = await listen({ nativeTransport: false });
    const accepted2 = nextConnection(optOut.wsServer);
    const client2 = new WebSocketClient({ nativeTransport: false });
    client2.connect(optOut.url);
    const [c2] = await once(client2, 'connect');
    const s2 = await accepted2;
    assert.ok(s2.socket instanceof net.Socket, 'server keeps the net.Socket');
    assert.ok(c2.socket instanceof net.Socket, 'client keeps the net.Socket');
    c2.close();
    await once(s2, 'close');
    optOut.close();
  }
);

test('an 8 MiB message each way: outputBufferFull, drain, send callbacks in order', T, async () => {
  const s = await listen({ maxReceivedFrameSize: 16 << 20, maxReceivedMessageSize: 16 << 20 });
  const accepted = nextConnection(s.wsServer);
  const ws = new WebSocket(s.url, { maxPayload: 32 << 20 });
  const serverConn = await accepted;
  await once(ws, 'open');
  const big = Buffer.alloc(8 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  const order = [];
  const drained = once(serverConn, 'drain');
  serverConn.sendBytes(big, (err) => order.push(['big', err]));
  serverConn.sendUTF('after', (err) => order.push(['after', err]));
  await new Promise((r) => setImmediate(r));
  assert.strictEqual(serverConn.outputBufferFull, true, 'over the high-water mark');
  assert.ok(serverConn.bytesWaitingToFlush > 0);
  const got = [];
  ws.on('message', (data, isBinary) => got.push({ data, isBinary }));
  await drained;
  while (got.length < 2) await new Promise((r) => setTimeout(r, 10));
  assert.strictEqual(serverConn.outputBufferFull, false);
  assert.deepStrictEqual(
    order.map((o) => o[0]),
    ['big', 'after']
  );
  assert.ok(
    order.every((o) => !o[1]),
    'no send callback got an error'
  );
  assert.ok(got[0].isBinary && Buffer.compare(got[0].data, big) === 0, '8 MiB arrive intact');
  assert.strictEqual(got[1].data.toString(), 'after');

  const echoed = once(serverConn, 'message');
  ws.send(big);
  const [m] = await echoed;
  assert.strictEqual(m.type, 'binary');
  assert.strictEqual(Buffer.compare(m.binaryData, big), 0);
  ws.close();
  await once(serverConn, 'close');
  s.close();
});

test('pause() stops reading; resume() delivers what waited, in order', T, async () => {
  const s = await listen();
  const accepted = nextConnection(s.wsServer);
  const ws = new WebSocket(s.url);
  const conn = await accepted;
  await once(ws, 'open');
  const got = [];
  conn.on('message', (m) => got.push(m.utf8Data));
  conn.pause();
  for (let i = 0; i < 50; i++) ws.send('m' + i);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepStrictEqual(got, [], 'nothing while paused');
  conn.resume();
  while (got.length < 50) await once(conn, 'message');
  assert.deepStrictEqual(
    got,
    Array.from({ length: 50 }, (_, i) => 'm' + i)
  );
  ws.close();
  await once(conn, 'close');
  s.close();
});

test('a peer that resets the connection: close 1006, the server keeps serving', T, async () => {
  const s = await listen();
  const accepted = nextConnection(s.wsServer);
  const raw = await rawClient(s.port);
  const conn = await accepted;
  const closed = once(conn, 'close');
  raw.socket.resetAndDestroy();
  const [code] = await closed;
  assert.strictEqual(code, 1006);
  assert.strictEqual(conn.connected, false);

  const accepted2 = nextConnection(s.wsServer);
  const ws = new WebSocket(s.url);
  const conn2 = await accepted2;
  conn2.on('message', (m) => conn2.sendUTF(m.utf8Data));
  await once(ws, 'open');
  ws.send('still here');
  const [data] = await once(ws, 'message');
  assert.strictEqual(data.toString(), 'still here');
  ws.close();
  await once(conn2, 'close');
  s.close();
});

test('closeTimeout: a peer that never answers our close frame is cut off', T, async () => {
  const s = await listen({ closeTimeout: 200 });
  const accepted = nextConnection(s.wsServer);
  const raw = await rawClient(s.port);
  const conn = await accepted;
  const closed = once(conn, 'close');
  const started = Date.now();
  conn.close(1000, 'bye');
  const frames = await raw.waitFrames(1);
  assert.strictEqual(frames[0].opcode, 8, 'our close frame went out');
  const [code, description] = await closed;
  assert.ok(Date.now() - started >= 150, 'closed by the timer, not by the peer');
  assert.strictEqual(code, 1000);
  assert.strictEqual(description, 'bye');
  assert.strictEqual(conn.state, 'closed');
  raw.socket.destroy();
  s.close();
});

test('invalid frames from the peer close with the RFC code over the native transport', T, async () => {
  const s = await listen();
  const cases = [
    [frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) }), 1007],
    [frame({ opcode: 3, payload: 'x' }), 1002],
    [frame({ opcode: 9, payload: Buffer.alloc(126) }), 1002],
    [frame({ opcode: 2, payload: Buffer.alloc(70000) }), 1009]
  ];
  for (const [bytes, want] of cases) {
    const accepted = nextConnection(s.wsServer);
    const raw = await rawClient(s.port);
    const conn = await accepted;
    const closed = once(conn, 'close');
    raw.socket.write(bytes);
    const [code] = await closed;
    assert.strictEqual(code, want);
    const frames = await raw.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 8);
    assert.strictEqual(frames[0].payload.readUInt16BE(0), want);
    raw.socket.destroy();
  }
  s.close();
});

test('the process exits by itself once the user closed every server and connection', T, async () => {
  const script = `
    const http = require('http');
    const { server: S, client: C } = require(${JSON.stringify(ROOT)});
    const httpServer = http.createServer();
    const ws = new S({ httpServer });
    ws.on('request', (r) => {
      const c = r.accept(null, r.origin);
      c.on('message', (m) => c.sendUTF(m.utf8Data));
    });
    httpServer.listen(0, '127.0.0.1', () => {
      const client = new C();
      client.on('connect', (c) => {
        c.on('message', (m) => { console.log('echo ' + m.utf8Data + ' native=' + (c.socket.isNative === true)); c.close(); });
        c.on('close', () => { ws.shutDown(); httpServer.close(() => console.log('all closed')); });
        c.sendUTF('x');
      });
      client.connect('ws://127.0.0.1:' + httpServer.address().port + '/');
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  assert.strictEqual(signal, null, 'it exited by itself, not killed after 10 s: ' + out);
  assert.strictEqual(code, 0, out);
  assert.match(out, new RegExp('echo x native=' + !forcedJs));
  assert.match(out, /all closed/);
});

test('a worker thread with open native connections can be terminated; the main thread keeps working', T, async () => {
  const s = await listen();
  let opened = 0;
  s.wsServer.on('request', (r) => {
    const c = r.accept(null, r.origin);
    opened++;
    c.on('message', (m) => c.sendUTF(m.utf8Data));
  });
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('worker_threads');
    const { client: C } = require(workerData.root);
    for (let i = 0; i < 3; i++) {
      const client = new C();
      client.on('connect', (c) => {
        c.on('message', () => parentPort.postMessage('echoed'));
        c.sendUTF('from worker');
      });
      client.connect(workerData.url);
    }`,
    { eval: true, workerData: { root: ROOT, url: s.url } }
  );
  let echoed = 0;
  await new Promise((resolve, reject) => {
    worker.on('message', () => {
      if (++echoed === 3) resolve();
    });
    worker.on('error', reject);
  });
  assert.strictEqual(opened, 3);
  const serverCloses = [];
  for (const c of s.wsServer.connections.slice()) serverCloses.push(once(c, 'close'));
  await worker.terminate();
  // The worker's sockets are closed with it: the server sees all three go.
  const codes = (await Promise.all(serverCloses)).map((args) => args[0]);
  assert.strictEqual(codes.length, 3);

  const ws = new WebSocket(s.url);
  await once(ws, 'open');
  ws.send('main');
  const [data] = await once(ws, 'message');
  assert.strictEqual(data.toString(), 'main');
  ws.close();
  s.close();
});

test(
  'a reply to a message that arrived just before a bad frame goes out before the close frame (Autobahn 3.x, 4.x, 5.15)',
  T,
  async () => {
    const s = await listen();
    const accepted = nextConnection(s.wsServer);
    const raw = await rawClient(s.port);
    const conn = await accepted;
    conn.on('message', (m) => conn.sendUTF(m.utf8Data));
    const closed = once(conn, 'close');
    raw.socket.write(
      Buffer.concat([frame({ opcode: 1, payload: 'first' }), frame({ opcode: 1, payload: 'x', rsv: 0x40 })])
    );
    const [code] = await closed;
    assert.strictEqual(code, 1002);
    const frames = await raw.waitFrames(2);
    assert.strictEqual(frames[0].opcode, 1);
    assert.strictEqual(frames[0].payload.toString(), 'first');
    assert.strictEqual(frames[1].opcode, 8);
    assert.strictEqual(frames[1].payload.readUInt16BE(0), 1002);
    raw.socket.destroy();
    s.close();
  }
);

test(
  'broadcastUTF/broadcastBytes reach native and JS-fed connections alike, encoded once for the native ones',
  T,
  async () => {
    const s = await listen();
    const clients = [];
    const conns = [];
    for (let i = 0; i < 3; i++) {
      // The third connection stays on Node's socket (the JS-fed transport).
      s.wsServer.config.nativeTransport = i < 2;
      const accepted = nextConnection(s.wsServer);
      const ws = new WebSocket(s.url);
      const got = [];
      ws.on('message', (data, isBinary) => got.push({ data, isBinary }));
      await once(ws, 'open');
      conns.push(await accepted);
      clients.push({ ws, got });
    }
    assert.deepStrictEqual(
      conns.map((c) => c.socket.isNative === true),
      [!forcedJs, !forcedJs, false]
    );
    const big = Buffer.alloc(40000, 7); // over the 16 KiB fragmentation threshold
    s.wsServer.broadcastUTF('héllo');
    s.wsServer.broadcast(big);
    assert.throws(() => s.wsServer.broadcastBytes('not a buffer'), /Node Buffer/);
    for (const c of clients) {
      while (c.got.length < 2) await once(c.ws, 'message');
      assert.strictEqual(c.got[0].isBinary, false);
      assert.strictEqual(c.got[0].data.toString(), 'héllo');
      assert.strictEqual(c.got[1].isBinary, true);
      assert.strictEqual(Buffer.compare(c.got[1].data, big), 0);
    }
    // A connection that is closing gets nothing more.
    const closing = once(clients[0].ws, 'close');
    conns[0].close();
    s.wsServer.broadcastUTF('after');
    for (const c of clients.slice(1)) {
      while (c.got.length < 3) await once(c.ws, 'message');
      assert.strictEqual(c.got[2].data.toString(), 'after');
    }
    await closing;
    assert.strictEqual(clients[0].got.length, 2);
    for (const c of clients) c.ws.close();
    s.close();
  }
);

test('an invalid limit throws from accept() with the option named, and the client is not left waiting', T, async () => {
  const s = await listen({ maxReceivedFrameSize: 1.5 });
  const thrown = new Promise((resolve) => {
    s.wsServer.once('request', (request) => {
      try {
        request.accept(null, request.origin);
        resolve(null);
      } catch (e) {
        resolve(e);
      }
    });
  });
  const client = new WebSocketClient();
  const failed = new Promise((resolve) => client.once('connectFailed', resolve));
  client.connect(s.url);
  const err = await thrown;
  assert.ok(err instanceof Error);
  assert.match(err.message, /maxReceivedFrameSize must be a whole number of at least 0, got 1\.5/);
  const clientErr = await failed;
  assert.ok(clientErr instanceof Error, 'the client hears about it at once');
  s.close();
});

test(
  'a ping flood from a peer that does not read stops being read: memory stays bounded, nothing is lost',
  T,
  async () => {
    const s = await listen();
    const accepted = nextConnection(s.wsServer);
    const raw = await rawClient(s.port);
    const conn = await accepted;
    raw.socket.pause();
    const COUNT = 200000;
    const one = frame({ opcode: 9, payload: Buffer.alloc(125, 1) });
    raw.socket.write(Buffer.concat(Array.from({ length: COUNT }, () => one)));
    // Wait until the server stops making progress (its replies cannot leave).
    let last = -1;
    let still = 0;
    while (still < 5) {
      await new Promise((r) => setTimeout(r, 50));
      const now = conn.bytesWaitingToFlush;
      still = now === last ? still + 1 : 0;
      last = now;
    }
    // Reading stops once 1 MiB of replies waits (plus one read's worth): the
    // native task, or the JS-fed connection through a quiet socket.pause().
    assert.ok(last < 4 * 1024 * 1024, 'queued replies stay bounded, got ' + last);
    // Other connections are unaffected.
    const accepted2 = nextConnection(s.wsServer);
    const ws = new WebSocket(s.url);
    const conn2 = await accepted2;
    conn2.on('message', (m) => conn2.sendUTF(m.utf8Data));
    await once(ws, 'open');
    ws.send('fine');
    const [data] = await once(ws, 'message');
    assert.strictEqual(data.toString(), 'fine');
    ws.close();
    // Once the peer reads, every ping gets its pong.
    const expected = COUNT * (2 + 125);
    let received = 0;
    raw.socket.removeAllListeners('data');
    const done = new Promise((resolve) => {
      raw.socket.on('data', (d) => {
        received += d.length;
        if (received >= expected) resolve();
      });
    });
    raw.socket.resume();
    await done;
    assert.strictEqual(received, expected);
    raw.socket.destroy();
    s.close();
  }
);

test(
  'text the send path copies from V8 arrives intact: multi-byte, surrogate pairs, a lone surrogate, large, empty',
  T,
  async () => {
    const { wsServer, url, close } = await listen();
    const texts = [
      'héllo wörld ✓ 🎉',
      'a lone \ud800 surrogate',
      'a'.repeat(70000) + '€'.repeat(30000) + '😀'.repeat(5000),
      ''
    ];
    try {
      const serverSide = nextConnection(wsServer);
      const client = new WebSocket(url);
      await once(client, 'open');
      const connection = await serverSide;
      assert.strictEqual(connection.socket.isNative === true, !forcedJs);
      const received = [];
      const all = new Promise((resolve) => {
        client.on('message', (data) => {
          received.push(data.toString('utf8'));
          if (received.length === texts.length) resolve();
        });
      });
      for (const text of texts) connection.sendUTF(text);
      await all;
      // What Buffer.from makes of each string (a lone surrogate becomes U+FFFD), byte for byte.
      assert.deepStrictEqual(
        received,
        texts.map((t) => Buffer.from(t, 'utf8').toString('utf8'))
      );
      client.close();
    } finally {
      close();
    }
  }
);

test('two copies of lib/ in one process (two hubs on one thread) each answer their own clients', T, async () => {
  // A second copy of the JS (a cleared require cache, or two undeduplicated copies of the package) shares the addon
  // but has its own hub: socket ids must not collide in the send path.
  const libDir = path.join(ROOT, 'lib') + path.sep;
  const loadCopy = () => {
    for (const key of Object.keys(require.cache)) if (key.startsWith(libDir)) delete require.cache[key];
    return require(path.join(ROOT, 'lib', 'websocket.js'));
  };
  const copies = [loadCopy(), loadCopy()];
  assert.notStrictEqual(copies[0].server, copies[1].server);
  const servers = [];
  try {
    for (const [i, copy] of copies.entries()) {
      const httpServer = http.createServer();
      const wsServer = new copy.server({ httpServer });
      wsServer.on('request', (request) => {
        const connection = request.accept(null, request.origin);
        connection.on('message', (m) => connection.sendUTF('copy ' + i + ': ' + m.utf8Data));
      });
      await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      servers.push({ httpServer, wsServer });
    }
    const clients = [];
    for (const { httpServer } of servers) {
      const client = new WebSocket('ws://127.0.0.1:' + httpServer.address().port + '/');
      await once(client, 'open');
      clients.push(client);
    }
    const answers = clients.map((client) => once(client, 'message').then(([data]) => data.toString()));
    clients.forEach((client, i) => client.send('to ' + i));
    assert.deepStrictEqual(await Promise.all(answers), ['copy 0: to 0', 'copy 1: to 1']);
    for (const client of clients) client.close();
  } finally {
    for (const { httpServer, wsServer } of servers) {
      wsServer.shutDown();
      httpServer.close();
    }
  }
});

test('bytesWaitingToFlush counts what waits once: never more than was sent', T, async () => {
  const s = await listen();
  const accepted = nextConnection(s.wsServer);
  const raw = await rawClient(s.port);
  const conn = await accepted;
  raw.socket.pause();
  // More than loopback's socket buffers take, so most of it waits.
  const SIZE = 16 * 1024 * 1024;
  conn.sendBytes(Buffer.alloc(SIZE, 7));
  // Let the flush run and the kernel take what it takes.
  await new Promise((r) => setTimeout(r, 100));
  const waiting = conn.bytesWaitingToFlush;
  assert.ok(waiting > 0, 'a peer that does not read leaves bytes waiting');
  // The frame (plus a little the socket layer may hold), not the part still waiting counted twice.
  assert.ok(waiting <= SIZE + 4096, 'about the frame that was sent, got ' + waiting);
  raw.socket.destroy();
  s.close();
});
