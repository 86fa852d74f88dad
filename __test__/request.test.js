'use strict';
/**
 * WebSocketRequest without a network: fake sockets and requests, each
 * scenario run against websocket's WebSocketRequest and ours, comparing
 * properties, thrown errors, events and the bytes written.
 */
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter } = require('events');
const WebSocketRequest = require('../lib/WebSocketRequest');
const OriginalRequest = require('websocket').request;

const T = { timeout: 10000 };
const IMPLS = [
  ['websocket-rs', WebSocketRequest],
  ['websocket', OriginalRequest]
];
const CONFIG = {
  maxReceivedFrameSize: 0x10000,
  maxReceivedMessageSize: 0x100000,
  fragmentOutgoingMessages: true,
  fragmentationThreshold: 0x4000,
  keepalive: false,
  assembleFragments: true,
  ignoreXForwardedFor: false,
  parseCookies: true,
  parseExtensions: true,
  disableNagleAlgorithm: true,
  closeTimeout: 5000
};

/** A socket that records what is written and never touches the network. */
class FakeSocket extends EventEmitter {
  constructor() {
    super();
    this.remoteAddress = '127.0.0.1';
    this.written = [];
    this.ended = false;
    this.destroyed = false;
  }
  write(data, encoding, cb) {
    this.written.push(Buffer.from(data, typeof encoding === 'string' ? encoding : undefined));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  }
  end(data, encoding) {
    if (data) this.written.push(Buffer.from(data, typeof encoding === 'string' ? encoding : undefined));
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
  }
  setNoDelay() {}
  setTimeout() {}
  setKeepAlive() {}
  pause() {}
  resume() {}
  output() {
    return Buffer.concat(this.written).toString('latin1');
  }
}

const BASE_HEADERS = {
  host: 'example.com',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13'
};

function makeRequest(Impl, headers, config, url) {
  const socket = new FakeSocket();
  const httpRequest = { url: url || '/chat?x=1&y=2', headers: Object.assign({}, headers) };
  const request = new Impl(socket, httpRequest, Object.assign({}, CONFIG, config));
  return { socket, request };
}

/** The properties readHandshake() sets, in a comparable form. */
function snapshot(request) {
  return JSON.parse(
    JSON.stringify({
      resource: request.resource,
      pathname: request.resourceURL.pathname,
      query: Object.assign({}, request.resourceURL.query),
      host: request.host,
      key: request.key,
      webSocketVersion: request.webSocketVersion,
      websocketVersion: request.websocketVersion === undefined ? 'undefined' : request.websocketVersion,
      origin: request.origin === undefined ? 'undefined' : request.origin,
      requestedProtocols: request.requestedProtocols,
      protocolFullCaseMap: request.protocolFullCaseMap,
      requestedExtensions: request.requestedExtensions,
      cookies: request.cookies,
      remoteAddress: request.remoteAddress,
      remoteAddresses: request.remoteAddresses
    })
  );
}

function both(fn) {
  return IMPLS.map(([name, Impl]) => fn(Impl, name));
}

function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    return { message: e.message, httpCode: e.httpCode, headers: e.headers, name: e.name };
  }
  return null;
}

test('readHandshake reads every property like websocket', T, () => {
  const headers = Object.assign({}, BASE_HEADERS, {
    origin: 'http://example.com',
    'sec-websocket-protocol': 'Chat, superCHAT,  third',
    'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, Foo;A=B=C; d',
    cookie: 'a=1; b="two", c = %41%42 ;flag',
    'x-forwarded-for': '1.2.3.4, 5.6.7.8'
  });
  const [ours, theirs] = both((Impl) => {
    const { request } = makeRequest(Impl, headers);
    request.readHandshake();
    return snapshot(request);
  });
  assert.deepStrictEqual(ours, theirs);
  assert.deepStrictEqual(ours.requestedProtocols, ['chat', 'superchat', 'third']);
  assert.deepStrictEqual(ours.remoteAddresses, ['1.2.3.4', '5.6.7.8', '127.0.0.1']);
  assert.strictEqual(ours.remoteAddress, '1.2.3.4');
});

