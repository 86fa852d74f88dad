'use strict';
/**
 * WebSocketConnection over a loopback socket with hand-written frames.
 * Scenarios marked "parity" run against `websocket`'s connection too and must
 * behave the same; the others check where we follow RFC 6455 instead.
 */
const test = require('node:test');
const assert = require('node:assert');
const { frame, pair, once, serverConfig } = require('./helpers/wire');
const Ours = require('..').connection;
const Theirs = require('websocket').connection;

const T = { timeout: 10000 };
const { NativeSocket } = require('../lib/NativeTransport');

/**
 * Our connection over the native transport: Rust takes the accepted socket
 * over (as WebSocketRequest.accept does for plain TCP).
 */
function OursNative(socket, extensions, protocol, mask, config) {
  const nativeSocket = new NativeSocket(socket);
  const connection = new Ours(nativeSocket, extensions, protocol, mask, config);
  nativeSocket._adopt(socket, connection, Buffer.alloc(0), null);
  return connection;
}

const impls = [
  ['websocket-rs', Ours],
  ['websocket-rs native', OursNative],
  ['websocket', Theirs]
];

for (const [name, Connection] of impls) {
  test(`parity(${name}): masked text and binary frames become message events`, T, async () => {
    const p = await pair(Connection);
    const got = [];
    p.connection.on('message', (m) => got.push(m));
    p.peer.write(
      Buffer.concat([frame({ opcode: 1, payload: 'héllo' }), frame({ opcode: 2, payload: Buffer.from([1, 2, 3]) })])
    );
    while (got.length < 2) await once(p.connection, 'message');
    assert.deepStrictEqual(got[0], { type: 'utf8', utf8Data: 'héllo' });
    assert.strictEqual(got[1].type, 'binary');
    assert.deepStrictEqual([...got[1].binaryData], [1, 2, 3]);
    p.close();
  });

  test(`parity(${name}): a fragmented message split at every byte arrives whole`, T, async () => {
    const p = await pair(Connection);
    const wire = Buffer.concat([
      frame({ opcode: 1, payload: 'abc', fin: false }),
      frame({ opcode: 9, payload: 'p' }),
      frame({ opcode: 0, payload: 'déf', fin: false }),
      frame({ opcode: 0, payload: 'g' })
    ]);
    const msg = once(p.connection, 'message');
    for (let i = 0; i < wire.length; i++) {
      p.peer.write(wire.subarray(i, i + 1));
      await new Promise((r) => setImmediate(r));
    }
    const [m] = await msg;
    assert.deepStrictEqual(m, { type: 'utf8', utf8Data: 'abcdéfg' });
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 0xa, 'the ping is answered with a pong');
    assert.strictEqual(frames[0].payload.toString(), 'p');
    p.close();
  });

  test(`parity(${name}): sendUTF/sendBytes write unmasked server frames, callbacks fire`, T, async () => {
    const p = await pair(Connection);
    let calls = 0;
    p.connection.sendUTF('hi', () => calls++);
    p.connection.sendBytes(Buffer.from([9, 8]), () => calls++);
    p.connection.send(12345);
    const frames = await p.waitFrames(3);
    assert.deepStrictEqual(
      frames.map((f) => [f.opcode, f.masked, f.payload.toString('hex')]),
      [
        [1, false, Buffer.from('hi').toString('hex')],
        [2, false, '0908'],
        [1, false, Buffer.from('12345').toString('hex')]
      ]
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(calls, 2);
    assert.throws(() => p.connection.sendBytes('nope'), {
      message: 'You must pass a Node Buffer object to WebSocketConnection.prototype.sendBytes()'
    });
    assert.throws(
      () => p.connection.send(Object.create(null)),
      /Data provided must either be a Node Buffer or implement toString\(\)/
    );
    p.close();
  });

  test(`parity(${name}): messages above fragmentationThreshold are fragmented`, T, async () => {
    const p = await pair(Connection, { config: serverConfig({ fragmentationThreshold: 4 }) });
    p.connection.sendUTF('abcdefghij');
    const frames = await p.waitFrames(3);
    assert.deepStrictEqual(
      frames.map((f) => [f.opcode, f.fin, f.payload.toString()]),
      [
        [1, false, 'abcd'],
        [0, false, 'efgh'],
        [0, true, 'ij']
      ]
    );
    p.close();
  });

  test(`parity(${name}): the client role masks what it sends`, T, async () => {
    const p = await pair(Connection, { client: true });
    p.connection.sendUTF('masked');
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].masked, true);
    assert.strictEqual(frames[0].payload.toString(), 'masked');
    p.close();
  });

  test(`parity(${name}): a ping listener can cancel the automatic pong`, T, async () => {
    const p = await pair(Connection);
    const seen = [];
    p.connection.on('ping', (cancel, data) => {
      seen.push(data.toString());
      if (data.toString() === 'no') cancel();
    });
    p.peer.write(Buffer.concat([frame({ opcode: 9, payload: 'no' }), frame({ opcode: 9, payload: 'yes' })]));
    const frames = await p.waitFrames(1);
    assert.deepStrictEqual(seen, ['no', 'yes']);
    assert.deepStrictEqual(
      frames.map((f) => [f.opcode, f.payload.toString()]),
      [[0xa, 'yes']]
    );
    p.close();
  });

  test(`parity(${name}): peer-initiated close is answered and reported`, T, async () => {
    const p = await pair(Connection);
    const closed = once(p.connection, 'close');
    const payload = Buffer.concat([Buffer.from([0x0b, 0xb8]), Buffer.from('bye')]); // 3000
    p.peer.write(frame({ opcode: 8, payload }));
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 8);
    assert.strictEqual(frames[0].payload.readUInt16BE(0), 1000);
    p.peer.end();
    const [code, desc] = await closed;
    assert.strictEqual(code, 3000);
    assert.strictEqual(desc, 'bye');
    assert.strictEqual(p.connection.connected, false);
    assert.strictEqual(p.connection.state, 'closed');
    p.close();
  });

  test(`parity(${name}): close() sends a close frame, the peer's reply completes it`, T, async () => {
    const p = await pair(Connection);
    assert.throws(() => p.connection.close(1005), { message: 'Close code 1005 is not valid.' });
    const closed = once(p.connection, 'close');
    p.connection.close(1000, 'done');
    assert.strictEqual(p.connection.state, 'ending');
    assert.strictEqual(p.connection.connected, false);
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 8);
    assert.strictEqual(frames[0].payload.readUInt16BE(0), 1000);
    assert.strictEqual(frames[0].payload.subarray(2).toString(), 'done');
    p.peer.end(frame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }));
    const [code, desc] = await closed;
    assert.strictEqual(code, 1000);
    assert.strictEqual(desc, 'done');
    p.close();
  });

  test(`parity(${name}): drop() emits close synchronously and sends the close frame`, T, async () => {
    const p = await pair(Connection);
    let args = null;
    p.connection.on('close', (...a) => (args = a));
    p.connection.drop(1008, 'go away');
    assert.deepStrictEqual(args, [1008, 'go away']);
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 8);
    assert.strictEqual(frames[0].payload.readUInt16BE(0), 1008);
    p.close();
  });

  test(`parity(${name}): socket closed without a close frame reports 1006`, T, async () => {
    const p = await pair(Connection);
    const closed = once(p.connection, 'close');
    p.peer.destroy();
    const [code, desc] = await closed;
    assert.strictEqual(code, 1006);
    assert.strictEqual(desc, 'Connection dropped by remote peer.');
    p.close();
  });

  for (const [label, wire, code, text] of [
    [
      'RSV bits',
      frame({ opcode: 1, payload: 'x', rsv: 0x40 }),
      1002,
      'Unsupported usage of rsv bits without negotiated extension.'
    ],
    ['a reserved opcode', frame({ opcode: 3, payload: 'x' }), 1002, 'Unrecognized Opcode: 0x3'],
    [
      'a fragmented ping',
      frame({ opcode: 9, payload: 'x', fin: false }),
      1002,
      'Control frames must not be fragmented.'
    ],
    [
      'a 126-byte ping',
      frame({ opcode: 9, payload: Buffer.alloc(126) }),
      1002,
      'Illegal control frame longer than 125 bytes.'
    ],
    ['a continuation without a start', frame({ opcode: 0, payload: 'x' }), 1002, 'Unexpected Continuation Frame'],
    [
      'invalid UTF-8',
      frame({ opcode: 1, payload: Buffer.from([0xce, 0xba, 0xff]) }),
      1007,
      'Invalid UTF-8 Data Received'
    ],
    [
      'a frame over maxReceivedFrameSize',
      frame({ opcode: 2, payload: Buffer.alloc(0x10001) }),
      1009,
      'Frame size of 65537 bytes exceeds maximum accepted frame size'
    ]
  ]) {
    test(`parity(${name}): ${label} drops with ${code}`, T, async () => {
      const p = await pair(Connection);
      const closed = once(p.connection, 'close');
      const messages = [];
      p.connection.on('message', (m) => messages.push(m));
      p.peer.write(wire);
      const [gotCode, gotText] = await closed;
      assert.strictEqual(gotCode, code);
      assert.strictEqual(gotText, text);
      const frames = await p.waitFrames(1);
      assert.strictEqual(frames[0].opcode, 8);
      assert.strictEqual(frames[0].payload.readUInt16BE(0), code);
      assert.deepStrictEqual(messages, []);
      p.close();
    });
  }

  test(`parity(${name}): keepalive pings, then drops a silent peer with 1006`, T, async () => {
    const p = await pair(Connection, {
      config: serverConfig({ keepalive: true, keepaliveInterval: 50, keepaliveGracePeriod: 50 })
    });
    const [code, desc] = await once(p.connection, 'close');
    assert.strictEqual(code, 1006);
    assert.strictEqual(desc, 'Peer not responding.');
    const frames = await p.waitFrames(1);
    assert.strictEqual(frames[0].opcode, 9, 'a keepalive ping was sent first');
    p.close();
  });

  test(`parity(${name}): assembleFragments=false emits frame events`, T, async () => {
    const p = await pair(Connection, { config: serverConfig({ assembleFragments: false }) });
    const frames = [];
    let messages = 0;
    p.connection.on('message', () => messages++);
    p.connection.on('frame', (f) => frames.push([f.opcode, f.fin, f.binaryPayload.toString()]));
    p.peer.write(
      Buffer.concat([
        frame({ opcode: 1, payload: 'ab', fin: false }),
        frame({ opcode: 0, payload: 'cd' }),
        frame({ opcode: 9, payload: 'p' })
      ])
    );
    while (frames.length < 3) await once(p.connection, 'frame');
    assert.deepStrictEqual(frames, [
      [1, false, 'ab'],
      [0, true, 'cd'],
      [9, true, 'p']
    ]);
    assert.strictEqual(messages, 0);
    p.close();
  });
}

