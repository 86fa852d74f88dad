'use strict';
/**
 * Rows of the API parity checklist (docs/parity.md) that the other tests did
 * not cover: server, request, connection and client items, each scenario run
 * against `websocket` and ours and compared. Loopback only (127.0.0.1, port 0).
 */
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const ours = require('..');
const theirs = require('websocket');
const { NativeSocket } = require('../lib/NativeTransport');
const { frame, pair, once, serverConfig } = require('./helpers/wire');

const T = { timeout: 10000 };
const LIBS = [
  ['websocket-rs', ours],
  ['websocket', theirs]
];

/**
 * Wraps a connection constructor so the socket's setKeepAlive/setNoDelay
 * calls are recorded in `calls` (for the native variant: on the NativeSocket).
 */
function spying(Connection, calls, native) {
  return function (socket, extensions, protocol, mask, config) {
    const target = native ? new NativeSocket(socket) : socket;
    for (const name of ['setKeepAlive', 'setNoDelay']) {
      const original = target[name];
      target[name] = function (...args) {
        calls.push([name, ...args]);
        return original.apply(this, args);
      };
    }
    const connection = new Connection(target, extensions, protocol, mask, config);
    if (native) target._adopt(socket, connection, Buffer.alloc(0), null);
    return connection;
  };
}

const CONNECTIONS = [
  ['websocket-rs', (calls) => spying(ours.connection, calls, false)],
  ['websocket-rs native', (calls) => spying(ours.connection, calls, true)],
  ['websocket', (calls) => spying(theirs.connection, calls, false)]
];

/** An http server on 127.0.0.1:0 with `lib`'s WebSocketServer mounted on it. */
async function startServer(lib, config) {
  const httpServer = http.createServer();
  const sockets = new Set();
  httpServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new lib.server(Object.assign({ httpServer, keepalive: false }, config));
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    httpServer,
    wss,
    url: 'ws://127.0.0.1:' + httpServer.address().port + '/',
    close() {
      wss.shutDown();
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => httpServer.close(resolve));
    }
  };
}

/** Connects `lib`'s client; resolves with { client, connection } or rejects. */
function connect(lib, url, protocols, origin) {
  return new Promise((resolve, reject) => {
    const client = new lib.client();
    client.on('connectFailed', reject);
    client.on('connect', (connection) => resolve({ client, connection }));
    client.connect(url, protocols, origin);
  });
}

/** Runs `scenario(lib, name)` for both packages; returns [ours, theirs]. */
async function both(scenario) {
  const results = [];
  for (const [name, lib] of LIBS) results.push(await scenario(lib, name));
  return results;
}

// --- 1. WebSocketServer and 2. WebSocketRequest ------------------------------

test('request.httpRequest, serverConfig, private state; pendingRequests shrinks on reject', T, async () => {
  const [o, t] = await both(async (lib) => {
    const s = await startServer(lib);
    try {
      const seen = new Promise((resolve) =>
        s.wss.on('request', (r) => {
          const before = {
            handlers: Object.keys(s.wss._handlers).map((k) => k + ':' + typeof s.wss._handlers[k]),
            isIncomingMessage: r.httpRequest instanceof http.IncomingMessage,
            url: r.httpRequest.url,
            upgradeHeader: r.httpRequest.headers.upgrade,
            sameConfig: r.serverConfig === s.wss.config,
            resolved: r._resolved,
            closing: r._socketIsClosing,
            closeHandler: typeof r._socketCloseHandler,
            methods: ['_handleSocketCloseBeforeAccept', '_removeSocketCloseListeners', '_verifyResolution'].map(
              (m) => typeof r[m]
            ),
            pending: s.wss.pendingRequests.length
          };
          r.reject(403);
          let error = null;
          try {
            r._verifyResolution();
          } catch (e) {
            error = e.message;
          }
          resolve(Object.assign(before, { after: [r._resolved, s.wss.pendingRequests.length, error] }));
        })
      );
      const failed = connect(lib, s.url + 'path?q=1').then(
        () => 'connected',
        (e) => e.message.split('\n')[0]
      );
      return Object.assign(await seen, { client: await failed });
    } finally {
      await s.close();
    }
  });
  assert.deepStrictEqual(o, t);
  assert.deepStrictEqual(o.handlers, ['upgrade:function', 'requestAccepted:function', 'requestResolved:function']);
  assert.strictEqual(o.isIncomingMessage, true);
  assert.strictEqual(o.url, '/path?q=1');
  assert.strictEqual(o.sameConfig, true);
  assert.strictEqual(o.pending, 1);
  assert.deepStrictEqual(o.after, [true, 0, 'WebSocketRequest may only be accepted or rejected one time.']);
  assert.strictEqual(o.client, 'Server responded with a non-101 status: 403 Forbidden');
});

