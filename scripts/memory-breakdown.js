'use strict';
/**
 * Where the memory of an idle connection goes (issue 10).
 *
 *   node scripts/memory-breakdown.js [--impl websocket-rs|ws|websocket] [--connections N]
 *                                    [--echo] [--keepalive] [--semi-space MB] [--top K]
 *   (WEBSOCKET_RS_TRANSPORT=js selects the JS-fed transport)
 *
 * Starts a server in a child process (run with --expose-gc), opens N
 * connections to it over loopback from this process with a hand-written
 * handshake, and reports per connection:
 *   - RssAnon growth (anonymous resident memory, from /proc/self/status),
 *   - JS heap growth (used and committed), external and ArrayBuffer memory,
 *   - native memory: RssAnon growth minus committed JS heap growth,
 *   - JS heap objects by constructor: the difference between a heap snapshot
 *     taken before and one taken after opening the connections.
 * RSS and the heap statistics come from one child, the snapshots from a
 * second one (writing a snapshot itself grows RSS). `--echo` sends one text
 * message on every connection and waits for its echo before measuring.
 */
const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const args = process.argv.slice(2);
function arg(name, fallback) {
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const v = args[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}

/** `--semi-space MB`: the server's --max-semi-space-size (to see what the young generation costs). */
const semiSpace = arg('--semi-space', false);

if (arg('--child', false)) {
  runServer();
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

// --- server side (child) ---------------------------------------------------

/** Anonymous resident memory of this process, in bytes. */
function rssAnon() {
  const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function sample() {
  for (let i = 0; i < 4; i++) global.gc();
  const mu = process.memoryUsage();
  return {
    rssAnon: rssAnon(),
    heapUsed: mu.heapUsed,
    heapTotal: mu.heapTotal,
    external: mu.external,
    arrayBuffers: mu.arrayBuffers,
    spaces: Object.fromEntries(
      require('v8')
        .getHeapSpaceStatistics()
        .map((sp) => [sp.space_name, { used: sp.space_used_size, committed: sp.physical_space_size }])
    )
  };
}

function runServer() {
  const http = require('http');
  const impl = arg('--impl', 'websocket-rs');
  const keepalive = arg('--keepalive', false) === true;
  const snapshots = arg('--snapshots', false);
  const server = http.createServer((req, res) => {
    res.writeHead(404);
    res.end();
  });
  if (impl === 'ws') {
    const { WebSocketServer } = require('ws');
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    wss.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  } else {
    const WebSocketServer =
      impl === 'websocket' ? require('websocket').server : require(path.join(__dirname, '..')).server;
    const wss = new WebSocketServer({ httpServer: server, keepalive });
    wss.on('request', (request) => {
      const connection = request.accept(null, request.origin);
      connection.on('error', () => {});
      connection.on('message', (m) => {
        if (m.type === 'utf8') connection.sendUTF(m.utf8Data);
        else connection.sendBytes(m.binaryData);
      });
    });
  }
  server.listen(0, '127.0.0.1', () => {
    const before = sample();
    if (snapshots) v8Snapshot(snapshots + '.before');
    process.send({ port: server.address().port, before });
  });
  process.on('message', (msg) => {
    if (msg === 'measure') {
      const after = sample();
      if (snapshots) v8Snapshot(snapshots + '.after');
      process.send({ after });
    } else if (msg === 'exit') {
      process.exit(0);
    }
  });
}

function v8Snapshot(file) {
  require('v8').writeHeapSnapshot(file);
}

// --- client side -------------------------------------------------------------

function startServer(extra) {
  const child = childProcess.fork(__filename, ['--child', ...extra], {
    execArgv: ['--expose-gc', ...(semiSpace ? ['--max-semi-space-size=' + semiSpace] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: m.port, before: m.before }));
    child.once('exit', (code) => reject(new Error('server exited with ' + code)));
  });
}

function request(child, msg) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(msg);
  });
}

/** Opens one WebSocket connection by hand; resolves with the socket after the 101. */
function open(port, echo) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    let got = Buffer.alloc(0);
    let upgraded = false;
    sock.on('connect', () => {
      sock.write(
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ' +
          key +
          '\r\n\r\n'
      );
    });
    sock.on('error', reject);
    sock.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (!upgraded) {
        const end = got.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!got.subarray(0, 12).toString().includes('101')) return reject(new Error('no 101'));
        upgraded = true;
        got = got.subarray(end + 4);
        if (!echo) return resolve(sock);
        // One masked text frame "hello" (mask of zeros keeps it readable).
        sock.write(Buffer.from([0x81, 0x85, 0, 0, 0, 0, 104, 101, 108, 108, 111]));
      }
      if (echo && got.length >= 7) resolve(sock);
    });
  });
}