test('extension params without "=" keep a value key set to undefined', T, () => {
  const [ours, theirs] = both((Impl) => {
    const { request } = makeRequest(Impl, Object.assign({}, BASE_HEADERS, { 'sec-websocket-extensions': 'x; y' }));
    request.readHandshake();
    return request.requestedExtensions;
  });
  assert.deepStrictEqual(ours, theirs);
  assert.ok('value' in ours[0].params[0]);
});

test('options turn off cookie, extension and X-Forwarded-For parsing', T, () => {
  const headers = Object.assign({}, BASE_HEADERS, {
    cookie: 'a=1',
    'sec-websocket-extensions': 'x',
    'x-forwarded-for': '9.9.9.9'
  });
  const config = { parseCookies: false, parseExtensions: false, ignoreXForwardedFor: true };
  const [ours, theirs] = both((Impl) => {
    const { request } = makeRequest(Impl, headers, config);
    request.readHandshake();
    return snapshot(request);
  });
  assert.deepStrictEqual(ours, theirs);
  assert.deepStrictEqual(ours.cookies, []);
  assert.deepStrictEqual(ours.requestedExtensions, []);
  assert.deepStrictEqual(ours.remoteAddresses, ['127.0.0.1']);
});

test('version 8 reads Sec-WebSocket-Origin', T, () => {
  const headers = Object.assign({}, BASE_HEADERS, {
    'sec-websocket-version': '8',
    origin: 'http://ignored',
    'sec-websocket-origin': 'http://v8'
  });
  const [ours, theirs] = both((Impl) => {
    const { request } = makeRequest(Impl, headers);
    request.readHandshake();
    return snapshot(request);
  });
  assert.deepStrictEqual(ours, theirs);
  assert.strictEqual(ours.origin, 'http://v8');
});

test('readHandshake throws websocket errors with httpCode and headers', T, () => {
  const cases = [
    { host: undefined },
    { host: '' },
    { 'sec-websocket-key': undefined },
    { 'sec-websocket-version': undefined },
    { 'sec-websocket-version': '0' },
    { 'sec-websocket-version': 'abc' },
    { 'sec-websocket-version': '7' },
    { 'sec-websocket-version': '14' },
    { 'sec-websocket-version': '13.5' },
    { cookie: 'a=%E0%A4%A' }
  ];
  for (const change of cases) {
    const headers = Object.assign({}, BASE_HEADERS, change);
    for (const name of Object.keys(change)) if (change[name] === undefined) delete headers[name];
    const [ours, theirs] = both((Impl) => {
      const { request } = makeRequest(Impl, headers);
      return errorOf(() => request.readHandshake());
    });
    if (change['sec-websocket-version'] === '13.5') {
      assert.strictEqual(ours, null, 'parseInt("13.5") is 13');
      assert.strictEqual(theirs, null);
      continue;
    }
    assert.ok(ours, JSON.stringify(change));
    assert.strictEqual(ours.message, theirs.message, JSON.stringify(change));
    assert.strictEqual(ours.httpCode, theirs.httpCode, JSON.stringify(change));
    assert.deepStrictEqual(ours.headers, theirs.headers, JSON.stringify(change));
  }
});

test('parseCookies and parseExtensions helpers match websocket', T, () => {
  const inputs = ['', 'a=1', 'a=1; b="x y"', 'n', 'x=%20, y = "q" ;z=', ' a = b ;; c=d', 'q="', 'k="v'];
  for (const input of inputs) {
    const [ours, theirs] = both((Impl) => {
      const { request } = makeRequest(Impl, BASE_HEADERS);
      return JSON.stringify(request.parseCookies(input));
    });
    assert.strictEqual(ours, theirs, input);
  }
  for (const input of ['', 'a', 'A; B=1, c;d=e=f', 'x;  y ,  z']) {
    const [ours, theirs] = both((Impl) => {
      const { request } = makeRequest(Impl, BASE_HEADERS);
      return request.parseExtensions(input);
    });
    assert.deepStrictEqual(ours, theirs, input);
  }
  const { request } = makeRequest(WebSocketRequest, BASE_HEADERS);
  assert.throws(() => request.parseCookies('a=%'), { name: 'URIError', message: 'URI malformed' });
});

