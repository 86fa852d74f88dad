'use strict';
/**
 * Test helpers: hand-built frames (hex vectors) and a loopback socket pair
 * with a WebSocketConnection on one end and a raw socket on the other.
 */
const net = require('net');

/**
 * Builds one frame. Not a second implementation of the protocol: tests use it
 * to write exact bytes, including invalid ones.
 * @param {object} o
 * @param {number} o.opcode
 * @param {Buffer|string} [o.payload]
 * @param {boolean} [o.fin=true]
 * @param {number} [o.rsv=0] bits 0x40/0x20/0x10
 * @param {Buffer|null} [o.mask] 4-byte key, or null for an unmasked frame
 * @returns {Buffer}
 */
function frame(o) {
  const payload = Buffer.isBuffer(o.payload) ? o.payload : Buffer.from(o.payload || '', 'utf8');
  const fin = o.fin === undefined ? true : o.fin;
  const mask = o.mask === undefined ? Buffer.from([0x37, 0xfa, 0x21, 0x3d]) : o.mask;
  const len = payload.length;
  let head;
  if (len <= 125) {
    head = Buffer.from([0, len]);
  } else if (len <= 0xffff) {
    head = Buffer.alloc(4);
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  head[0] = (fin ? 0x80 : 0) | (o.rsv || 0) | o.opcode;
  if (mask) {
    head[1] |= 0x80;
    const body = Buffer.alloc(len);
    for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i % 4];
    return Buffer.concat([head, mask, body]);
  }
  return Buffer.concat([head, payload]);
}

/**
 * Parses the frames in a buffer (server frames are unmasked, client frames masked).
 * @param {Buffer} buf
 * @returns {{frames: Array<{fin:boolean, opcode:number, masked:boolean, payload:Buffer}>, rest: Buffer}}
 */
function parseFrames(buf) {
  const frames = [];
  let pos = 0;
  for (;;) {
    if (buf.length - pos < 2) break;
    const b0 = buf[pos];
    const b1 = buf[pos + 1];
    let len = b1 & 0x7f;
    let off = pos + 2;
    if (len === 126) {
      if (buf.length - off < 2) break;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (buf.length - off < 8) break;
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    let key = null;
    if (masked) {
      if (buf.length - off < 4) break;
      key = buf.subarray(off, off + 4);
      off += 4;
    }
    if (buf.length - off < len) break;
    const payload = Buffer.from(buf.subarray(off, off + len));
    if (key) for (let i = 0; i < len; i++) payload[i] ^= key[i % 4];
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: b0 & 0x70, opcode: b0 & 0x0f, masked, payload });
    pos = off + len;
  }
  return { frames, rest: buf.subarray(pos) };
}

/** The server config defaults of `websocket`, for connections made in tests. */
function serverConfig(overrides) {
  return Object.assign(
    {
      maxReceivedFrameSize: 0x10000,
      maxReceivedMessageSize: 0x100000,
      fragmentOutgoingMessages: true,
      fragmentationThreshold: 0x4000,
      keepalive: false,
      keepaliveInterval: 20000,
      dropConnectionOnKeepaliveTimeout: true,
      keepaliveGracePeriod: 10000,
      useNativeKeepalive: false,
      assembleFragments: true,
      autoAcceptConnections: false,
      ignoreXForwardedFor: false,
      parseCookies: true,
      parseExtensions: true,
      disableNagleAlgorithm: true,
      closeTimeout: 5000
    },
    overrides || {}
  );
}

/**
 * Opens a loopback TCP pair; wraps the accepted end in `new Connection(...)`.
 * Resolves to { connection, peer, received(), waitFrames(n), close() }.
 * @param {Function} Connection a WebSocketConnection constructor
 * @param {object} [opts] { client: bool (our end is the client), config, halfOpen: bool (the peer
 *   does not end its side when ours ends) }
 */
function pair(Connection, opts) {
  opts = opts || {};
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const peer = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: !!opts.halfOpen });
      peer.on('error', () => {});
      server.once('connection', (socket) => {
        server.close();
        const config = opts.config || serverConfig();
        const connection = new Connection(socket, [], 'proto', !!opts.client, config);
        connection._addSocketEventListeners();
        let received = Buffer.alloc(0);
        const waiters = [];
        let peerClosed = false;
        const check = () => {
          for (let i = waiters.length - 1; i >= 0; i--) {
            const w = waiters[i];
            const { frames } = parseFrames(received);
            if (frames.length >= w.n || (peerClosed && w.orClose)) {
              waiters.splice(i, 1);
              w.resolve(frames);
            }
          }
        };
        peer.on('data', (d) => {
          received = Buffer.concat([received, d]);
          check();
        });
        peer.on('close', () => {
          peerClosed = true;
          for (const w of waiters.splice(0)) w.resolve(parseFrames(received).frames);
        });
        resolve({
          connection,
          peer,
          socket,
          received: () => received,
          frames: () => parseFrames(received).frames,
          /** Resolves once n frames arrived (or the peer socket closed). */
          waitFrames: (n) =>
            new Promise((res) => {
              waiters.push({ n, resolve: res, orClose: true });
              check();
            }),
          peerClosed: () => peerClosed,
          waitPeerClose: () =>
            new Promise((res) => {
              if (peerClosed) res();
              else peer.once('close', res);
            }),
          close: () => {
            peer.destroy();
            socket.destroy();
          }
        });
      });
    });
    server.on('error', reject);
  });
}

/** Resolves with the args of the next `event` emitted by `emitter`. */
function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

module.exports = { frame, parseFrames, pair, once, serverConfig };