test('pendingRequests shrinks on accept too', T, async () => {
  const [o, t] = await both(async (lib) => {
    const s = await startServer(lib);
    try {
      const counts = [];
      s.wss.on('request', (r) => {
        counts.push(s.wss.pendingRequests.length);
        r.accept(null, r.origin);
        counts.push(s.wss.pendingRequests.length);
      });
      const { connection } = await connect(lib, s.url);
      const closed = once(connection, 'close');
      connection.close();
      await closed;
      return counts;
    } finally {
      await s.close();
    }
  });
  assert.deepStrictEqual(o, t);
  assert.deepStrictEqual(o, [1, 0]);
});

test('handleUpgrade can be called by hand from an upgrade listener', T, async () => {
  const [o, t] = await both(async (lib) => {
    const s = await startServer(lib);
    try {
      s.wss.unmount();
      assert.strictEqual(s.httpServer.listenerCount('upgrade'), 0);
      s.httpServer.on('upgrade', (req, socket) => s.wss.handleUpgrade(req, socket));
      s.wss.on('request', (r) => {
        const c = r.accept('echo', r.origin);
        c.on('message', (m) => c.sendUTF('echo:' + m.utf8Data));
      });
      const { connection } = await connect(lib, s.url, 'echo');
      const reply = once(connection, 'message');
      connection.sendUTF('hi');
      const [m] = await reply;
      const closed = once(connection, 'close');
      connection.close();
      await closed;
      return [connection.protocol, m.utf8Data];
    } finally {
      await s.close();
    }
  });
  assert.deepStrictEqual(o, t);
  assert.deepStrictEqual(o, ['echo', 'echo:hi']);
});

test('one server on an array of two http servers accepts on both', T, async () => {
  const [o, t] = await both(async (lib) => {
    const servers = [http.createServer(), http.createServer()];
    for (const h of servers) await new Promise((resolve) => h.listen(0, '127.0.0.1', resolve));
    const wss = new lib.server({ httpServer: servers, autoAcceptConnections: true, keepalive: false });
    try {
      const upgradeListeners = servers.map((h) => h.listenerCount('upgrade'));
      const conns = [];
      for (const h of servers) {
        conns.push((await connect(lib, 'ws://127.0.0.1:' + h.address().port + '/')).connection);
      }
      const tracked = wss.connections.length;
      for (const c of conns) {
        const closed = once(c, 'close');
        c.close();
        await closed;
      }
      return { upgradeListeners, tracked, isArray: Array.isArray(wss.config.httpServer) };
    } finally {
      wss.shutDown();
      for (const h of servers) await new Promise((resolve) => h.close(resolve));
    }
  });
  assert.deepStrictEqual(o, t);
  assert.deepStrictEqual(o, { upgradeListeners: [1, 1], tracked: 2, isArray: true });
});

test('closeAllConnections closes open connections; shutDown also unmounts', T, async () => {
  const [o, t] = await both(async (lib) => {
    const s = await startServer(lib, { autoAcceptConnections: true });
    try {
      const result = {};
      const a = (await connect(lib, s.url)).connection;
      const b = (await connect(lib, s.url)).connection;
      const closes = [once(a, 'close'), once(b, 'close')];
      s.wss.closeAllConnections();
      result.closeAll = await Promise.all(closes);
      result.listenersAfterCloseAll = s.httpServer.listenerCount('upgrade');
      const c = (await connect(lib, s.url)).connection;
      const closed = once(c, 'close');
      s.wss.shutDown();
      result.listenersAfterShutDown = s.httpServer.listenerCount('upgrade');
      result.shutDown = await closed;
      while (s.wss.connections.length > 0) await new Promise((resolve) => setImmediate(resolve));
      return result;
    } finally {
      await s.close();
    }
  });
  assert.deepStrictEqual(o, t);
  const normal = [1000, 'Normal connection closure'];
  assert.deepStrictEqual(o, {
    closeAll: [normal, normal],
    listenersAfterCloseAll: 1,
    listenersAfterShutDown: 0,
    shutDown: normal
  });
});

