'use strict';
/**
 * The benchmark scenarios (issue 14's table and issue 10's idle row), the
 * targets they run on and the targets they are judged by.
 *
 * A server scenario runs `loadgen <mode>` against each server target; the
 * client scenario runs `clients/client.js <impl>` against `loadgen serve`.
 */

/** The implementations compared, in the order they are interleaved. */
const IMPLEMENTATIONS = ['websocket-rs', 'websocket', 'ws'];

/** Reference servers that show the ceiling, driven by the same generator. */
const REFERENCES = ['native', 'net'];

/** Display names of the targets. */
const LABELS = {
  'websocket-rs': 'websocket-rs',
  websocket: 'websocket 1.0.35',
  ws: 'ws 8',
  native: 'native Rust (ref)',
  net: 'Node net, raw TCP (ref)'
};

/**
 * A target from an issue: `ratio = websocket-rs / reference` for one figure,
 * compared with `min` (at least) or `max` (at most).
 * @typedef {object} Check
 * @property {'median'|'cpuPer'} field the scenario's metric, or CPU-µs per message
 * @property {'ws'|'net'|'native'} vs the reference target
 * @property {number} [min] the ratio must be at least this
 * @property {number} [max] the ratio must be at most this
 * @property {number} issue the issue that sets the target
 */

/**
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} title
 * @property {'server'|'client'} kind
 * @property {string} [mode] loadgen mode (server scenarios)
 * @property {() => string[]} args loadgen (or client) arguments
 * @property {string} metric result field shown first
 * @property {string} unit unit of the metric
 * @property {'higher'|'lower'} better which direction is better
 * @property {string} [extra] a second result field shown beside the metric (e.g. p99)
 * @property {string} per what the CPU time is divided by ("msg", "connection", "delivery")
 * @property {string[]} refs the reference servers it also runs on
 * @property {Check[]} checks the targets it is judged by
 * @property {string} what one-line description for the report
 */

/**
 * The scenarios for a configuration: the rows of issue 14's table, the idle
 * row of issue 10, and the client echo.
 * @param {object} c configuration (see run.js)
 * @returns {Scenario[]}
 */
