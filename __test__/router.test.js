'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter } = require('events');
const url = require('url');
const WebSocketRouter = require('../lib/WebSocketRouter');
const WebSocketRouterRequest = require('../lib/WebSocketRouterRequest');
const Original = require('websocket').router;

const T = { timeout: 10000 };

/** A stand-in for a WebSocketRequest: records accept/reject calls. */
function fakeRequest(resource, protocols) {
  const calls = [];
  return {
    calls,
    resource,
    resourceURL: url.parse(resource, true),
    requestedProtocols: protocols || [],
    origin: 'http://example.test',
    httpRequest: { fake: true },
    remoteAddress: '127.0.0.1',
    webSocketVersion: 13,
    requestedExtensions: [],
    cookies: [{ name: 'a', value: 'b' }],
    accept(protocol, origin, cookies) {
      calls.push(['accept', protocol, origin, cookies]);
      return { fakeConnection: true };
    },
    reject(status, reason, extraHeaders) {
      calls.push(['reject', status, reason, extraHeaders]);
    }
  };
}

/** Mounts the same table on a router and returns which handler got each request. */
function route(Router, mounts, resource, protocols) {
  const router = new Router();
  let hit = null;
  for (const [path, protocol, name] of mounts) {
    router.mount(path, protocol, (req) => {
      hit = { name, protocol: req.protocol };
    });
  }
  const request = fakeRequest(resource, protocols);
  router.handleRequest(request);
  return { hit, calls: request.calls };
}

const TABLE = [
  ['/chat', 'chat', 'chat'],
  ['/chat', null, 'chat-plain'],
  ['/a.b', '*', 'dots-any'],
  [/^\/re\/\d+$/, 'Echo', 'regexp-echo'],
  ['*', 'fallback', 'star']
];

const CASES = [
  ['/chat', ['chat'], 'chat'],
  ['/chat', ['CHAT'], 'chat'],
  ['/chat', [], 'chat-plain'],
  ['/chat', ['other', 'chat'], 'chat'],
  ['/chat', ['fallback', 'chat'], 'star'],
  ['/chat?x=1', ['chat'], 'chat'],
  ['/chat/', ['chat'], null],
  ['/a.b', ['anything'], 'dots-any'],
  ['/a.b', [], 'dots-any'],
  ['/aXb', ['anything'], null],
  ['/re/42', ['echo'], 'regexp-echo'],
  ['/re/x', ['echo'], null],
  ['/nowhere', ['fallback'], 'star'],
  ['/nowhere', [], null]
];

test('router matching table agrees with websocket', T, () => {
  for (const [resource, protocols, expected] of CASES) {
    const ours = route(WebSocketRouter, TABLE, resource, protocols);
    const theirs = route(Original, TABLE, resource, protocols);
    assert.deepStrictEqual(ours, theirs, resource + ' ' + JSON.stringify(protocols));
    assert.strictEqual(ours.hit && ours.hit.name, expected, resource + ' ' + JSON.stringify(protocols));
    if (expected === null) {
      assert.deepStrictEqual(ours.calls, [
        ['reject', 404, 'No handler is available for the given request.', undefined]
      ]);
    }
  }
});

test('the routed protocol is lower-cased, and null without one', T, () => {
  assert.deepStrictEqual(route(WebSocketRouter, TABLE, '/chat', ['ChAt']).hit, { name: 'chat', protocol: 'chat' });
  assert.deepStrictEqual(route(WebSocketRouter, TABLE, '/chat', []).hit, { name: 'chat-plain', protocol: null });
  assert.deepStrictEqual(route(WebSocketRouter, TABLE, '/a.b', ['X']).hit, { name: 'dots-any', protocol: 'x' });
});

test('mount errors have websocket texts', T, () => {
  for (const Router of [WebSocketRouter, Original]) {
    const r = new Router();
    const cb = () => {};
    assert.throws(() => r.mount('', 'p', cb), { message: 'You must specify a path for this handler.' });
    assert.throws(() => r.mount('/x', cb), { message: 'You must specify a callback for this handler.' });
    assert.throws(() => r.mount(42, 'p', cb), { message: 'Path must be specified as either a string or a RegExp.' });
    r.mount('/x', 'P', cb);
    assert.throws(() => r.mount('/x', 'p', cb), {
      message: 'You may only mount one handler per path/protocol combination.'
    });
    assert.strictEqual(r.handlers.length, 1);
    assert.strictEqual(r.handlers[0].protocol, 'p');
    assert.strictEqual(r.handlers[0].pathString, '/^\\/x$/');
  }
});

test('pathToRegExp escapes regex characters and maps * to anything', T, () => {
  const ours = new WebSocketRouter();
  const theirs = new Original();
  for (const p of ['*', '/a.b', '/x+y?(z)[1]{2}|^$#', '/with space', '/a-b,c\\d']) {
    assert.strictEqual(ours.pathToRegExp(p).toString(), theirs.pathToRegExp(p).toString(), p);
    if (p !== '*') assert.ok(ours.pathToRegExp(p).test(p), p);
  }
  const re = /abc/i;
  assert.strictEqual(ours.pathToRegExp(re), re);
});

test('unmount removes a route; without a protocol it removes the no-protocol route', T, () => {
  const r = new WebSocketRouter();
  const cb = () => {};
  r.mount('/x', 'p', cb);
  r.mount('/x', null, cb);
  assert.throws(() => r.unmount('/y', 'p'), {
    message: 'Unable to find a route matching the specified path and protocol.'
  });
  r.unmount('/x');
  assert.deepStrictEqual(
    r.handlers.map((h) => h.protocol),
    ['p']
  );
  r.unmount('/x', 'P');
  assert.strictEqual(r.handlers.length, 0);
  r.mount('/x', null, cb);
  r.unmount('/x', '____no_protocol____');
  assert.strictEqual(r.handlers.length, 0);
});

