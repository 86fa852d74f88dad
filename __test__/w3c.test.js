'use strict';
/**
 * W3CWebSocket: the EventTarget semantics, readyState transitions and event
 * order, checked against a `ws` server and compared with `websocket`'s class.
 */
const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const { EventEmitter } = require('events');
const { WebSocketServer } = require('ws');
const W3CWebSocket = require('../lib/W3CWebSocket');
const OriginalW3C = require('websocket').w3cwebsocket;

const T = { timeout: 15000 };

/** An echo server (`ws`) that records what it received and how clients closed. */
async function echoServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const received = [];
  const closes = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      received.push(isBinary ? ['binary', Buffer.from(data)] : ['text', data.toString()]);
      socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code, reason) => {
      closes.push([code, reason.toString()]);
      for (const w of waiters.splice(0)) w();
    });
  });
  const waiters = [];
  await new Promise((r) => wss.on('listening', r));
  return {
    url: 'ws://127.0.0.1:' + wss.address().port + '/',
    received,
    closes,
    /** Resolves once the server has seen `n` connections close. */
    async closed(n) {
      while (closes.length < n) await new Promise((r) => waiters.push(r));
      return closes;
    },
    close: () => new Promise((r) => wss.close(r))
  };
}

/** A port with nothing listening. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Records every event of a socket as a plain, comparable entry. */
function record(ws) {
  const log = [];
  const done = new Promise((resolve) => {
    for (const type of ['open', 'message', 'error', 'close']) {
      ws.addEventListener(type, (e) => {
        const entry = { type, readyState: ws.readyState };
        if (type === 'message') {
          entry.data = typeof e.data === 'string' ? e.data : ['ArrayBuffer', Buffer.from(e.data).toString('hex')];
          entry.isArrayBuffer = typeof e.data !== 'string' && e.data instanceof ArrayBuffer;
        }
        if (type === 'close') Object.assign(entry, { code: e.code, reason: e.reason, wasClean: e.wasClean });
        log.push(entry);
        if (type === 'close') resolve(log);
      });
    }
  });
  return { log, done };
}

test('shape: constants, getters, own EventTarget methods, not an EventEmitter', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    const original = new OriginalW3C(server.url);
    const opened = [ws, original].map((s) => new Promise((r) => s.addEventListener('open', r)));
    for (const C of [W3CWebSocket, ws]) {
      assert.deepStrictEqual([C.CONNECTING, C.OPEN, C.CLOSING, C.CLOSED], [0, 1, 2, 3]);
    }
    assert.deepStrictEqual(Object.keys(ws).sort(), Object.keys(original).sort());
    for (const m of ['addEventListener', 'removeEventListener', 'dispatchEvent']) {
      assert.ok(Object.prototype.hasOwnProperty.call(ws, m), m);
    }
    assert.ok(!(ws instanceof EventEmitter));
    assert.strictEqual(ws.on, undefined);
    assert.strictEqual(ws.url, server.url);
    assert.strictEqual(ws.readyState, 0);
    assert.strictEqual(ws.protocol, undefined);
    assert.strictEqual(ws.extensions, '');
    assert.strictEqual(ws.bufferedAmount, 0);
    assert.strictEqual(ws.binaryType, 'arraybuffer');
    assert.strictEqual(ws.onopen, undefined);
    assert.throws(() => ws.send('x'), { message: 'cannot call send() while not connected' });
    assert.throws(
      () => (ws.binaryType = 'blob'),
      (e) => e instanceof SyntaxError
    );
    ws.binaryType = 'nodebuffer';
    assert.strictEqual(ws.binaryType, 'nodebuffer');
    await Promise.all(opened);
    for (const s of [ws, original]) {
      s.close();
      await new Promise((r) => s.addEventListener('close', r));
    }
  } finally {
    await server.close();
  }
});