// --- where we follow RFC 6455 rather than websocket -------------------------

test('a peer close frame without a status code is reported as 1005 (websocket says 1006)', T, async () => {
  const p = await pair(Ours);
  const closed = once(p.connection, 'close');
  p.peer.write(frame({ opcode: 8 }));
  const frames = await p.waitFrames(1);
  assert.strictEqual(frames[0].opcode, 8);
  p.peer.end();
  const [code] = await closed;
  assert.strictEqual(code, 1005);
  p.close();
});

test('an unmasked frame from a client is a protocol error (RFC 6455 §5.1)', T, async () => {
  const p = await pair(Ours);
  const [code] = await Promise.all([
    once(p.connection, 'close'),
    p.peer.write(frame({ opcode: 1, payload: 'hi', mask: null }))
  ]).then(([args]) => args);
  assert.strictEqual(code, 1002);
  p.close();
});

test('a masked frame from a server is a protocol error on the client (RFC 6455 §5.1)', T, async () => {
  const p = await pair(Ours, { client: true });
  const closed = once(p.connection, 'close');
  p.peer.write(frame({ opcode: 1, payload: 'hi' }));
  const [code] = await closed;
  assert.strictEqual(code, 1002);
  p.close();
});

test('invalid UTF-8 split across fragments fails on the bad fragment, before the message ends', T, async () => {
  const p = await pair(Ours);
  const closed = once(p.connection, 'close');
  // 0xf4 0x90 starts a code point above U+10FFFF: invalid as soon as 0x90 arrives.
  p.peer.write(frame({ opcode: 1, payload: Buffer.from([0x61, 0xf4]), fin: false }));
  p.peer.write(frame({ opcode: 0, payload: Buffer.from([0x90]), fin: false }));
  const [code] = await closed;
  assert.strictEqual(code, 1007);
  p.close();
});