test('reject writes websocket bytes and emits requestResolved then requestRejected', T, () => {
  const runs = [[], [401, 'bad\r\ntoken', { 'X-Extra': 'v', 'X-Two': 2 }], ['x'], [503, ''], [429, 'slow']];
  for (const args of runs) {
    const [ours, theirs] = both((Impl) => {
      const { request, socket } = makeRequest(Impl, BASE_HEADERS);
      request.readHandshake();
      const events = [];
      request.on('requestResolved', (r) => events.push(['requestResolved', r === request]));
      request.on('requestRejected', (r) => events.push(['requestRejected', r === request]));
      request.reject(...args);
      return { output: socket.output(), ended: socket.ended, events };
    });
    assert.deepStrictEqual(ours, theirs, JSON.stringify(args));
  }
});

test('reject never lets a reason or extra header split a line', T, () => {
  const { request, socket } = makeRequest(WebSocketRequest, BASE_HEADERS);
  request.readHandshake();
  request.reject(400, 'a\r\nInjected: 1\u010d\u010aAlso: 2', {
    'X-A': 'v\r\n\r\nHTTP/1.1 200 OK',
    'Bad Name': 'dropped',
    'X-\r\nB': 'joined'
  });
  const out = socket.output();
  const lines = out.split('\r\n');
  assert.deepStrictEqual(lines, [
    'HTTP/1.1 400 Bad Request',
    'Connection: close',
    'X-WebSocket-Reject-Reason: aInjected: 1??Also: 2',
    'X-A: vHTTP/1.1 200 OK',
    'X-B: joined',
    '',
    ''
  ]);
  assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(out));
});

test('a request may be resolved only once', T, () => {
  for (const [, Impl] of IMPLS) {
    const { request } = makeRequest(Impl, BASE_HEADERS);
    request.readHandshake();
    request.reject();
    assert.throws(() => request.reject(), { message: 'WebSocketRequest may only be accepted or rejected one time.' });
    assert.throws(() => request.accept(), { message: 'WebSocketRequest may only be accepted or rejected one time.' });
  }
});

test('accept writes the 101 in websocket order and emits events in order', T, async () => {
  const headers = Object.assign({}, BASE_HEADERS, {
    origin: 'http://o',
    'sec-websocket-protocol': 'Chat, other'
  });
  const cookies = [
    { name: 'sid', value: 'abc', path: '/', maxage: 10, httponly: true },
    { name: 'b', value: '"q"', domain: 'Example.COM', secure: true, expires: new Date(0) },
    { name: 'c', value: 'v', maxage: '7.9' }
  ];
  const results = await Promise.all(
    both(async (Impl) => {
      const { request, socket } = makeRequest(Impl, headers);
      request.readHandshake();
      const events = [];
      request.on('requestResolved', () => events.push('requestResolved'));
      request.on('requestAccepted', (c) => events.push('requestAccepted:' + (c instanceof EventEmitter)));
      const connection = request.accept('chat', 'http://o\r\nX: y', cookies);
      await new Promise((resolve) => setImmediate(resolve));
      const state = {
        output: socket.output(),
        events,
        protocol: connection.protocol,
        webSocketVersion: connection.webSocketVersion,
        remoteAddresses: connection.remoteAddresses,
        requestedProtocols: request.requestedProtocols,
        protocolFullCaseMap: request.protocolFullCaseMap
      };
      connection.drop(1000, 'test', true);
      return state;
    })
  );
  assert.deepStrictEqual(results[0], results[1]);
  assert.match(results[0].output, /^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: websocket\r\n/);
  assert.ok(results[0].output.includes('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n'));
  assert.ok(results[0].output.includes('Set-Cookie: sid=abc;Path=/;Max-Age=10;HttpOnly\r\n'));
  // The event order is part of the contract: requestAccepted after the connection exists.
  assert.deepStrictEqual(results[0].events, ['requestResolved', 'requestAccepted:true']);
});

