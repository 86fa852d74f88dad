'use strict';
/**
 * `npm run soak`: thousands of connections exchanging messages with churn, against a websocket-rs echo server in a
 * child process (`__test__/helpers/hostile-server.js`), reporting the server's RSS, heap and open file descriptors
 * over time. Clients are `ws` (a devDependency), so the process under test holds only the server.
 *
 *   node bench/soak.js [--seconds 600] [--connections 2000] [--rate 1] [--churn 0.02] [--check]
 *
 * Each connection sends `--rate` messages a second (random text or binary, 1 B to 4 KiB) and checks every echo;
 * every second `--churn` of the connections are replaced (half closed cleanly, half reset). A line is printed every
 * 5 s. With `--check` (as .ci/run does) the run fails when:
 * - the server's RSS grew by more than 48 MiB, or its heap (after a GC) by more than 16 MiB, between the first sample
 *   after the warm-up (a quarter of the run) and the end of the run (the bounds are far below what a per-message or
 *   per-connection leak adds over thousands of connections and hundreds of thousands of messages, and above
 *   allocator noise);
 * - once every client is gone, the server holds more than 4 file descriptors more than before the first connection;
 * - an echo was wrong or missing, or the server died.
 * The transport is whichever `WEBSOCKET_RS_TRANSPORT` selects (native by default).
 */
const path = require('path');
const { spawn } = require('child_process');
const WebSocket = require('ws');

const MiB = 1024 * 1024;
const RSS_BOUND = 48 * MiB;
const HEAP_BOUND = 16 * MiB;
const FD_SLACK = 4;

/**
 * Reads `--name value` options.
 * @param {string[]} argv
 * @returns {{seconds: number, connections: number, rate: number, churn: number, check: boolean}}
 */
function parseArgs(argv) {
  const opts = { seconds: 600, connections: 2000, rate: 1, churn: 0.02, check: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'check') opts.check = true;
    else if (name in opts) opts[name] = Number(argv[++i]);
    else throw new Error('unknown option ' + argv[i]);
  }
  for (const k of ['seconds', 'connections', 'rate', 'churn']) {
    if (!(opts[k] >= 0)) throw new Error('--' + k + ' must be a number >= 0');
  }
  return opts;
}

/**
 * Starts the echo server in a child process.
 * @returns {Promise<{port: number, stats: () => Promise<object>, stop: () => Promise<void>, child: object}>}
 */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', path.join(__dirname, '..', '__test__', 'helpers', 'hostile-server.js')],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }
    );
    const replies = new Map();
    let nextId = 1;
    child.on('message', (msg) => {
      if (msg.id) {
        replies.get(msg.id)(msg);
        replies.delete(msg.id);
      } else if (msg.ev === 'listening') {
        resolve({
          port: msg.port,
          child,
          stats: () =>
            new Promise((res) => {
              const id = nextId++;
              replies.set(id, res);
              child.send({ id, cmd: 'stats' });
            }),
          stop: () =>
            new Promise((res) => {
              child.once('exit', res);
              child.send({ cmd: 'exit' });
            })
        });
      }
    });
    child.once('exit', (code, signal) => {
      if (code !== 0) reject(new Error('server exited: ' + (signal || code)));
    });
  });
}

/**
 * One soak client: sends on a timer and checks that every message comes back unchanged, in order.
 */
class Client {
  /**
   * @param {string} url
   * @param {object} totals shared counters
   * @param {number} rate messages per second
   */
  constructor(url, totals, rate) {
    this.totals = totals;
    this.pending = [];
    this.ws = new WebSocket(url);
    this.ws.on('error', () => {});
    this.ws.on('open', () => {
      if (rate > 0) {
        const period = 1000 / rate;
        // Spread the first send over a period so connections do not send in lockstep.
        this.timer = setTimeout(() => {
          this.send();
          this.timer = setInterval(() => this.send(), period);
        }, Math.random() * period);
      }
    });
    this.ws.on('message', (data, isBinary) => {
      const expected = this.pending.shift();
      const got = isBinary ? data : data.toString();
      if (expected === undefined || (isBinary ? !expected.equals(got) : expected !== got)) totals.wrong++;
      else totals.echoed++;
    });
    this.ws.on('close', () => {
      clearTimeout(this.timer);
      clearInterval(this.timer);
    });
  }

  send() {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // Backpressure: skip a beat rather than pile up sends on a slow server.
    if (this.pending.length > 8) return;
    const size = 1 + Math.floor(Math.random() ** 3 * 4096);
    const message = Math.random() < 0.5 ? 'x'.repeat(size) : Buffer.alloc(size, size & 0xff);
    this.pending.push(message);
    this.ws.send(message);
    this.totals.sent++;
  }