/** A text message "ab" split into `n` frames: "a", n - 2 empty continuations, "b". */
function fragmented(n) {
  const parts = [frame({ opcode: 1, payload: 'a', fin: false })];
  const empty = frame({ opcode: 0, fin: false });
  for (let i = 0; i < n - 2; i++) parts.push(empty);
  parts.push(frame({ opcode: 0, payload: 'b' }));
  return Buffer.concat(parts);
}

for (const [name, Connection] of impls) {
  test(`parity(${name}): any number of fragments within maxReceivedMessageSize by default`, T, async () => {
    const p = await pair(Connection);
    const message = once(p.connection, 'message');
    p.peer.write(fragmented(20000));
    const [m] = await message;
    assert.strictEqual(m.utf8Data, 'ab');
    p.close();
  });
}

test('maxFragmentsPerMessage is an opt-in cap: one frame more closes with 1009; 0 means no cap', T, async () => {
  const capped = await pair(Ours, { config: serverConfig({ maxFragmentsPerMessage: 4 }) });
  const messages = [];
  capped.connection.on('message', (m) => messages.push(m.utf8Data));
  const closed = once(capped.connection, 'close');
  capped.peer.write(Buffer.concat([fragmented(4), fragmented(5)]));
  const [code, description] = await closed;
  assert.deepStrictEqual(messages, ['ab']);
  assert.strictEqual(code, 1009);
  assert.strictEqual(description, 'Maximum number of message fragments (4) exceeded.');
  capped.close();

  const uncapped = await pair(Ours, { config: serverConfig({ maxFragmentsPerMessage: 0 }) });
  const message = once(uncapped.connection, 'message');
  uncapped.peer.write(fragmented(5000));
  assert.strictEqual((await message)[0].utf8Data, 'ab');
  uncapped.close();
});

