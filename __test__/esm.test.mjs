/**
 * The ES module entry (index.mjs) and the exports map: named and default imports, through the package name and
 * by path, are the very objects `require()` returns, and deep requires of lib/ files keep working.
 */
import test from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
import websocketDefault, * as websocketNs from 'websocket-rs';
import { server, client, router, frame, request, connection, w3cwebsocket, deprecation, version } from 'websocket-rs';
import * as byPath from '../index.mjs';

const require = createRequire(import.meta.url);
const NAMES = [
  'server',
  'client',
  'router',
  'frame',
  'request',
  'connection',
  'w3cwebsocket',
  'deprecation',
  'version'
];

test('named imports are the CommonJS exports', { timeout: 10000 }, () => {
  const cjs = require('websocket-rs');
  assert.strictEqual(cjs, require('..'));
  const named = { server, client, router, frame, request, connection, w3cwebsocket, deprecation, version };
  for (const name of NAMES) {
    assert.strictEqual(named[name], cjs[name], name);
  }
  assert.strictEqual(typeof server, 'function');
  assert.strictEqual(version, require('../package.json').version);
});

test('the default import is the CommonJS module object', { timeout: 10000 }, () => {
  assert.strictEqual(websocketDefault, require('websocket-rs'));
  assert.deepStrictEqual(Object.keys(websocketDefault), NAMES);
});

test('the namespace has exactly the nine names and default', { timeout: 10000 }, () => {
  assert.deepStrictEqual(Object.keys(websocketNs).sort(), [...NAMES, 'default'].sort());
  assert.strictEqual(websocketNs.default, websocketDefault);
});

test('importing index.mjs by path gives the same objects', { timeout: 10000 }, () => {
  for (const name of NAMES) {
    assert.strictEqual(byPath[name], websocketNs[name], name);
  }
  assert.strictEqual(byPath.default, websocketDefault);
});

test('deep requires of lib/ files resolve through the exports map', { timeout: 10000 }, async () => {
  const files = {
    WebSocketServer: 'server',
    WebSocketClient: 'client',
    WebSocketRouter: 'router',
    WebSocketFrame: 'frame',
    WebSocketRequest: 'request',
    WebSocketConnection: 'connection',
    W3CWebSocket: 'w3cwebsocket',
    Deprecation: 'deprecation',
    version: 'version'
  };
  for (const [file, name] of Object.entries(files)) {
    assert.strictEqual(require('websocket-rs/lib/' + file), websocketNs[name], file);
    assert.strictEqual(require('websocket-rs/lib/' + file + '.js'), websocketNs[name], file + '.js');
    const imported = await import('websocket-rs/lib/' + file + '.js');
    assert.strictEqual(imported.default, websocketNs[name], 'import ' + file + '.js');
  }
  assert.strictEqual(require('websocket-rs/lib/websocket'), websocketDefault);
  assert.strictEqual(require('websocket-rs/package.json').name, 'websocket-rs');
});

test('files outside the exports map are not reachable by package name', { timeout: 10000 }, () => {
  assert.throws(() => require('websocket-rs/binding.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.throws(() => require('websocket-rs/scripts/build.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
});