function scenarios(c) {
  const echo = (size, binary, connections, window) => [
    '--size',
    String(size),
    '--connections',
    String(connections),
    '--window',
    String(window),
    ...(binary ? ['--binary'] : [])
  ];
  const n = c.connections;
  return [
    {
      id: 'echo-64',
      title: `Echo, 64 B text, ${n} × 8`,
      kind: 'server',
      mode: 'echo',
      args: () => echo(64, false, n, 8),
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      refs: ['native', 'net'],
      checks: [
        { field: 'median', vs: 'ws', min: 8, issue: 14 },
        { field: 'median', vs: 'net', min: 1.1, issue: 14 }
      ],
      what: n + ' connections, 8 messages in flight on each; every echo checked'
    },
    {
      id: 'echo-4k',
      title: `Echo, 4 KiB binary, ${n} × 8`,
      kind: 'server',
      mode: 'echo',
      args: () => echo(4096, true, n, 8),
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      refs: ['native', 'net'],
      checks: [{ field: 'median', vs: 'net', min: 1.3, issue: 14 }],
      what: n + ' connections, 8 messages in flight on each'
    },
    {
      id: 'pingpong-64',
      title: 'Ping-pong, 64 B text, one in flight',
      kind: 'server',
      mode: 'latency',
      args: () => ['--size', '64'],
      metric: 'p50_us',
      extra: 'p99_us',
      unit: 'µs p50',
      better: 'lower',
      per: 'msg',
      refs: ['native', 'net'],
      checks: [
        { field: 'cpuPer', vs: 'ws', max: 0.8, issue: 14 },
        { field: 'median', vs: 'ws', max: 0.95, issue: 14 }
      ],
      what: 'one connection, one message at a time; round trip p50 (p99 beside it)'
    },
    {
      id: 'connect',
      title: 'Connect + handshake + close',
      kind: 'server',
      mode: 'connect',
      args: () => ['--connections', '10', '--max', '25000'],
      metric: 'msgs_per_s',
      unit: 'conn/s',
      better: 'higher',
      per: 'connection',
      refs: ['native'],
      checks: [{ field: 'median', vs: 'ws', min: 1.8, issue: 14 }],
      what: '10 workers: TCP connect, opening handshake, close handshake, repeat'
    },
    {
      id: 'throughput-64k',
      title: '64 KiB binary, 4 × 4',
      kind: 'server',
      mode: 'echo',
      args: () => echo(65536, true, 4, 4),
      metric: 'mb_per_s',
      unit: 'MB/s',
      better: 'higher',
      per: 'msg',
      refs: ['native', 'net'],
      checks: [{ field: 'median', vs: 'native', min: 0.9, issue: 14 }],
      what: '4 connections, 4 messages in flight on each; MB/s echoed (one direction)'
    },
    {
      id: 'throughput-1m',
      title: '1 MiB binary, 1 × 4',
      kind: 'server',
      mode: 'echo',
      args: () => echo(1 << 20, true, 1, 4),
      metric: 'mb_per_s',
      unit: 'MB/s',
      better: 'higher',
      per: 'msg',
      refs: ['native', 'net'],
      checks: [{ field: 'median', vs: 'native', min: 0.9, issue: 14 }],
      what: 'one connection, 4 messages in flight; MB/s echoed (one direction)'
    },
    {
      id: 'broadcast',
      title: 'Broadcast 100 × 128 B to 100 clients',
      kind: 'server',
      mode: 'broadcast',
      args: () => ['--connections', '100', '--count', '100', '--size', '128', '--reps', '3'],
      metric: 'deliveries_per_s',
      unit: 'deliveries/s',
      better: 'higher',
      per: 'delivery',
      refs: ['native'],
      checks: [{ field: 'median', vs: 'ws', min: 20, issue: 14 }],
      what:
        'one client sends a trigger; in one synchronous JS run the server sends 100 text messages of 128 B to ' +
        'each of the 100 clients (broadcastUTF on websocket and websocket-rs, a loop over wss.clients on ws); ' +
        'repeated back to back, deliveries counted until the last one of each repetition arrived'
    },
    {
      id: 'idle',
      title: 'Memory per idle connection',
      kind: 'server',
      mode: 'idle',
      args: () => ['--connections', String(c.idleConnections), '--hold', String(c.quick ? 0.5 : 1)],
      metric: 'bytes_per_connection',
      unit: 'B/conn',
      better: 'lower',
      per: 'connection',
      refs: ['native'],
      checks: [{ field: 'median', vs: 'ws', max: 0.5, issue: 10 }],
      what:
        'keepalive off; server anonymous RSS growth (RssAnon: heap and stacks, not code mapped from files) over ' +
        c.idleConnections +
        ' open connections, divided by their number'
    },
    {
      id: 'client-echo-64',
      title: `Client: echo, 64 B text, ${c.clientConnections} × 8`,
      kind: 'client',
      args: () => [String(c.clientConnections), '8', '64'],
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      refs: [],
      checks: [],
      what:
        "each implementation's client, " +
        c.clientConnections +
        ' connections × 8 in flight, against the native echo server; CPU and scheduler wait are the client process'
    }
  ];
}

/**
 * The targets a scenario runs on: the implementations, then its references
 * (only those named in `references`, when that is given).
 * @param {Scenario} s
 * @param {string[]} implementations
 * @param {string[]} [references] references asked for (all of the scenario's when absent)
 * @returns {string[]}
 */
function targetsOf(s, implementations, references) {
  const refs = references ? s.refs.filter((r) => references.includes(r)) : s.refs;
  return [...implementations, ...refs];
}

module.exports = { IMPLEMENTATIONS, REFERENCES, LABELS, scenarios, targetsOf };