test('accept argument errors reject with 500 and throw websocket texts', T, () => {
  const headers = Object.assign({}, BASE_HEADERS, { 'sec-websocket-protocol': 'Chat' });
  const bad = [
    ['Chat'],
    ['nope'],
    ['a b'],
    ['chat', null, 'notarray'],
    [null, null, [{ name: 'a' }]],
    [null, null, [{ value: 'x' }]],
    [
      null,
      null,
      [
        { name: 'a', value: '1' },
        { name: 'a', value: '2' }
      ]
    ],
    [null, null, [{ name: 'a=b', value: '1' }]],
    [null, null, [{ name: 'a', value: 'x\\y' }]],
    [null, null, [{ name: 'a', value: '"x"y"' }]],
    [null, null, [{ name: 'a', value: '1', path: '/a;b' }]],
    [null, null, [{ name: 'a', value: '1', domain: 5 }]],
    [null, null, [{ name: 'a', value: '1', domain: 'a\tb' }]],
    [null, null, [{ name: 'a', value: '1', expires: 'tomorrow' }]],
    [null, null, [{ name: 'a', value: '1', maxage: -1 }]],
    [null, null, [{ name: 'a', value: '1', maxage: 'x' }]],
    [null, null, [{ name: 'a', value: '1', secure: 'yes' }]],
    [null, null, [{ name: 'a', value: '1', httponly: 1 }]]
  ];
  for (const args of bad) {
    const [ours, theirs] = both((Impl) => {
      const { request, socket } = makeRequest(Impl, headers);
      request.readHandshake();
      const error = errorOf(() => request.accept(...args));
      return { message: error && error.message, output: socket.output() };
    });
    assert.ok(ours.message, JSON.stringify(args));
    if (args[0] === 'a b') {
      // websocket's text passes the character through String.fromCharCode and
      // prints NUL; ours names the character.
      assert.strictEqual(ours.message, 'Illegal character " " in subprotocol.');
      assert.strictEqual(theirs.message, 'Illegal character "\x00" in subprotocol.');
      assert.strictEqual(ours.output, theirs.output);
      continue;
    }
    assert.deepStrictEqual(ours, theirs, JSON.stringify(args));
    assert.match(ours.output, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
  }
});

test('illegal subprotocol characters name the character (websocket prints NUL)', T, () => {
  const headers = Object.assign({}, BASE_HEADERS, { 'sec-websocket-protocol': 'a(b' });
  const { request } = makeRequest(WebSocketRequest, headers);
  request.readHandshake();
  assert.throws(() => request.accept('a(b'), { message: 'Illegal character "(" in subprotocol.' });
});

test('cookie names and values cannot smuggle line breaks through wide characters', T, async () => {
  const { request, socket } = makeRequest(WebSocketRequest, BASE_HEADERS);
  request.readHandshake();
  const connection = request.accept(null, 'http://o\u010d\u010aEvil: 1', [{ name: 'n\u010d\u010aX', value: 'v' }]);
  await new Promise((resolve) => setImmediate(resolve));
  const out = socket.output();
  assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(out));
  assert.ok(out.includes('Origin: http://o??Evil: 1\r\n'));
  assert.ok(out.includes('Set-Cookie: n??X=v\r\n'));
  connection.drop(1000, 'test', true);
});

test('accept after the socket closed returns a connection that closes with 1006', T, async () => {
  for (const [, Impl] of IMPLS) {
    const { request, socket } = makeRequest(Impl, BASE_HEADERS);
    request.readHandshake();
    socket.emit('end');
    const connection = request.accept();
    const closed = await new Promise((resolve) => connection.on('close', (code, desc) => resolve([code, desc])));
    assert.deepStrictEqual(closed, [1006, 'TCP connection lost before handshake completed.']);
    assert.strictEqual(socket.output(), '');
  }
});

test('a socket error before accept does not crash the process', T, () => {
  const { request, socket } = makeRequest(WebSocketRequest, BASE_HEADERS);
  request.readHandshake();
  socket.emit('error', new Error('ECONNRESET'));
  assert.strictEqual(request._socketIsClosing, true);
});