async function openAll(port, n, echo) {
  const socks = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const part = [];
    for (let j = i; j < Math.min(n, i + batch); j++) part.push(open(port, echo));
    socks.push(...(await Promise.all(part)));
  }
  await new Promise((r) => setTimeout(r, 300));
  return socks;
}

/** Self size by constructor (or node type) from a .heapsnapshot file. */
function groupSnapshot(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const fields = meta.node_fields;
  const types = meta.node_types[0];
  const step = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const nodes = snap.nodes;
  const strings = snap.strings;
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += step) {
    const type = types[nodes[i + iType]];
    let key;
    if (type === 'object' || type === 'native') key = strings[nodes[i + iName]];
    else if (type === 'closure') key = '(closure) ' + strings[nodes[i + iName]];
    else if (type === 'code' || type === 'array') key = '(' + type + ') ' + strings[nodes[i + iName]];
    else key = '(' + type + ')';
    const g = groups.get(key) || { count: 0, size: 0 };
    g.count++;
    g.size += nodes[i + iSize];
    groups.set(key, g);
  }
  return groups;
}

/** Resident bytes of all V8 heap spaces. */
function resident(s) {
  return Object.values(s.spaces).reduce((sum, sp) => sum + sp.committed, 0);
}

function perConn(a, b, n) {
  return (b - a) / n;
}

async function main() {
  const impl = arg('--impl', 'websocket-rs');
  const n = Number(arg('--connections', 2000));
  const echo = arg('--echo', false) === true;
  const keepalive = arg('--keepalive', false) === true;
  const top = Number(arg('--top', 25));
  const extra = ['--impl', impl];
  if (keepalive) extra.push('--keepalive');

  // Run 1: RSS and heap statistics.
  let srv = await startServer(extra);
  let socks = await openAll(srv.port, n, echo);
  const { after } = await request(srv.child, 'measure');
  const b = srv.before;
  const rows = [
    ['RssAnon', perConn(b.rssAnon, after.rssAnon, n)],
    ['JS heap used', perConn(b.heapUsed, after.heapUsed, n)],
    ['JS heap committed', perConn(b.heapTotal, after.heapTotal, n)],
    ['external (incl. ArrayBuffers)', perConn(b.external, after.external, n)],
    ['ArrayBuffers', perConn(b.arrayBuffers, after.arrayBuffers, n)],
    ...Object.keys(after.spaces).map((k) => [
      `  ${k} used / resident`,
      perConn(b.spaces[k].used, after.spaces[k].used, n),
      perConn(b.spaces[k].committed, after.spaces[k].committed, n)
    ]),
    ['native (RssAnon - resident JS heap)', perConn(b.rssAnon - resident(b), after.rssAnon - resident(after), n)]
  ];
  srv.child.send('exit');
  for (const s of socks) s.destroy();

  // Run 2: heap snapshots before and after.
  const base = path.join(os.tmpdir(), 'memory-breakdown-' + process.pid);
  srv = await startServer([...extra, '--snapshots', base]);
  socks = await openAll(srv.port, n, echo);
  await request(srv.child, 'measure');
  srv.child.send('exit');
  for (const s of socks) s.destroy();
  const g0 = groupSnapshot(base + '.before');
  const g1 = groupSnapshot(base + '.after');
  fs.rmSync(base + '.before', { force: true });
  fs.rmSync(base + '.after', { force: true });
  const diff = [];
  for (const [key, v] of g1) {
    const old = g0.get(key) || { count: 0, size: 0 };
    const count = (v.count - old.count) / n;
    const size = (v.size - old.size) / n;
    if (Math.abs(size) >= 1 || Math.abs(count) >= 0.5) diff.push({ key, count, size });
  }
  diff.sort((x, y) => y.size - x.size);
  const total = diff.reduce((s, d) => s + d.size, 0);

  const f = (x) => x.toFixed(0).padStart(7);
  console.log(
    `# ${impl}, ${n} connections${echo ? ', one echo each' : ''}${keepalive ? ', keepalive on' : ''}` +
      (impl === 'websocket-rs' ? `, ${process.env.WEBSOCKET_RS_TRANSPORT || 'native'} transport` : '')
  );
  console.log('\n| per connection | bytes |\n| --- | ---: |');
  for (const [k, v, w] of rows) console.log(`| ${k} | ${f(v)}${w === undefined ? '' : ' / ' + f(w)} |`);
  console.log('\n| JS heap objects per connection (snapshot diff) | objects | self bytes |\n| --- | ---: | ---: |');
  for (const d of diff.slice(0, top)) {
    console.log(`| ${d.key.replace(/\|/g, '\\|').slice(0, 60)} | ${d.count.toFixed(2)} | ${f(d.size)} |`);
  }
  console.log(`| (all) | | ${f(total)} |`);
}