// --- 3. WebSocketConnection ---------------------------------------------------

/** Runs `scenario(p, calls, name)` on a loopback pair for each connection kind. */
async function eachConnection(opts, scenario) {
  const results = {};
  for (const [name, make] of CONNECTIONS) {
    const calls = [];
    const p = await pair(make(calls), opts);
    try {
      results[name] = await scenario(p, calls, name);
    } finally {
      p.close();
    }
  }
  return results;
}

function assertSame(results) {
  const names = Object.keys(results);
  for (const name of names.slice(0, -1)) {
    assert.deepStrictEqual(results[name], results['websocket'], name + ' vs websocket');
  }
  return results['websocket'];
}

test('connection properties while open and after close()', T, async () => {
  const config = serverConfig({ closeTimeout: 1234, maxReceivedMessageSize: 4321, assembleFragments: true });
  const results = await eachConnection({ config }, async (p) => {
    const c = p.connection;
    const open = {
      closeDescription: c.closeDescription,
      closeReasonCode: c.closeReasonCode,
      extensions: c.extensions,
      sameConfig: c.config === config,
      state: c.state,
      closeEventEmitted: c.closeEventEmitted,
      waitingForCloseResponse: c.waitingForCloseResponse,
      receivedEnd: c.receivedEnd,
      closeTimeout: c.closeTimeout,
      assembleFragments: c.assembleFragments,
      maxReceivedMessageSize: c.maxReceivedMessageSize,
      inputPaused: c.inputPaused,
      maskOutgoingPackets: c.maskOutgoingPackets
    };
    const closed = once(c, 'close');
    c.close(4000, 'bye');
    const closing = { waitingForCloseResponse: c.waitingForCloseResponse, closeEventEmitted: c.closeEventEmitted };
    await p.waitFrames(1);
    p.peer.end(frame({ opcode: 8, payload: Buffer.from([0x0f, 0xa0]) }));
    const args = await closed;
    const done = {
      args,
      closeEventEmitted: c.closeEventEmitted,
      closeReasonCode: c.closeReasonCode,
      closeDescription: c.closeDescription
    };
    return { open, closing, done };
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t.open, {
    closeDescription: null,
    closeReasonCode: -1,
    extensions: [],
    sameConfig: true,
    state: 'open',
    closeEventEmitted: false,
    waitingForCloseResponse: false,
    receivedEnd: false,
    closeTimeout: 1234,
    assembleFragments: true,
    maxReceivedMessageSize: 4321,
    inputPaused: false,
    maskOutgoingPackets: false
  });
  assert.deepStrictEqual(t.closing, { waitingForCloseResponse: true, closeEventEmitted: false });
  assert.deepStrictEqual(t.done, {
    args: [4000, 'bye'],
    closeEventEmitted: true,
    closeReasonCode: 4000,
    closeDescription: 'bye'
  });
});

/** The peer sends a close frame; resolves with what the connection shows once our reply is on the wire. */
async function peerClose(p) {
  const c = p.connection;
  const closed = once(c, 'close');
  p.peer.write(frame({ opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe9]), Buffer.from('away')]) }));
  const frames = await p.waitFrames(1);
  const replied = {
    state: c.state,
    connected: c.connected,
    closeReasonCode: c.closeReasonCode,
    opcode: frames[0].opcode
  };
  p.peer.end();
  const args = await closed;
  return { replied, args, state: c.state, closeReasonCode: c.closeReasonCode, closeDescription: c.closeDescription };
}