test('attachServer/detachServer listen to request events and have websocket texts', T, () => {
  const server = new EventEmitter();
  const r = new WebSocketRouter({ server });
  assert.strictEqual(r.server, server);
  assert.strictEqual(r.config.server, server);
  assert.strictEqual(server.listenerCount('request'), 1);
  let routed = 0;
  r.mount('*', '*', () => routed++);
  server.emit('request', fakeRequest('/any', ['p']));
  assert.strictEqual(routed, 1);
  r.detachServer();
  assert.strictEqual(r.server, null);
  assert.strictEqual(server.listenerCount('request'), 0);
  assert.throws(() => r.detachServer(), { message: 'Cannot detach from server: not attached.' });
  assert.throws(() => r.attachServer(null), { message: 'You must specify a WebSocketServer instance to attach to.' });
  assert.ok(r instanceof EventEmitter);
});

test('WebSocketRouterRequest copies the request fields and delegates accept/reject', T, () => {
  const request = fakeRequest('/chat?q=1', ['chat']);
  const rr = new WebSocketRouterRequest(request, 'chat');
  assert.ok(rr instanceof EventEmitter);
  assert.strictEqual(rr.webSocketRequest, request);
  assert.strictEqual(rr.protocol, 'chat');
  for (const k of ['origin', 'resource', 'resourceURL', 'httpRequest', 'remoteAddress', 'webSocketVersion']) {
    assert.strictEqual(rr[k], request[k], k);
  }
  assert.strictEqual(rr.requestedExtensions, request.requestedExtensions);
  assert.strictEqual(rr.cookies, request.cookies);
  assert.strictEqual(rr.host, undefined);
  assert.strictEqual(rr.requestedProtocols, undefined);

  const events = [];
  rr.on('requestAccepted', (c) => events.push(['accepted', c]));
  rr.on('requestRejected', (x) => events.push(['rejected', x]));
  const conn = rr.accept('http://o', [{ name: 'c', value: 'v' }]);
  assert.deepStrictEqual(conn, { fakeConnection: true });
  rr.reject(500, 'nope', { 'X-A': 'b' });
  assert.deepStrictEqual(request.calls, [
    ['accept', 'chat', 'http://o', [{ name: 'c', value: 'v' }]],
    ['reject', 500, 'nope', { 'X-A': 'b' }]
  ]);
  assert.deepStrictEqual(events, [
    ['accepted', conn],
    ['rejected', rr]
  ]);
  assert.strictEqual(new WebSocketRouterRequest(request, '____no_protocol____').protocol, null);
});

/**
 * Mounts a router on a real server (ours or websocket's) and connects with
 * our client; returns what each connect produced.
 */
async function routeEndToEnd(ServerClass, RouterClass) {
  const http = require('http');
  const WebSocketClient = require('../lib/WebSocketClient');
  const httpServer = http.createServer();
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  const server = new ServerClass({ httpServer });
  const router = new RouterClass({ server });
  const routed = [];
  router.mount('/chat', 'chat', (req) => {
    routed.push(['chat', req.protocol, req.resource]);
    const conn = req.accept(req.origin);
    conn.on('message', (m) => conn.sendUTF('chat:' + m.utf8Data));
  });
  router.mount(/^\/plain/, null, (req) => {
    routed.push(['plain', req.protocol, req.resource]);
    req.reject(401, 'plain is closed');
  });
  const base = 'ws://127.0.0.1:' + httpServer.address().port;
  const connect = (path, protocols) =>
    new Promise((resolve) => {
      const c = new WebSocketClient();
      c.on('connectFailed', (e) =>
        resolve({ failed: e.message.split('\n')[0], reason: /reject-reason: (.*)/.exec(e.message)?.[1] })
      );
      c.on('connect', (conn) => {
        conn.on('message', (m) => {
          conn.close();
          resolve({ protocol: conn.protocol, reply: m.utf8Data });
        });
        conn.sendUTF('hi');
      });
      c.connect(base + path, protocols);
    });
  try {
    const results = [
      await connect('/chat', ['x', 'CHAT']),
      await connect('/plain/room?q=1'),
      await connect('/chat'),
      await connect('/other', ['chat'])
    ];
    return { results, routed };
  } finally {
    server.shutDown();
    await new Promise((r) => httpServer.close(r));
  }
}

test('end to end: a router on our server routes like websocket’s router on websocket’s server', T, async () => {
  const ours = await routeEndToEnd(require('../lib/WebSocketServer'), WebSocketRouter);
  const theirs = await routeEndToEnd(require('websocket').server, Original);
  assert.deepStrictEqual(ours, theirs);
  assert.deepStrictEqual(ours.results, [
    // the server answers in the client's spelling; the router request saw it lower-cased
    { protocol: 'CHAT', reply: 'chat:hi' },
    { failed: 'Server responded with a non-101 status: 401 Unauthorized', reason: 'plain is closed' },
    {
      failed: 'Server responded with a non-101 status: 404 Not Found',
      reason: 'No handler is available for the given request.'
    },
    {
      failed: 'Server responded with a non-101 status: 404 Not Found',
      reason: 'No handler is available for the given request.'
    }
  ]);
  assert.deepStrictEqual(ours.routed, [
    ['chat', 'chat', '/chat'],
    ['plain', null, '/plain/room?q=1']
  ]);
});
