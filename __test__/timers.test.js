'use strict';
/**
 * Keepalive, grace-period and close-timeout deadlines of many connections
 * run from one shared timer (issue 14): every connection still gets its own
 * ping, drop and close timeout, a connection that goes away while its
 * deadline is pending leaves the others unaffected, and the number of live
 * Timeout handles does not grow with the number of connections.
 */
const test = require('node:test');
const assert = require('node:assert');
const { frame, pair, once, serverConfig } = require('./helpers/wire');
const Ours = require('..').connection;
const { NativeSocket } = require('../lib/NativeTransport');

const T = { timeout: 20000 };
const COUNT = 12;

function OursNative(socket, extensions, protocol, mask, config) {
  const nativeSocket = new NativeSocket(socket);
  const connection = new Ours(nativeSocket, extensions, protocol, mask, config);
  nativeSocket._adopt(socket, connection, Buffer.alloc(0), null);
  return connection;
}

/** Live Timeout handles of this process. */
function timeouts() {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

for (const [name, Connection] of [
  ['JS-fed', Ours],
  ['native', OursNative]
]) {
  test(`${name}: ${COUNT} connections share one keepalive timer; each is pinged and dropped with 1006`, T, async () => {
    const before = timeouts();
    const config = serverConfig({ keepalive: true, keepaliveInterval: 40, keepaliveGracePeriod: 40 });
    const pairs = [];
    for (let i = 0; i < COUNT; i++) pairs.push(await pair(Connection, { config }));
    assert.ok(timeouts() <= before + 1, `at most one Timeout for ${COUNT} connections (${timeouts() - before})`);
    const closes = await Promise.all(pairs.map((p) => once(p.connection, 'close')));
    for (const [code, desc] of closes) {
      assert.strictEqual(code, 1006);
      assert.strictEqual(desc, 'Peer not responding.');
    }
    for (const p of pairs) {
      const frames = await p.waitFrames(1);
      assert.strictEqual(frames[0].opcode, 9, 'a keepalive ping was sent before the drop');
      p.close();
    }
  });

  test(`${name}: connections closing while their deadlines are pending leave the others on time`, T, async () => {
    const config = serverConfig({ keepalive: true, keepaliveInterval: 60, keepaliveGracePeriod: 60 });
    const pairs = [];
    for (let i = 0; i < COUNT; i++) pairs.push(await pair(Connection, { config }));
    const closed = pairs.map((p) => once(p.connection, 'close'));
    const events = pairs.map(() => 0);
    pairs.forEach((p, i) => p.connection.on('close', () => events[i]++));

    // Connection 0: the peer goes away (socket closed, no close frame).
    pairs[0].peer.destroy();
    // Connection 1: dropped by the application.
    pairs[1].connection.drop(1000, 'bye');
    // Connection 2: a closing handshake the peer completes.
    pairs[2].connection.close(1000, 'done');
    await pairs[2].waitFrames(1);
    pairs[2].peer.write(frame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }));

    const results = await Promise.all(closed);
    assert.strictEqual(results[0][0], 1006, 'peer gone');
    assert.deepStrictEqual(results[1], [1000, 'bye']);
    assert.strictEqual(results[2][0], 1000);
    for (let i = 3; i < COUNT; i++) assert.deepStrictEqual(results[i], [1006, 'Peer not responding.']);
    for (const p of pairs.slice(1, 3)) {
      assert.ok(
        p.frames().every((f) => f.opcode !== 9),
        'a connection closed before its keepalive deadline never pings'
      );
    }
    // Each connection reported its close exactly once.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(
      events,
      pairs.map(() => 1)
    );
    for (const p of pairs) p.close();
  });

  test(
    `${name}: close timeouts of many connections share the timer; each unanswered close ends its socket`,
    T,
    async () => {
      const before = timeouts();
      const config = serverConfig({ closeTimeout: 50 });
      const pairs = [];
      // The peers keep their side open, so only the close timeout ends the sockets.
      for (let i = 0; i < COUNT; i++) pairs.push(await pair(Connection, { config, halfOpen: true }));
      const closed = pairs.map((p) => once(p.connection, 'close'));
      for (const p of pairs) p.connection.close(1000, 'timeout test');
      assert.ok(timeouts() <= before + 1, `at most one Timeout for ${COUNT} close timeouts (${timeouts() - before})`);
      const results = await Promise.all(closed);
      for (const r of results) assert.deepStrictEqual(r, [1000, 'timeout test']);
      for (const p of pairs) {
        const frames = await p.waitFrames(1);
        assert.strictEqual(frames[0].opcode, 8, 'our close frame went out');
        p.close();
      }
    }
  );
}

test(
  'the shared timer runs deadlines in order, each once and not early; moved and cancelled ones are honoured',
  T,
  async () => {
    const deadlines = require('../lib/Deadlines');
    const base = Date.now();
    const fired = [];
    let pending = 0;
    let done;
    const finished = new Promise((resolve) => (done = resolve));
    const items = [];
    for (let i = 0; i < 300; i++) {
      const item = {
        id: i,
        _dlAt: 0,
        _dlIndex: -1,
        _onDeadline(now) {
          fired.push({ id: this.id, at: this._dlAt, now });
          if (--pending === 0) done();
        }
      };
      items.push(item);
      // Deadlines out of order, some equal, within 60 ms.
      deadlines.schedule(item, base + ((i * 37) % 61));
      pending++;
    }
    // Move every fifth one later and every seventh one earlier; cancel every third.
    const cancelled = new Set();
    for (const item of items) {
      if (item.id % 5 === 0) deadlines.schedule(item, item._dlAt + 15);
      else if (item.id % 7 === 0) deadlines.schedule(item, item._dlAt - 10);
      if (item.id % 3 === 0) {
        deadlines.cancel(item);
        cancelled.add(item.id);
        pending--;
      }
    }
    const expected = items.filter((item) => !cancelled.has(item.id)).map((item) => [item.id, item._dlAt]);
    await finished;
    assert.strictEqual(fired.length, expected.length, 'each live deadline fired once');
    assert.deepStrictEqual(
      fired.map((f) => f.id).sort((a, b) => a - b),
      expected.map((e) => e[0]).sort((a, b) => a - b)
    );
    for (let i = 0; i < fired.length; i++) {
      assert.ok(fired[i].now >= fired[i].at, 'not before its deadline');
      if (i > 0) assert.ok(fired[i].at >= fired[i - 1].at, 'in deadline order');
    }
    for (const item of items) assert.strictEqual(item._dlIndex, -1, 'nothing left in the heap');
    assert.strictEqual(deadlines.size(), 0);
  }
);