test('a close frame from the peer: state peer_requested_close until the socket closes', T, async () => {
  const results = await eachConnection({}, async (p) => {
    const r = await peerClose(p);
    return Object.assign(r, { replied: { state: r.replied.state, opcode: r.replied.opcode } });
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, {
    replied: { state: 'peer_requested_close', opcode: 8 },
    args: [1001, 'away'],
    state: 'closed',
    closeReasonCode: 1001,
    closeDescription: 'away'
  });
});

test('connected and closeReasonCode change with state once the close reply is on the wire', T, async () => {
  for (let i = 0; i < 5; i++) {
    const results = await eachConnection({}, async (p) => (await peerClose(p)).replied);
    const t = assertSame(results);
    assert.deepStrictEqual(t, { state: 'peer_requested_close', connected: false, closeReasonCode: 1001, opcode: 8 });
  }
});

test('a FIN from the peer while open: receivedEnd, then close 1006', T, async () => {
  const results = await eachConnection({}, async (p) => {
    const closed = once(p.connection, 'close');
    p.peer.end();
    const args = await closed;
    return { args, receivedEnd: p.connection.receivedEnd, state: p.connection.state };
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, {
    args: [1006, 'Connection dropped by remote peer.'],
    receivedEnd: true,
    state: 'closed'
  });
});

test('pause()/resume() set inputPaused and emit pause and resume', T, async () => {
  const results = await eachConnection({}, async (p) => {
    const c = p.connection;
    const events = [];
    c.on('pause', () => events.push(['pause', c.inputPaused]));
    c.on('resume', () => events.push(['resume', c.inputPaused]));
    const paused = once(c, 'pause');
    c.pause();
    await paused;
    const resumed = once(c, 'resume');
    c.resume();
    await resumed;
    const got = once(c, 'message');
    p.peer.write(frame({ opcode: 1, payload: 'after' }));
    const [m] = await got;
    return { events, inputPaused: c.inputPaused, message: m.utf8Data };
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, {
    events: [
      ['pause', true],
      ['resume', false]
    ],
    inputPaused: false,
    message: 'after'
  });
});

test('pong() sends a pong frame; a pong from the peer emits pong', T, async () => {
  const results = await eachConnection({}, async (p) => {
    const c = p.connection;
    const pong = once(c, 'pong');
    p.peer.write(frame({ opcode: 0xa, payload: 'qq' }));
    const [data] = await pong;
    c.pong(Buffer.from('pp'));
    const frames = await p.waitFrames(1);
    return {
      received: [Buffer.isBuffer(data), data.toString()],
      sent: frames.map((f) => [f.opcode, f.fin, f.masked, f.payload.toString()])
    };
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, { received: [true, 'qq'], sent: [[0xa, true, false, 'pp']] });
});

test('sendFrame, fragmentAndSend and sendCloseFrame write what they are given', T, async () => {
  const config = serverConfig({ fragmentationThreshold: 4 });
  const results = await eachConnection({ config }, async (p, calls, name) => {
    const Frame = name === 'websocket' ? theirs.frame : ours.frame;
    const make = (opcode, payload) => {
      const f = new Frame(Buffer.alloc(4), Buffer.alloc(10), config);
      f.fin = true;
      f.opcode = opcode;
      f.binaryPayload = Buffer.from(payload);
      return f;
    };
    const c = p.connection;
    const raw = make(0x1, 'raw');
    raw.mask = true;
    const returned = c.sendFrame(raw);
    let callbacks = 0;
    c.fragmentAndSend(make(0x2, 'abcdefghij'), () => callbacks++);
    assert.throws(() => c.fragmentAndSend(make(0x9, 'p')), { message: 'You cannot fragment control frames.' });
    c.sendCloseFrame(4001, 'done');
    const frames = await p.waitFrames(5);
    await new Promise((resolve) => setImmediate(resolve));
    return {
      returned: typeof returned,
      maskSetFromConnection: raw.mask,
      callbacks,
      frames: frames.map((f) => [f.opcode, f.fin, f.masked, f.payload.toString('hex')])
    };
  });
  const t = assertSame(results);
  const hex = (s) => Buffer.from(s).toString('hex');
  assert.deepStrictEqual(t, {
    returned: 'boolean',
    maskSetFromConnection: false,
    callbacks: 1,
    frames: [
      [0x1, true, false, hex('raw')],
      [0x2, false, false, hex('abcd')],
      [0x0, false, false, hex('efgh')],
      [0x0, true, false, hex('ij')],
      [0x8, true, false, '0fa1' + hex('done')]
    ]
  });
});

test('fragmentOutgoingMessages: false sends one frame whatever the threshold', T, async () => {
  const config = serverConfig({ fragmentOutgoingMessages: false, fragmentationThreshold: 4 });
  const results = await eachConnection({ config }, async (p) => {
    p.connection.sendUTF('abcdefghij');
    p.connection.sendBytes(Buffer.from('0123456789'));
    const frames = await p.waitFrames(2);
    return frames.map((f) => [f.opcode, f.fin, f.payload.toString()]);
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, [
    [1, true, 'abcdefghij'],
    [2, true, '0123456789']
  ]);
});

test('dropConnectionOnKeepaliveTimeout: false keeps pinging a silent peer instead of dropping it', T, async () => {
  const config = serverConfig({
    keepalive: true,
    keepaliveInterval: 20,
    keepaliveGracePeriod: 20,
    dropConnectionOnKeepaliveTimeout: false
  });
  const results = await eachConnection({ config }, async (p) => {
    let closed = false;
    p.connection.on('close', () => (closed = true));
    const frames = await p.waitFrames(3);
    const result = { opcodes: frames.slice(0, 3).map((f) => f.opcode), closed, connected: p.connection.connected };
    p.connection.drop(1000, 'test over', true);
    return result;
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, { opcodes: [9, 9, 9], closed: false, connected: true });
});

test('useNativeKeepalive: socket.setKeepAlive(true, keepaliveInterval) and no pings', T, async () => {
  const config = serverConfig({ keepalive: true, keepaliveInterval: 20, useNativeKeepalive: true });
  const results = await eachConnection({ config }, async (p, calls) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return {
      keepAlive: calls.filter((c) => c[0] === 'setKeepAlive'),
      frames: p.frames().length,
      connected: p.connection.connected
    };
  });
  const t = assertSame(results);
  assert.deepStrictEqual(t, { keepAlive: [['setKeepAlive', true, 20]], frames: 0, connected: true });
});

test('disableNagleAlgorithm is passed to socket.setNoDelay', T, async () => {
  for (const value of [true, false]) {
    const config = serverConfig({ disableNagleAlgorithm: value });
    const results = await eachConnection({ config }, async (p, calls) => calls.filter((c) => c[0] === 'setNoDelay'));
    const t = assertSame(results);
    assert.deepStrictEqual(t, [['setNoDelay', value]]);
  }
});

// --- 5. WebSocketClient -------------------------------------------------------

test('client: the properties connect() sets', T, async () => {
  const s = await startServer(ours);
  s.wss.on('request', (r) => r.accept(r.requestedProtocols[0], r.origin));
  try {
    const [o, t] = await both(async (lib) => {
      const { client, connection } = await connect(lib, s.url + 'room?x=1', ['Chat', 'other'], 'http://o.test');
      const result = {
        protocols: client.protocols,
        origin: client.origin,
        url: [client.url.protocol, client.url.hostname, client.url.port, client.url.path],
        secure: client.secure,
        nonce: Buffer.from(client.base64nonce, 'base64').length,
        hasSocket: !!client.socket,
        status: client.response.statusCode,
        // the head bytes were handed to the connection: null afterwards
        firstDataChunk: client.firstDataChunk,
        protocol: client.protocol,
        connectionProtocol: connection.protocol,
        remoteAddresses: connection.remoteAddresses,
        req: client._req
      };
      const closed = once(connection, 'close');
      connection.close();
      await closed;
      return result;
    });
    assert.deepStrictEqual(o, t);
    assert.deepStrictEqual(o, {
      protocols: ['Chat', 'other'],
      origin: 'http://o.test',
      url: ['ws:', '127.0.0.1', String(s.httpServer.address().port), '/room?x=1'],
      secure: false,
      nonce: 16,
      hasSocket: true,
      status: 101,
      firstDataChunk: null,
      protocol: 'Chat',
      connectionProtocol: 'Chat',
      remoteAddresses: undefined,
      req: null
    });
  } finally {
    await s.close();
  }
});
