'use strict';
/**
 * The benchmark report judges websocket-rs against the targets of issues 14
 * and 10: the ratio's direction, the bound and a missing reference.
 */
const test = require('node:test');
const assert = require('node:assert');

const report = require('../bench/lib/report');
const { scenarios } = require('../bench/lib/scenarios');

/**
 * Statistics of one target as bench/run.js aggregates them.
 * @param {string} target
 * @param {number} median
 * @param {number} cpuPer
 * @returns {object}
 */
function stat(target, median, cpuPer) {
  return { target, status: 'ok', median, cpuPer, waitShare: 0.01, genFlag: false, runs: 1 };
}

const config = { quick: true, connections: 32, clientConnections: 32, idleConnections: 2000, rounds: 1 };

/**
 * An aggregated scenario built from its definition and the given targets.
 * @param {string} id
 * @param {object[]} targets
 * @returns {object}
 */
function scenario(id, targets) {
  const s = scenarios(config).find((x) => x.id === id);
  return { ...s, args: undefined, targets };
}

test('every row of issue 14 and the idle row of issue 10 carries a target', { timeout: 10000 }, () => {
  const ids = scenarios(config)
    .filter((s) => s.checks.length)
    .map((s) => s.id);
  assert.deepStrictEqual(ids, [
    'echo-64',
    'echo-4k',
    'pingpong-64',
    'connect',
    'throughput-64k',
    'throughput-1m',
    'broadcast',
    'idle'
  ]);
});

test('echo is judged against ws and against the Node net echo', { timeout: 10000 }, () => {
  const s = scenario('echo-64', [stat('websocket-rs', 1000, 1), stat('ws', 100, 8), stat('net', 950, 1.2)]);
  const [vsWs, vsNet] = s.checks.map((c) => report.judge(s, c));
  assert.strictEqual(vsWs.ratio, 10);
  assert.strictEqual(vsWs.status, 'met');
  assert.ok(Math.abs(vsNet.ratio - 1000 / 950) < 1e-12);
  assert.strictEqual(vsNet.status, 'missed');
});

test('ping-pong CPU and p50 must stay under a fraction of ws', { timeout: 10000 }, () => {
  const s = scenario('pingpong-64', [stat('websocket-rs', 90, 30), stat('ws', 100, 40)]);
  const [cpu, p50] = s.checks.map((c) => report.judge(s, c));
  assert.strictEqual(cpu.ratio, 0.75);
  assert.strictEqual(cpu.status, 'met');
  assert.strictEqual(p50.ratio, 0.9);
  assert.strictEqual(p50.status, 'met');
  const slow = scenario('pingpong-64', [stat('websocket-rs', 99, 35), stat('ws', 100, 40)]);
  assert.deepStrictEqual(
    slow.checks.map((c) => report.judge(slow, c).status),
    ['missed', 'missed']
  );
});

test('throughput is judged against the native echo and idle memory against ws', { timeout: 10000 }, () => {
  const big = scenario('throughput-1m', [stat('websocket-rs', 180, 1), stat('native', 200, 1)]);
  assert.strictEqual(report.judge(big, big.checks[0]).status, 'met');
  const idle = scenario('idle', [stat('websocket-rs', 3200, 1), stat('ws', 6200, 1)]);
  assert.strictEqual(report.judge(idle, idle.checks[0]).status, 'missed');
});

test('a target whose reference did not run is not measured', { timeout: 10000 }, () => {
  const s = scenario('broadcast', [
    stat('websocket-rs', 1e6, 1),
    { target: 'ws', status: 'unavailable', error: 'exited' }
  ]);
  const j = report.judge(s, s.checks[0]);
  assert.strictEqual(j.ratio, null);
  assert.strictEqual(j.status, 'not measured');
  const rows = report.targets({ scenarios: [s] });
  assert.strictEqual(rows.length, 2);
  assert.match(rows[1][6], /not measured/);
  assert.match(rows[1][5], /≥ 20× ws/);
});
