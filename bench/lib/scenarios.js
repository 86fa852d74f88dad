'use strict';
/**
 * The benchmark scenarios (issue 6) and the targets they run on.
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
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} title
 * @property {'server'|'client'} kind
 * @property {string} [mode] loadgen mode (server scenarios)
 * @property {(c: object) => string[]} args loadgen (or client) arguments
 * @property {string} metric result field shown first
 * @property {string} unit unit of the metric
 * @property {'higher'|'lower'} better which direction is better
 * @property {string} [extra] a second result field shown beside the metric (e.g. p99)
 * @property {string} per what the CPU time is divided by ("msg", "connection")
 * @property {boolean} raw whether the raw TCP echo reference applies
 * @property {string} what one-line description for the report
 */

/**
 * The scenarios for a configuration.
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
  return [
    {
      id: 'echo-text-32',
      title: 'Echo, 32 B text, pipelined',
      kind: 'server',
      mode: 'echo',
      args: () => echo(32, false, c.connections, 16),
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      raw: true,
      what: c.connections + ' connections, 16 messages in flight on each; every echo checked'
    },
    {
      id: 'echo-binary-32',
      title: 'Echo, 32 B binary, pipelined',
      kind: 'server',
      mode: 'echo',
      args: () => echo(32, true, c.connections, 16),
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      raw: true,
      what: c.connections + ' connections, 16 messages in flight on each'
    },
    {
      id: 'latency-32',
      title: 'Ping-pong latency, 32 B text',
      kind: 'server',
      mode: 'latency',
      args: () => ['--size', '32'],
      metric: 'p50_us',
      extra: 'p99_us',
      unit: 'µs p50',
      better: 'lower',
      per: 'msg',
      raw: true,
      what: 'one connection, one message at a time; round trip p50 (p99 beside it)'
    },
    {
      id: 'echo-4k',
      title: 'Echo, 4 KiB binary',
      kind: 'server',
      mode: 'echo',
      args: () => echo(4096, true, c.connections, 4),
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      raw: true,
      what: c.connections + ' connections, 4 messages in flight on each'
    },
    ...[
      ['64k', 65536],
      ['1m', 1 << 20],
      ['16m', 16 << 20]
    ].map(([name, size]) => ({
      id: 'throughput-' + name,
      title: 'Throughput, ' + name.toUpperCase().replace('K', ' KiB').replace('M', ' MiB') + ' binary',
      kind: 'server',
      mode: 'echo',
      args: () => echo(size, true, 1, 2),
      metric: 'mb_per_s',
      unit: 'MB/s',
      better: 'higher',
      per: 'msg',
      raw: true,
      what: 'one connection, 2 messages in flight; MB/s echoed (one direction)'
    })),
    {
      id: 'connect',
      title: 'Connection setup rate',
      kind: 'server',
      mode: 'connect',
      args: () => ['--connections', '10', '--max', '25000'],
      metric: 'msgs_per_s',
      unit: 'conn/s',
      better: 'higher',
      per: 'connection',
      raw: false,
      what: '10 workers: TCP connect, opening handshake, close handshake, repeat'
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
      raw: false,
      what:
        'server anonymous RSS growth (RssAnon: heap and stacks, not code mapped from files) over ' +
        c.idleConnections +
        ' open connections, divided by their number'
    },
    ...c.broadcastClients.map((n) => ({
      id: 'broadcast-' + (n >= 1000 ? n / 1000 + 'k' : n),
      title: 'Broadcast 1 KiB to ' + n.toLocaleString('en-US') + ' clients',
      kind: 'server',
      mode: 'broadcast',
      args: () => ['--connections', String(n), '--size', '1024', '--count', '1', '--reps', String(c.quick ? 3 : 10)],
      metric: 'median_ms',
      unit: 'ms',
      better: 'lower',
      per: 'msg',
      raw: false,
      what: 'time from the trigger until every client got the 1 KiB text message (median of the repetitions)'
    })),
    {
      id: 'client-echo-32',
      title: 'Client: echo, 32 B text, pipelined',
      kind: 'client',
      args: () => [String(c.clientConnections), '16', '32'],
      metric: 'msgs_per_s',
      unit: 'msg/s',
      better: 'higher',
      per: 'msg',
      raw: false,
      what:
        "each implementation's client, " +
        c.clientConnections +
        ' connections × 16 in flight, against the native echo server; CPU is the client process'
    }
  ];
}

/**
 * The targets a scenario runs on.
 * @param {Scenario} s
 * @param {string[]} implementations
 * @returns {string[]}
 */
function targetsOf(s, implementations) {
  if (s.kind === 'client') return implementations.slice();
  return [...implementations, 'native', ...(s.raw ? ['net'] : [])];
}

module.exports = { IMPLEMENTATIONS, REFERENCES, LABELS, scenarios, targetsOf };
