'use strict';
/**
 * `DEBUG=websocket:*` logging (lib/debug.js): a child process runs
 * helpers/debug-scenario.js with DEBUG set and the test reads its stderr,
 * over whichever transport this run uses (WEBSOCKET_RS_TRANSPORT is passed
 * on). Also: the line format equals the `debug` package's (websocket's
 * dependency, so it is installed with the devDependencies), namespaces can be
 * chosen and excluded as with `debug`, nothing is written when DEBUG is unset,
 * and `connection._debug.printOutput()` replays a connection's entries.
 */
const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const path = require('node:path');

const SCENARIO = path.join(__dirname, 'helpers', 'debug-scenario.js');
const T = { timeout: 30000 };
/** The child is killed after this long (it takes well under a second). */
const CHILD_MS = 20000;

/**
 * Runs a Node script (a file, or `-e` code) with the given DEBUG* variables (and no others inherited).
 * @param {string[]} args
 * @param {Record<string, string>} debugEnv
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 */
function run(args, debugEnv) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^debug/i.test(key)) env[key] = value;
  Object.assign(env, debugEnv);
  return new Promise((resolve, reject) => {
    // --no-deprecation: Node 24 warns on stderr about url.parse() (which websocket's legacy Url properties need) when
    // it is called from outside node_modules, as here; that line is Node's, not our logging.
    const argv = ['--no-deprecation', ...args];
    execFile(process.execPath, argv, { env, timeout: CHILD_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(err.message + '\n' + stderr));
      else resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

/** The scenario's stderr lines that start a log entry, without their date: `<namespace> <message>`. */
function entries(stderr) {
  const lines = [];
  for (const line of stderr.split('\n')) {
    const m = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT (websocket:\S+ .*)$/.exec(line);
    if (m) lines.push(m[1]);
  }
  return lines;
}

/** Asserts that some entry matches each pattern, in this order. */
function assertInOrder(lines, patterns) {
  let from = 0;
  for (const pattern of patterns) {
    const i = lines.findIndex((line, index) => index >= from && pattern.test(line));
    assert.ok(i !== -1, 'no line matching ' + pattern + ' after line ' + from + ' of:\n' + lines.join('\n'));
    from = i + 1;
  }
}

test(
  'DEBUG=websocket:* logs handshakes, closes, protocol errors, backpressure, pause/resume and keepalive',
  T,
  async () => {
    const { code, stdout, stderr } = await run([SCENARIO], { DEBUG: 'websocket:*' });
    assert.strictEqual(code, 0, stderr);
    const lines = entries(stderr);
    assert.ok(lines.length >= 20, stderr);

    assertInOrder(lines, [
      /^websocket:server handshake rejected: 127\.0\.0\.1 \/reject with HTTP 403, "go away"$/,
      /^websocket:client handshake failed: Server responded with a non-101 status: 403 Forbidden$/,
      /^websocket:server Invalid handshake: Client must provide a value for Sec-WebSocket-Key\.$/,
      /^websocket:server handshake rejected: 127\.0\.0\.1 \/invalid with HTTP 400, "Client must provide a value/,
      /^websocket:server handshake accepted: 127\.0\.0\.1 \/echo, protocol "echo", origin null$/
    ]);
    const echo =
      /^websocket:connection (\d+) - open: server, protocol "echo", peer 127\.0\.0\.1, (native|JS-fed) transport$/;
    const open = lines.map((line) => echo.exec(line)).find(Boolean);
    assert.ok(open, stderr);
    const transport = process.env.WEBSOCKET_RS_TRANSPORT === 'js' ? 'JS-fed' : 'native';
    assert.strictEqual(open[2], transport);
    const id = open[1];
    assertInOrder(
      lines.filter((line) => line.startsWith('websocket:connection ' + id + ' - ')),
      [/ - paused: reading stops$/, / - resumed: reading goes on$/, / - close frame received: 4000 "bye", answering$/]
    );
    assert.ok(lines.includes('websocket:connection ' + id + ' - socket closed: code 4000 "bye"'), stderr);
    assertInOrder(lines, [
      /^websocket:client handshake accepted by ws:\/\/127\.0\.0\.1:\d+\/echo: protocol "echo"$/,
      /^websocket:connection \d+ - open: client, protocol "echo"/,
      /^websocket:connection \d+ - close\(\): sending close frame 4000 "bye"$/
    ]);
    assertInOrder(lines, [
      /^websocket:server handshake accepted: 127\.0\.0\.1 \/protocol-error/,
      /^websocket:connection \d+ - protocol error: closing with 1002 "Unsupported usage of rsv bits without negotiated extension\."$/,
      /^websocket:connection \d+ - socket closed: code 1002 "Unsupported usage of rsv bits/
    ]);
    assertInOrder(lines, [
      /^websocket:server handshake accepted: 127\.0\.0\.1 \/silent/,
      /^websocket:connection \d+ - backpressure: \d+ bytes wait in the socket \(outputBufferFull\)$/,
      /^websocket:connection \d+ - keepalive: nothing received for \d+ ms, sending a ping$/,
      /^websocket:connection \d+ - keepalive timeout: no answer within 100 ms, dropping$/,
      /^websocket:connection \d+ - drop\(\): 1006 "Peer not responding\.", no close frame$/
    ]);

    const result = JSON.parse(stdout);
    assert.strictEqual(result.enabled, true);
    // printOutput(fn) replays the connection's own entries as `<date> - <id> - <message>`, in order.
    assert.ok(result.printed.length >= 4, stdout);
    for (const line of result.printed) assert.match(line, new RegExp('^\\S.* - ' + id + ' - \\S'));
    assert.match(result.printed[0], / - open: server, protocol "echo"/);
    assertInOrder(result.printed, [/ - paused: reading stops$/, / - close frame received: 4000 "bye", answering$/]);
  }
);

test('nothing is written when DEBUG is unset; _debug is off but has printOutput()', T, async () => {
  const { code, stdout, stderr } = await run([SCENARIO], {});
  assert.strictEqual(code, 0, stderr);
  assert.strictEqual(stderr, '');
  assert.deepStrictEqual(JSON.parse(stdout), { enabled: false, printed: [] });
});

test(
  'namespaces are chosen and excluded as with debug: websocket:server, websocket:*,-websocket:connection',
  T,
  async () => {
    const server = await run([SCENARIO], { DEBUG: 'websocket:server' });
    assert.strictEqual(server.code, 0, server.stderr);
    const serverLines = entries(server.stderr);
    assert.ok(serverLines.length >= 5, server.stderr);
    assert.deepStrictEqual(
      serverLines.filter((line) => !line.startsWith('websocket:server ')),
      [],
      'only websocket:server'
    );
    assert.deepStrictEqual(JSON.parse(server.stdout).printed, []);

    const excluded = await run([SCENARIO], { DEBUG: 'other,websocket:*,-websocket:connection' });
    assert.strictEqual(excluded.code, 0, excluded.stderr);
    const lines = entries(excluded.stderr);
    assert.ok(lines.some((line) => line.startsWith('websocket:client ')));
    assert.ok(lines.some((line) => line.startsWith('websocket:server ')));
    assert.ok(!lines.some((line) => line.startsWith('websocket:connection ')), excluded.stderr);
  }
);

/** Logs the same lines through lib/debug.js and through the `debug` package, in that order. */
const SAME_LINES = `
  const ours = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'debug.js'))}).createLogger('websocket:server');
  const websocketDir = require('path').dirname(require.resolve('websocket'));
  const theirs = require(require.resolve('debug', { paths: [websocketDir] }))('websocket:server');
  for (const log of [ours, theirs]) {
    log('Invalid handshake: %s', 'Client must provide a value for Sec-WebSocket-Key.');
    log('%d - close(): %d %j %o', 3, 1000, 'bye', { a: [1, 2], b: 'x' });
    log('100%% %s', 'done', 'extra', 7);
    log({ nested: { deep: { deeper: { deepest: 1 } } } });
    log(new TypeError('two\\nlines'));
    log('line one\\nline two %O', [1, 2, 3]);
    log('disabled? %s', log.enabled);
  }`;

test(
  "lines are formatted exactly as websocket's debug (2.x) formats them: plain, DEBUG_DEPTH, DEBUG_COLORS, DEBUG_FD",
  T,
  async () => {
    for (const debugEnv of [
      { DEBUG: 'websocket:*' },
      { DEBUG: 'websocket:*', DEBUG_DEPTH: '1', DEBUG_COLORS: 'no' },
      { DEBUG: 'websocket:*', DEBUG_COLORS: 'on' },
      { DEBUG: 'websocket:*', DEBUG_FD: '1' }
    ]) {
      const result = await run(['-e', SAME_LINES], debugEnv);
      assert.strictEqual(result.code, 0, result.stderr);
      const text = debugEnv.DEBUG_FD === '1' ? result.stdout : result.stderr;
      assert.strictEqual(debugEnv.DEBUG_FD === '1' ? result.stderr : result.stdout, '');
      // Normalized: the second in the date, where each Error was made, and (with colours) the time since the last line.
      const normalized = text
        .replace(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT /gm, '<date> ')
        .replace(/\n\s+at [^\n]*/g, '')
        .replace(/\+\d+ms/g, '+Nms');
      const lines = normalized.split('\n').filter((line) => line !== '');
      assert.strictEqual(lines.length % 2, 0, normalized);
      const half = lines.length / 2;
      assert.ok(half >= 8, normalized);
      assert.deepStrictEqual(lines.slice(0, half), lines.slice(half), JSON.stringify(debugEnv));
      const ESC = '\u001b';
      if (debugEnv.DEBUG_COLORS === 'on') assert.ok(lines[0].startsWith('  ' + ESC + '[3'), lines[0]);
      else assert.match(lines[0], /^<date> websocket:server Invalid handshake: /);
    }
  }
);

test('a namespace that DEBUG leaves out writes nothing, however it is called', T, async () => {
  const { code, stderr } = await run(['-e', SAME_LINES], { DEBUG: 'websocket:client,-websocket:server' });
  assert.strictEqual(code, 0, stderr);
  assert.strictEqual(stderr, '');
});