test('dispatchEvent: on<type> first, duplicates ignored, removal, stopImmediatePropagation', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    const calls = [];
    const a = () => calls.push('a');
    const b = (e) => {
      calls.push('b');
      e.stopImmediatePropagation();
    };
    const c = () => calls.push('c');
    ws.onping = (e) => calls.push(['on', e.target === ws, e.cancelable, e.isTrusted, e._yaeti]);
    ws.addEventListener('ping', a);
    ws.addEventListener('ping', a);
    ws.addEventListener('ping', c);
    ws.addEventListener(null, a);
    assert.strictEqual(ws.dispatchEvent({ type: 'ping', _yaeti: true, isTrusted: false }), true);
    assert.deepStrictEqual(calls, [['on', true, true, false, true], 'a', 'c']);

    calls.length = 0;
    ws.removeEventListener('ping', a);
    ws.addEventListener('ping', b);
    ws.addEventListener('ping', a);
    ws.dispatchEvent({ type: 'ping' });
    assert.deepStrictEqual(calls, [['on', false, undefined, undefined, undefined], 'c', 'b']);
    assert.strictEqual(ws.dispatchEvent({ type: 'none', defaultPrevented: true }), false);
    assert.throws(() => ws.dispatchEvent({}), { message: '`event` must have a valid `type` property' });

    await new Promise((r) => (ws.onopen = r));
    ws.close();
    await new Promise((r) => (ws.onclose = r));
  } finally {
    await server.close();
  }
});

test('a session: open, text (empty too), binary kinds, close; order and readyState', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    const { log, done } = record(ws);
    let onopenSawState = -1;
    ws.onopen = () => {
      onopenSawState = ws.readyState;
      ws.send('hello');
      ws.send('');
      ws.send(Buffer.from([1, 2]));
      ws.send(new Uint8Array([3, 4, 5]).subarray(1));
      ws.send(new Uint16Array([0x0706]).buffer);
      ws.send(new DataView(new Uint8Array([8, 9]).buffer, 1));
      ws.send(new String('boxed'));
    };
    let seen = 0;
    ws.onmessage = () => {
      if (++seen === 7) {
        ws.close();
        assert.strictEqual(ws.readyState, ws.CLOSING);
      }
    };
    await done;
    assert.strictEqual(onopenSawState, 1);
    const hex = (s) => ['ArrayBuffer', s];
    assert.deepStrictEqual(
      log.map((e) => e.type),
      ['open', ...Array(7).fill('message'), 'close']
    );
    // the empty text message is delivered (websocket drops it)
    assert.deepStrictEqual(
      log.filter((e) => e.type === 'message').map((e) => e.data),
      ['hello', '', hex('0102'), hex('0405'), hex('0607'), hex('09'), 'boxed']
    );
    assert.ok(log.filter((e) => e.type === 'message' && typeof e.data !== 'string').every((e) => e.isArrayBuffer));
    assert.deepStrictEqual(log[log.length - 1], {
      type: 'close',
      readyState: 3,
      code: 1000,
      reason: 'Normal connection closure',
      wasClean: true
    });
    assert.strictEqual(log[0].readyState, 1);
    assert.deepStrictEqual(server.received[1], ['text', '']);
    assert.deepStrictEqual(await server.closed(1), [[1000, 'Normal connection closure']]);
  } finally {
    await server.close();
  }
});

test('the same session through websocket’s W3CWebSocket gives the same events (but no empty message)', T, async () => {
  const server = await echoServer();
  try {
    const logs = [];
    for (const C of [W3CWebSocket, OriginalW3C]) {
      const ws = new C(server.url);
      const { done } = record(ws);
      ws.onopen = () => {
        ws.send('a');
        ws.send('');
        ws.send(new Uint8Array([1, 2, 3]));
        ws.send('b');
      };
      ws.onmessage = (e) => {
        if (e.data === 'b') ws.close(4001, 'bye');
      };
      logs.push(await done);
    }
    const withoutEmpty = logs[0].filter((e) => e.data !== '');
    assert.deepStrictEqual(withoutEmpty, logs[1]);
    assert.strictEqual(logs[0].length, logs[1].length + 1);
    assert.deepStrictEqual(logs[0][logs[0].length - 1], {
      type: 'close',
      readyState: 3,
      code: 4001,
      reason: 'bye',
      wasClean: false
    });
    assert.deepStrictEqual(await server.closed(2), [
      [4001, 'bye'],
      [4001, 'bye']
    ]);
  } finally {
    await server.close();
  }
});

