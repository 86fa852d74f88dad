'use strict';
/**
 * Client-side benchmark: pipelined echo through one implementation's client
 * against the native reference server (`loadgen serve`).
 *
 *   node bench/clients/client.js <websocket-rs|websocket|ws> <port> <connections> <window> <size> <seconds> <warmup>
 *
 * Every connection keeps `window` text messages of `size` bytes in flight and
 * checks each echo. Prints one JSON object: messages and rate in the measured
 * window, this process's CPU time (all threads) per message, and the fraction
 * of a core its threads sat runnable but not running.
 */
const fs = require('fs');
const path = require('path');

/** Largest message accepted from the server. */
const MAX_MESSAGE = 64 * 1024 * 1024;

const [impl, portArg, connArg, windowArg, sizeArg, secondsArg, warmupArg] = process.argv.slice(2);
const url = 'ws://127.0.0.1:' + Number(portArg) + '/';
const connections = Number(connArg || 100);
const windowSize = Number(windowArg || 16);
const size = Number(sizeArg || 32);
const seconds = Number(secondsArg || 5);
const warmup = Number(warmupArg || 1);

/** The fixed part of every message: `a..z` repeated after the 8-digit sequence number. */
const TAIL = Array.from({ length: Math.max(0, size - 8) }, (_, i) => String.fromCharCode(97 + ((i + 8) % 26))).join('');

/**
 * Text of message `seq`: an 8-digit sequence number, then `TAIL`.
 * @param {number} seq
 * @returns {string}
 */
function payload(seq) {
  return (String(seq % 1e8).padStart(8, '0') + TAIL).slice(0, size);
}

/**
 * Nanoseconds this process's threads have waited runnable for a CPU: the sum
 * of the second field (run_delay) of /proc/self/task/<tid>/schedstat.
 * @returns {number | null} null when the kernel has no schedstats
 */
function schedWaitNs() {
  let total = 0;
  let any = false;
  let tasks;
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  for (const tid of tasks) {
    try {
      total += Number(fs.readFileSync('/proc/self/task/' + tid + '/schedstat', 'utf8').split(' ')[1]);
      any = true;
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return any && Number.isFinite(total) ? total : null;
}

let received = 0;
let stopped = false;
let failure = null;

/**
 * Wraps one implementation's connection as `{ send(text), close(), onMessage(fn) }`.
 * @param {string} name
 * @returns {Promise<{send: Function, close: Function, onMessage: Function}>}
 */
function open(name) {
  return new Promise((resolve, reject) => {
    if (name === 'ws') {
      const WebSocket = require('ws');
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_MESSAGE });
      ws.on('error', reject);
      ws.on('open', () =>
        resolve({
          send: (text) => ws.send(text),
          close: () => ws.close(),
          onMessage: (fn) => ws.on('message', (data) => fn(data.toString()))
        })
      );
      return;
    }
    const lib = name === 'websocket' ? require('websocket') : require(path.join(__dirname, '..', '..'));
    const client = new lib.client({ maxReceivedFrameSize: MAX_MESSAGE, maxReceivedMessageSize: MAX_MESSAGE });
    client.on('connectFailed', reject);
    client.on('connect', (connection) => {
      connection.on('error', (e) => (failure = failure || String(e)));
      resolve({
        send: (text) => connection.sendUTF(text),
        close: () => connection.close(),
        onMessage: (fn) => connection.on('message', (m) => fn(m.utf8Data))
      });
    });
    client.connect(url);
  });
}

/**
 * Runs one connection: keeps the window full and checks every echo in order.
 * @param {{send: Function, onMessage: Function}} conn
 */
function drive(conn) {
  let sent = 0;
  let next = 0;
  conn.onMessage((text) => {
    if (text !== payload(next)) failure = failure || 'echo ' + next + ' does not match';
    next++;
    received++;
    if (!stopped) conn.send(payload(sent++));
  });
  for (let i = 0; i < windowSize; i++) conn.send(payload(sent++));
}

async function main() {
  const conns = [];
  for (let i = 0; i < connections; i++) conns.push(await open(impl));
  conns.forEach(drive);
  await new Promise((r) => setTimeout(r, warmup * 1000));
  const cpu0 = process.cpuUsage();
  const wait0 = schedWaitNs();
  const n0 = received;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const wait1 = schedWaitNs();
  const messages = received - n0;
  stopped = true;
  const cpuUs = cpu.user + cpu.system;
  const result = {
    elapsed_s: elapsed,
    messages,
    msgs_per_s: messages / elapsed,
    client_cpu_us: cpuUs,
    client_cpu_share: cpuUs / 1e6 / elapsed,
    client_cpu_us_per_msg: messages > 0 ? cpuUs / messages : null,
    client_wait_share: wait0 !== null && wait1 !== null ? (wait1 - wait0) / 1e9 / elapsed : null,
    client_rss_kb: Math.round(process.memoryUsage.rss() / 1024),
    errors: failure ? 1 : 0
  };
  if (failure) result.first_error = failure;
  process.stdout.write(JSON.stringify(result) + '\n');
  await new Promise((r) => setTimeout(r, 200));
  conns.forEach((c) => c.close());
  setTimeout(() => process.exit(0), 500).unref();
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String((e && e.message) || e) }) + '\n');
  process.exit(1);
});