test('a ping payload over 125 bytes is truncated to 125 (websocket: 124)', T, async () => {
  const p = await pair(Ours);
  p.connection.ping(Buffer.alloc(200, 1));
  const frames = await p.waitFrames(1);
  assert.strictEqual(frames[0].opcode, 9);
  assert.strictEqual(frames[0].payload.length, 125);
  p.close();
});

test('close() inside a message handler stops nothing already received but sends the close frame once', T, async () => {
  const p = await pair(Ours);
  const got = [];
  p.connection.on('message', (m) => {
    got.push(m.utf8Data);
    if (got.length === 1) p.connection.close();
  });
  p.peer.write(Buffer.concat([frame({ opcode: 1, payload: 'a' }), frame({ opcode: 1, payload: 'b' })]));
  const frames = await p.waitFrames(1);
  assert.strictEqual(frames[0].opcode, 8);
  assert.deepStrictEqual(got, ['a', 'b']);
  p.close();
});

test('drop() inside a message handler stops dispatching the rest of the batch', T, async () => {
  const p = await pair(Ours);
  const got = [];
  p.connection.on('message', (m) => {
    got.push(m.utf8Data);
    p.connection.drop(1000, 'enough');
  });
  p.peer.write(Buffer.concat([frame({ opcode: 1, payload: 'a' }), frame({ opcode: 1, payload: 'b' })]));
  await p.waitFrames(1);
  assert.deepStrictEqual(got, ['a']);
  p.close();
});

test('pause() holds events until resume()', T, async () => {
  const p = await pair(Ours);
  const got = [];
  p.connection.on('message', (m) => {
    got.push(m.utf8Data);
    if (got.length === 1) p.connection.pause();
  });
  p.peer.write(Buffer.concat([frame({ opcode: 1, payload: 'a' }), frame({ opcode: 1, payload: 'b' })]));
  await once(p.connection, 'pause');
  await new Promise((r) => setTimeout(r, 30));
  assert.deepStrictEqual(got, ['a']);
  p.connection.resume();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepStrictEqual(got, ['a', 'b']);
  p.close();
});

test('constants and descriptions match websocket', () => {
  for (const key of Object.keys(Theirs)) {
    if (key.startsWith('CLOSE_')) assert.deepStrictEqual(Ours[key], Theirs[key], key);
  }
  assert.strictEqual(Ours.CLOSE_REASON_INTERNAL_SERVER_ERROR, 1011);
});

test('bytesWaitingToFlush counts queued bytes', T, async () => {
  const p = await pair(Ours);
  p.connection.sendBytes(Buffer.alloc(1000));
  assert.ok(p.connection.bytesWaitingToFlush >= 1000);
  await p.waitFrames(1);
  p.close();
});