test('binaryType nodebuffer delivers Buffers; bufferedAmount counts queued bytes', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    ws.binaryType = 'nodebuffer';
    await new Promise((r) => (ws.onopen = r));
    ws.send(Buffer.alloc(256 * 1024, 7));
    const queued = ws.bufferedAmount;
    assert.strictEqual(typeof queued, 'number');
    if (typeof ws._connection.bytesWaitingToFlush === 'number') {
      assert.ok(queued > 0, 'a 256 KiB send is not written synchronously');
    }
    const data = await new Promise((r) => (ws.onmessage = (e) => r(e.data)));
    assert.ok(Buffer.isBuffer(data));
    assert.strictEqual(data.length, 256 * 1024);
    assert.strictEqual(ws.bufferedAmount, 0);
    ws.close();
    await new Promise((r) => (ws.onclose = r));
  } finally {
    await server.close();
  }
});

test('close() checks code and reason like the W3C interface', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    await new Promise((r) => (ws.onopen = r));
    for (const code of [0, 999, 1001, 1005, 2999, 5000, 3000.5]) {
      assert.throws(
        () => ws.close(code),
        (e) => e.name === 'InvalidAccessError' && e instanceof Error,
        String(code)
      );
    }
    assert.throws(
      () => ws.close(1000, 'é'.repeat(62)),
      (e) => e.name === 'SyntaxError'
    );
    assert.strictEqual(ws.readyState, 1);
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close(undefined, 'x'.repeat(123));
    ws.close(4999); // already CLOSING: a no-op
    const event = await closed;
    assert.strictEqual(event.code, 1000);
    assert.deepStrictEqual(await server.closed(1), [[1000, 'x'.repeat(123)]]);
  } finally {
    await server.close();
  }
});

test('a failed connect: error then close 1006, like websocket', T, async () => {
  const port = await closedPort();
  const logs = [];
  for (const C of [W3CWebSocket, OriginalW3C]) {
    const ws = new C('ws://127.0.0.1:' + port + '/');
    const { log, done } = record(ws);
    await done;
    logs.push(log);
  }
  assert.deepStrictEqual(logs[0], logs[1]);
  assert.deepStrictEqual(logs[0], [
    { type: 'error', readyState: 3 },
    { type: 'close', readyState: 3, code: 1006, reason: 'connection failed', wasClean: false }
  ]);
});

test('the error event of a failed connect carries the cause', T, async () => {
  const port = await closedPort();
  const ws = new W3CWebSocket('ws://127.0.0.1:' + port + '/');
  const event = await new Promise((r) => (ws.onerror = r));
  assert.strictEqual(event.type, 'error');
  assert.strictEqual(event.error.code, 'ECONNREFUSED');
});

test('close() while connecting fails at once and never opens', T, async () => {
  const server = await echoServer();
  try {
    const ws = new W3CWebSocket(server.url);
    const { log, done } = record(ws);
    ws.close();
    assert.strictEqual(ws.readyState, 3);
    await done;
    assert.deepStrictEqual(log, [
      { type: 'error', readyState: 3 },
      { type: 'close', readyState: 3, code: 1006, reason: 'connection failed', wasClean: false }
    ]);
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(log.length, 2);
  } finally {
    await server.close();
  }
});

test('URL errors throw from the constructor; clientConfig.assembleFragments is forced', T, () => {
  assert.throws(() => new W3CWebSocket('/relative'), {
    message: 'You must specify a full WebSocket URL, including protocol.'
  });
  const config = { assembleFragments: false };
  assert.throws(() => new W3CWebSocket('nope', null, null, null, null, config));
  assert.strictEqual(config.assembleFragments, true);
});
