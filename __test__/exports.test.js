'use strict';
const test = require('node:test');
const assert = require('node:assert');
const websocket = require('..');
const original = require('websocket');

test('exports the same nine names as websocket, in the same order', () => {
  assert.deepStrictEqual(Object.keys(websocket), Object.keys(original));
  assert.deepStrictEqual(Object.keys(websocket), [
    'server',
    'client',
    'router',
    'frame',
    'request',
    'connection',
    'w3cwebsocket',
    'deprecation',
    'version'
  ]);
});

test('version is this package version', () => {
  assert.strictEqual(websocket.version, require('../package.json').version);
});

test('deprecation has the same shape and warns once', (t) => {
  const d = websocket.deprecation;
  assert.strictEqual(d.disableWarnings, false);
  assert.deepStrictEqual(d.deprecationWarningMap, {});
  const warnings = [];
  t.mock.method(console, 'warn', (m) => warnings.push(m));
  d.deprecationWarningMap.testThing = 'testThing is deprecated';
  d.warn('testThing');
  d.warn('testThing');
  d.warn('unknown');
  assert.deepStrictEqual(warnings, ['DEPRECATION WARNING: testThing is deprecated']);
  delete d.deprecationWarningMap.testThing;
});

test('the native addon loads', () => {
  const native = require('../lib/native');
  assert.strictEqual(native.nativeVersion(), '0.1.0');
});