  /** Ends the connection: a clean close or a reset. */
  end(reset) {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    if (this.ws.readyState === WebSocket.OPEN && !reset) this.ws.close(1000);
    else this.ws.terminate();
    this.totals.lost += this.pending.length;
  }
}

/**
 * Formats a stats sample.
 * @param {number} t seconds since the start
 * @param {object} s server stats
 * @param {object} totals counters
 * @returns {string}
 */
function line(t, s, totals) {
  return (
    `t=${String(t).padStart(4)}s open=${String(s.open).padStart(5)} echoed=${String(totals.echoed).padStart(8)} ` +
    `rss=${(s.rss / MiB).toFixed(1)}MiB heap=${(s.heapUsed / MiB).toFixed(1)}MiB fds=${s.fds}`
  );
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = await startServer();
  let serverDied = false;
  server.child.once('exit', (code) => {
    if (code !== 0) serverDied = true;
  });
  const url = 'ws://127.0.0.1:' + server.port + '/';
  const totals = { sent: 0, echoed: 0, wrong: 0, lost: 0 };
  const idle = await server.stats();
  console.log(
    `soak: ${opts.connections} connections, ${opts.rate} msg/s each, churn ${opts.churn * 100}%/s, ` +
      `${opts.seconds}s, transport ${process.env.WEBSOCKET_RS_TRANSPORT === 'js' ? 'js' : 'native'}`
  );
  console.log(line(0, idle, totals));

  const clients = [];
  // Ramp up in bursts so the accept queue is not the thing under test.
  for (let i = 0; i < opts.connections; i += 200) {
    for (let j = i; j < Math.min(i + 200, opts.connections); j++) clients.push(new Client(url, totals, opts.rate));
    await new Promise((r) => setTimeout(r, 50));
  }

  const start = Date.now();
  let reset = false;
  const churn = setInterval(() => {
    const n = Math.round(clients.length * opts.churn);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(Math.random() * clients.length);
      clients[at].end((reset = !reset));
      clients[at] = new Client(url, totals, opts.rate);
    }
  }, 1000);

  let baseline = null;
  let last = null;
  const warmUp = opts.seconds / 4;
  while ((Date.now() - start) / 1000 < opts.seconds && !serverDied) {
    await new Promise((r) => setTimeout(r, Math.min(5000, opts.seconds * 1000)));
    const t = Math.round((Date.now() - start) / 1000);
    last = await server.stats();
    if (baseline === null && t >= warmUp) baseline = last;
    console.log(line(t, last, totals));
  }
  clearInterval(churn);
  for (const c of clients) c.end(false);
  let after;
  for (let tries = 0; tries < 200; tries++) {
    after = await server.stats();
    if (after.open === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log('after every client left: ' + line(Math.round((Date.now() - start) / 1000), after, totals));
  await server.stop();

  const rssGrowth = last.rss - (baseline || last).rss;
  const heapGrowth = last.heapUsed - (baseline || last).heapUsed;
  console.log(
    `sent ${totals.sent}, echoed ${totals.echoed}, wrong ${totals.wrong}, in flight at a close ${totals.lost}; ` +
      `after warm-up: RSS ${(rssGrowth / MiB).toFixed(1)} MiB (bound ${RSS_BOUND / MiB}), heap ` +
      `${(heapGrowth / MiB).toFixed(1)} MiB (bound ${HEAP_BOUND / MiB}); fds ${idle.fds} idle, ${after.fds} at the end`
  );
  if (!opts.check) return;
  const failures = [];
  if (serverDied) failures.push('the server died');
  if (totals.wrong > 0) failures.push(totals.wrong + ' wrong echoes');
  if (totals.echoed === 0) failures.push('no message was echoed');
  if (rssGrowth > RSS_BOUND) failures.push('RSS grew by ' + (rssGrowth / MiB).toFixed(1) + ' MiB');
  if (heapGrowth > HEAP_BOUND) failures.push('heap grew by ' + (heapGrowth / MiB).toFixed(1) + ' MiB');
  if (after.open !== 0) failures.push(after.open + ' connections still open on the server');
  if (after.fds > idle.fds + FD_SLACK) failures.push(`fds ${idle.fds} -> ${after.fds}`);
  if (failures.length > 0) {
    console.error('soak FAILED: ' + failures.join('; '));
    process.exitCode = 1;
  } else {
    console.log('soak passed');
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
