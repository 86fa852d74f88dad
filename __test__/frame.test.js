'use strict';
/**
 * WebSocketFrame: same bytes as websocket's for the same input, and parsing
 * through a websocket-style buffer list.
 */
const test = require('node:test');
const assert = require('node:assert');
const Ours = require('..').frame;
const Theirs = require('websocket').frame;

function build(Frame, fields) {
  const f = new Frame(Buffer.alloc(4), Buffer.alloc(10), {});
  Object.assign(f, fields);
  return f;
}

const cases = [
  ['empty masked ping (websocket unit test vector)', { fin: true, mask: true, opcode: 0x09 }, '898000000000'],
  ['unmasked text', { fin: true, mask: false, opcode: 0x01, binaryPayload: Buffer.from('hi') }, '81026869'],
  [
    'masked text, null mask',
    { fin: true, mask: true, opcode: 0x01, binaryPayload: Buffer.from('hi') },
    '8182000000006869'
  ],
  [
    'non-final binary with rsv bits',
    { fin: false, rsv1: true, rsv3: true, mask: false, opcode: 0x02, binaryPayload: Buffer.from([1]) },
    null
  ],
  [
    '126-byte payload (16-bit length)',
    { fin: true, mask: false, opcode: 0x02, binaryPayload: Buffer.alloc(126, 7) },
    null
  ],
  [
    '65536-byte payload (64-bit length)',
    { fin: true, mask: false, opcode: 0x02, binaryPayload: Buffer.alloc(65536, 1) },
    null
  ],
  [
    'close frame with status and reason',
    { fin: true, mask: false, opcode: 0x08, closeStatus: 1001, binaryPayload: Buffer.from('bye') },
    '880503e9627965'
  ],
  ['close frame with status only', { fin: true, mask: true, opcode: 0x08, closeStatus: 1000 }, null]
];

for (const [name, fields, hex] of cases) {
  test(`toBuffer(true) matches websocket: ${name}`, () => {
    const ours = build(Ours, fields).toBuffer(true);
    const theirs = build(Theirs, fields).toBuffer(true);
    assert.strictEqual(ours.toString('hex'), theirs.toString('hex'));
    if (hex) assert.strictEqual(ours.toString('hex'), hex);
  });
}

test('toBuffer() with a random mask writes the key into maskBytes and masks the payload', () => {
  const f = build(Ours, { fin: true, mask: true, opcode: 0x01, binaryPayload: Buffer.from('abcdef') });
  const out = f.toBuffer();
  assert.strictEqual(out[1], 0x80 | 6);
  assert.deepStrictEqual(out.subarray(2, 6), f.maskBytes);
  const body = Buffer.from(out.subarray(6));
  for (let i = 0; i < body.length; i++) body[i] ^= f.maskBytes[i % 4];
  assert.strictEqual(body.toString(), 'abcdef');
  assert.strictEqual(f.length, 6);
});

test('toString() has websocket format', () => {
  const fields = { fin: true, mask: false, opcode: 0x01, binaryPayload: Buffer.from('hey') };
  const ours = build(Ours, fields);
  const theirs = build(Theirs, fields);
  ours.toBuffer();
  theirs.toBuffer();
  assert.strictEqual(ours.toString(), theirs.toString());
  assert.strictEqual(ours.toString(), 'Opcode: 1, fin: true, length: 3, hasPayload: true, masked: false');
});

/** A minimal buffer list with the API websocket's frame parser uses. */
function bufferList(buf) {
  let data = buf;
  return {
    get length() {
      return data.length;
    },
    joinInto(target, offset, pos, len) {
      data.copy(target, offset, pos, pos + len);
    },
    advance(n) {
      data = data.subarray(n);
    },
    take(n) {
      return Buffer.from(data.subarray(0, n));
    }
  };
}

test('addData parses a masked frame like websocket does', () => {
  const wire = Buffer.from(
    '8185' +
      '01020304' +
      Buffer.from('hello')
        .map((b, i) => b ^ [1, 2, 3, 4][i % 4])
        .toString('hex'),
    'hex'
  );
  for (const Frame of [Ours, Theirs]) {
    const f = new Frame(Buffer.alloc(4), Buffer.alloc(10), { maxReceivedFrameSize: 1000 });
    assert.strictEqual(f.addData(bufferList(wire)), true);
    assert.strictEqual(f.opcode, 1);
    assert.strictEqual(f.fin, true);
    assert.strictEqual(f.mask, true);
    assert.strictEqual(f.length, 5);
    assert.strictEqual(f.binaryPayload.toString(), 'hello');
  }
});

test('addData waits for more bytes, then reports a close frame status', () => {
  const wire = Buffer.from('880503e9627965', 'hex');
  const f = new Ours(Buffer.alloc(4), Buffer.alloc(10), { maxReceivedFrameSize: 1000 });
  assert.strictEqual(f.addData(bufferList(wire.subarray(0, 1))), false);
  assert.strictEqual(f.addData(bufferList(wire)), true);
  assert.strictEqual(f.closeStatus, 1001);
  assert.strictEqual(f.binaryPayload.toString(), 'bye');
});

test('addData flags oversized frames and protocol errors with their texts', () => {
  const big = new Ours(Buffer.alloc(4), Buffer.alloc(10), { maxReceivedFrameSize: 10 });
  assert.strictEqual(big.addData(bufferList(Buffer.from('820b' + '00'.repeat(11), 'hex'))), true);
  assert.strictEqual(big.frameTooLarge, true);
  assert.strictEqual(big.dropReason, 'Frame size of 11 bytes exceeds maximum accepted frame size');
  const frag = new Ours(Buffer.alloc(4), Buffer.alloc(10), { maxReceivedFrameSize: 10 });
  assert.strictEqual(frag.addData(bufferList(Buffer.from('0900', 'hex'))), true);
  assert.strictEqual(frag.protocolError, true);
  assert.strictEqual(frag.dropReason, 'Control frames must not be fragmented.');
});
