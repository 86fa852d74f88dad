// ES module imports of the installed package, default and named, under both names.
import assert from 'node:assert';
import { createRequire } from 'node:module';
import websocket, { server, client, router, frame, request, connection, w3cwebsocket, version } from 'websocket';
import websocketRs, { server as rsServer } from 'websocket-rs';

const require = createRequire(import.meta.url);
assert.strictEqual(websocket, require('websocket'));
assert.strictEqual(server, websocket.server);
assert.strictEqual(w3cwebsocket, require('websocket').w3cwebsocket);
for (const [name, value] of Object.entries({ client, router, frame, request, connection })) {
  assert.strictEqual(typeof value, 'function', name);
}
assert.strictEqual(version, require('websocket/package.json').version);
assert.strictEqual(typeof rsServer, 'function');
assert.deepStrictEqual(Object.keys(websocketRs), Object.keys(websocket));
console.log('esm: ok');
