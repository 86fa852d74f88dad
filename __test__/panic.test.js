'use strict';
/**
 * Panic containment: a Rust panic in the protocol core must close only the connection it happened on, with 1011
 * ('error' then 'close'), while the process keeps serving every other connection. The core panics on purpose only in
 * a test build: the `panic-marker` cargo feature (crates/wsproto, forwarded by the addon) makes a message containing
 * `wsproto-panic-marker` panic. This file builds the addon with that feature into target/panic-marker/ (never the
 * normal .node) and runs a server on it in a child process. npm test runs it over both transports.
 */
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const WebSocket = require('ws');

const ROOT = path.join(__dirname, '..');
const MARKER = 'wsproto-panic-marker';
const ADDON = path.join(ROOT, 'target', 'panic-marker', 'websocket-rs-panic.node');

/**
 * Starts `helpers/hostile-server.js` (an echo server) in a child process.
 * @param {object} env more environment
 * @returns {Promise<{port: number, events: object[], alive: () => boolean, stop: () => Promise<void>}>}
 */
function startServer(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'helpers', 'hostile-server.js')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: Object.assign({}, process.env, env)
    });
    const events = [];
    let exited = false;
    child.on('exit', (code) => {
      exited = true;
      if (code !== 0) reject(new Error('server exited with ' + code));
    });
    child.on('message', (msg) => {
      if (msg.ev === 'listening') {
        resolve({
          port: msg.port,
          events,
          alive: () => !exited,
          stop: () =>
            new Promise((res) => {
              child.once('exit', res);
              child.send({ cmd: 'exit' });
            })
        });
      } else {
        events.push(msg);
      }
    });
  });
}

/**
 * Opens a `ws` client; resolves once open, with helpers.
 * @param {number} port
 * @returns {Promise<{ws: WebSocket, echo: (text: string) => Promise<string>, closed: Promise<number>}>}
 */
async function client(port) {
  const ws = new WebSocket('ws://127.0.0.1:' + port + '/');
  const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    echo(text) {
      const reply = new Promise((resolve) => ws.once('message', (d) => resolve(d.toString())));
      ws.send(text);
      return reply;
    }
  };
}

/**
 * Waits until `pred` holds for the server's events (polling; bounded by the test's timeout).
 * @param {object[]} events
 * @param {(events: object[]) => boolean} pred
 * @returns {Promise<void>}
 */
async function until(events, pred) {
  while (!pred(events)) await new Promise((r) => setTimeout(r, 20));
}

test.before(
  () => {
    // The dev profile unwinds (panic = "unwind" in every profile) and shares the dependencies cargo test built.
    const r = spawnSync('cargo', ['build', '--lib', '--quiet', '--features', 'panic-marker'], {
      cwd: ROOT,
      stdio: 'inherit'
    });
    assert.strictEqual(r.status, 0, 'cargo build --features panic-marker');
    fs.mkdirSync(path.dirname(ADDON), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'target', 'debug', 'libwebsocket_rs.so'), ADDON);
  },
  { timeout: 900000 }
);

/**
 * The scenario: a bystander and a victim connect; the victim's marker message makes the core panic; the victim sees
 * 1011, the server reports 'error' then 'close' for it, and the bystander and a newcomer are served.
 * @param {object} config WebSocketServer config for the child server
 * @param {number[]} peerCodes the close codes the victim may see
 * @returns {Promise<void>}
 */
async function panicScenario(config, peerCodes) {
  const server = await startServer({ HOSTILE_SERVER_ADDON: ADDON, HOSTILE_SERVER: JSON.stringify({ config }) });
  try {
    const bystander = await client(server.port);
    assert.strictEqual(await bystander.echo('before'), 'before');
    const victim = await client(server.port);
    assert.strictEqual(await victim.echo('ordinary message'), 'ordinary message');
    victim.ws.send('a message carrying ' + MARKER);
    const peerCode = await victim.closed;
    assert.ok(peerCodes.includes(peerCode), 'the victim saw ' + peerCode);
    await until(server.events, (e) => e.some((x) => x.ev === 'close' && x.code === 1011));
    const mine = server.events.filter((x) => x.code === 1011 || x.ev === 'error');
    assert.deepStrictEqual(
      mine.map((x) => x.ev),
      ['error', 'close'],
      JSON.stringify(server.events)
    );
    // The bystander is still served, and so is a new client; the process is alive.
    assert.strictEqual(await bystander.echo('after'), 'after');
    const newcomer = await client(server.port);
    assert.strictEqual(await newcomer.echo('new'), 'new');
    newcomer.ws.close(1000);
    bystander.ws.close(1000);
    assert.strictEqual(await bystander.closed, 1000);
    assert.ok(server.alive());
  } finally {
    await server.stop();
  }
}

test(
  'JS-fed transport: a core panic closes that connection with 1011 (error, then close); others are served',
  { timeout: 30000 },
  () => panicScenario({ nativeTransport: false }, [1011])
);

// The default transport (the event-loop one for plain TCP; the JS-fed one under WEBSOCKET_RS_TRANSPORT=js) contains
// the panic inside its libuv callback: the server reports 'error' and 'close' with 1011, the peer gets the 1011 close
// frame, and everyone else is served.
test(
  'default transport: a core panic closes that connection with 1011 (error, then close, and the close frame); others are served',
  { timeout: 30000 },
  () => panicScenario({}, [1011])
);

test('the normal build has no marker: the same message is echoed', { timeout: 30000 }, async () => {
  const server = await startServer({});
  try {
    const c = await client(server.port);
    assert.strictEqual(await c.echo('a message carrying ' + MARKER), 'a message carrying ' + MARKER);
    c.ws.close(1000);
    assert.strictEqual(await c.closed, 1000);
  } finally {
    await server.stop();
  }
});
