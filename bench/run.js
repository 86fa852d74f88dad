'use strict';
/**
 * `npm run bench`: websocket-rs, websocket and ws side by side, plus a native
 * Rust and a raw Node TCP reference, all driven by the same Rust load
 * generator (bench/loadgen). Servers run pinned to core 0, the generator to
 * core 1; implementations are interleaved (A B C A B C ...) over the rounds.
 *
 * Environment:
 *   BENCH_QUICK=1          about a minute: short windows, one round, smaller counts
 *   BENCH_SCENARIOS=a,b    only these scenario ids (or prefixes, e.g. "echo,throughput")
 *   BENCH_DURATION=5       measured seconds per run (after a warm-up)
 *   BENCH_ROUNDS=3         rounds
 *   BENCH_CONNECTIONS=32   connections for the 64 B and 4 KiB echoes (server and client)
 *   BENCH_IMPLS=a,b        only these targets: implementations (websocket-rs, websocket, ws)
 *                          and, if any are named, only these references (native, net)
 *
 * Writes bench/results/latest.json, docs/benchmarks.md and bench/benchmarks.svg.
 * `node bench/run.js --report` only renders the last results again (no runs).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const procs = require('./lib/procs');
const report = require('./lib/report');
const { IMPLEMENTATIONS, REFERENCES, LABELS, scenarios, targetsOf } = require('./lib/scenarios');

const ROOT = procs.ROOT;
const RESULTS = path.join(__dirname, 'results', 'latest.json');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const SVG = path.join(__dirname, 'benchmarks.svg');

/**
 * The configuration from the environment.
 * @returns {object}
 */
function config() {
  const env = process.env;
  const quick = env.BENCH_QUICK === '1';
  const num = (name, dflt) => {
    if (env[name] === undefined || env[name] === '') return dflt;
    const v = Number(env[name]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(name + ' must be a positive number, got ' + env[name]);
    return v;
  };
  const list = (name) =>
    env[name]
      ? env[name]
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : null;
  const targets = list('BENCH_IMPLS');
  const unknown = (targets || []).filter((t) => !IMPLEMENTATIONS.includes(t) && !REFERENCES.includes(t));
  if (unknown.length) {
    throw new Error(
      'BENCH_IMPLS names unknown target(s) ' +
        unknown.join(', ') +
        '; known: ' +
        [...IMPLEMENTATIONS, ...REFERENCES].join(', ')
    );
  }
  const references = targets ? targets.filter((t) => REFERENCES.includes(t)) : [];
  return {
    quick,
    duration: num('BENCH_DURATION', quick ? 0.6 : 5),
    warmup: quick ? 0.2 : 1,
    rounds: Math.round(num('BENCH_ROUNDS', quick ? 1 : 3)),
    connections: Math.round(num('BENCH_CONNECTIONS', 32)),
    clientConnections: Math.round(num('BENCH_CONNECTIONS', 32)),
    idleConnections: quick ? 2000 : 10000,
    scenarios: list('BENCH_SCENARIOS'),
    implementations: targets ? IMPLEMENTATIONS.filter((t) => targets.includes(t)) : IMPLEMENTATIONS,
    references: references.length ? references : null
  };
}

/**
 * The command line that reproduces this run.
 * @returns {string}
 */
function commandLine() {
  const vars = Object.keys(process.env)
    .filter((k) => k.startsWith('BENCH_'))
    .sort()
    .map((k) => k + '=' + process.env[k]);
  return [...vars, 'npm run bench'].join(' ');
}

/**
 * What the report says about the machine.
 * @param {string} loadBefore
 * @returns {object}
 */
function machine(loadBefore) {
  const cpus = os.cpus();
  let rustc = 'rustc (unknown version)';
  try {
    rustc = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // Reported as unknown.
  }
  const cpu = cpus.length ? cpus[0].model.trim() : 'unknown CPU';
  const version = (name) => {
    try {
      return require(require.resolve(name + '/package.json', { paths: [ROOT] })).version;
    } catch {
      return null;
    }
  };
  return {
    cpu,
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    rustc,
    versions: { ws: version('ws'), websocket: version('websocket'), bufferutil: version('bufferutil') },
    loadBefore,
    loadAfter: null,
    summary: cpu + ', ' + cpus.length + ' cores, Node ' + process.version
  };
}

/**
 * The 1/5/15-minute load averages as text.
 * @returns {string}
 */
function loadAverage() {
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');
}

/**
 * Builds the load generator (release).
 */
function buildLoadgen() {
  console.log('$ cargo build --release -p loadgen');
  execFileSync('cargo', ['build', '--release', '-p', 'loadgen'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Runs one server scenario on one target and returns the normalised result.
 * @param {object} s scenario
 * @param {string} target
 * @param {object} c config
 * @returns {Promise<object>}
 */
async function runServer(s, target, c) {
  const server = await procs.startServer(target, 0);
  try {
    const argv = [
      procs.LOADGEN,
      s.mode,
      '--port',
      String(server.port),
      '--pid',
      String(server.pid),
      '--duration',
      String(c.duration),
      '--warmup',
      String(c.warmup),
      ...s.args(),
      ...(target === 'net' ? ['--raw'] : [])
    ];
    const r = await procs.runJson(1, argv, (c.duration + c.warmup) * 1000 + 120000);
    if (r.errors > 0) throw new Error(r.errors + ' error(s): ' + (r.first_error || 'unknown'));
    return {
      value: r[s.metric],
      extra: s.extra ? r[s.extra] : null,
      cpuPer: r.server_cpu_us_per_msg,
      cpuShare: r.server_cpu_share,
      waitShare: r.server_wait_share,
      mainWait: r.server_main_wait_share,
      rssKb: r.server_rss_kb,
      genShare: r.gen_cpu_share,
      genWait: r.gen_wait_share,
      raw: r
    };
  } finally {
    await server.stop();
  }
}

/**
 * Runs the client scenario for one implementation against the native server
 * (which then plays the generator's part, on core 1).
 * @param {object} s scenario
 * @param {string} target
 * @param {object} c config
 * @returns {Promise<object>}
 */
async function runClient(s, target, c) {
  const server = await procs.startServer('native', 1);
  try {
    const script = path.join(__dirname, 'clients', 'client.js');
    const argv = [
      process.execPath,
      script,
      target,
      String(server.port),
      ...s.args(),
      String(c.duration),
      String(c.warmup)
    ];
    const cpu0 = procs.cpuUs(server.pid);
    const wait0 = procs.schedWaitNs(server.pid);
    const t0 = process.hrtime.bigint();
    const r = await procs.runJson(0, argv, (c.duration + c.warmup) * 1000 + 60000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = procs.cpuUs(server.pid);
    const wait1 = procs.schedWaitNs(server.pid);
    if (r.errors > 0) throw new Error(r.first_error || 'client reported an error');
    return {
      value: r[s.metric],
      extra: null,
      cpuPer: r.client_cpu_us_per_msg,
      cpuShare: r.client_cpu_share,
      waitShare: r.client_wait_share,
      rssKb: r.client_rss_kb,
      // The native server's share over the client's whole life: a lower bound for the window.
      genShare: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / 1e6 / seconds : null,
      genWait: wait0 !== null && wait1 !== null ? (wait1 - wait0) / 1e9 / seconds : null,
      raw: r
    };
  } finally {
    await server.stop();
  }
}

/**
 * Median of the finite numbers in `values` (null if none).
 * @param {number[]} values
 * @returns {number | null}
 */
function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Aggregates the runs of one scenario into per-target statistics and ratios against ws.
 * @param {object} s scenario
 * @param {string[]} targets
 * @param {Map<string, object[]>} runs
 * @param {Map<string, string>} errors
 * @returns {object}
 */
function aggregate(s, targets, runs, errors) {
  const stats = targets.map((target) => {
    const list = runs.get(target) || [];
    if (!list.length) {
      return { target, status: errors.has(target) ? 'unavailable' : 'not run', error: errors.get(target) || '' };
    }
    const values = list.map((r) => r.value).filter(Number.isFinite);
    const worst = (key) => Math.max(...list.map((r) => (Number.isFinite(r[key]) ? r[key] : 0)));
    const genMax = worst('genShare');
    const genWaitMax = worst('genWait');
    return {
      target,
      status: 'ok',
      error: errors.get(target) || null,
      runs: list.length,
      median: median(values),
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
      extraMedian: median(list.map((r) => r.extra)),
      cpuPer: median(list.map((r) => r.cpuPer)),
      cpuShare: median(list.map((r) => r.cpuShare)),
      waitShare: median(list.map((r) => r.waitShare)),
      mainWait: median(list.map((r) => r.mainWait)),
      rssKb: median(list.map((r) => r.rssKb)),
      genShareMax: genMax,
      genWaitMax,
      // Memory per connection does not depend on how fast the generator ran.
      genFlag: s.id !== 'idle' && (genMax > report.GEN_LIMIT || genWaitMax > report.GEN_WAIT_LIMIT),
      results: list.map((r) => r.raw)
    };
  });
  const ws = stats.find((t) => t.target === 'ws' && t.status === 'ok');
  for (const t of stats) {
    if (t.status !== 'ok' || !ws) continue;
    const better = (mine, theirs, higher) =>
      mine && theirs && mine > 0 && theirs > 0 ? (higher ? mine / theirs : theirs / mine) : null;
    t.ratio = better(t.median, ws.median, s.better === 'higher');
    t.cpuRatio = better(t.cpuPer, ws.cpuPer, false);
  }
  return {
    id: s.id,
    title: s.title,
    what: s.what,
    kind: s.kind,
    metric: s.metric,
    unit: s.unit,
    better: s.better,
    extra: s.extra || null,
    extraLabel: s.extra ? s.extra.replace('_us', ' µs') : null,
    per: s.per,
    checks: s.checks,
    targets: stats
  };
}

/**
 * The hard open-file limit children can raise themselves to (bash `ulimit -Hn`).
 * @returns {number}
 */
function fdHardLimit() {
  try {
    const text = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Infinity : Number(text) || 1024;
  } catch {
    return 1024;
  }
}

/**
 * Lowers the idle connection count when it needs more descriptors than one process may open, and says so.
 * @param {object} c config (changed in place)
 */
function fitToFdLimit(c) {
  const limit = fdHardLimit();
  const room = limit - 200;
  if (c.idleConnections <= room) return;
  const fit = Math.max(100, Math.floor(room / 100) * 100);
  console.log(
    `The open-file limit is ${limit} (ulimit -Hn), too low for ${c.idleConnections} ` +
      `connections: using ${fit} instead. Raise the hard limit (e.g. in /etc/security/limits.conf) to measure the full count.`
  );
  c.idleConnections = fit;
}

/**
 * Seconds the runs should take: warm-up, window and about half a second of
 * start-up and connection set-up per run; idle runs are as long as opening
 * their connections takes (about a millisecond each).
 * @param {object[]} list scenarios
 * @param {object} c config
 * @returns {number}
 */
function estimate(list, c) {
  let seconds = 0;
  for (const s of list) {
    const perRun = s.id === 'idle' ? c.idleConnections / 1000 + 1 : c.warmup + c.duration + 0.5;
    seconds += perRun * targetsOf(s, c.implementations, c.references).length * c.rounds;
  }
  return seconds;
}

async function main() {
  const c = config();
  fitToFdLimit(c);
  const loadBefore = loadAverage();
  buildLoadgen();
  let list = scenarios(c);
  if (c.scenarios) {
    list = list.filter((s) => c.scenarios.some((p) => s.id === p || s.id.startsWith(p)));
    if (!list.length)
      throw new Error(
        'BENCH_SCENARIOS matched no scenario; ids: ' +
          scenarios(c)
            .map((s) => s.id)
            .join(', ')
      );
  }
  const runs = list.reduce((n, s) => n + targetsOf(s, c.implementations, c.references).length, 0) * c.rounds;
  console.log(
    `${list.length} scenario(s), ${runs} run(s) of ${c.warmup} + ${c.duration} s: about ${Math.ceil(estimate(list, c) / 60)} minute(s).`
  );
  const started = Date.now();
  const results = [];
  const failures = new Map();
  for (const s of list) {
    const targets = targetsOf(s, c.implementations, c.references);
    const runs = new Map();
    const errors = new Map();
    for (let round = 1; round <= c.rounds; round++) {
      for (const target of targets) {
        if (errors.has(target)) continue;
        const label = `[${s.id} ${round}/${c.rounds}] ${LABELS[target]}`;
        try {
          const r = s.kind === 'client' ? await runClient(s, target, c) : await runServer(s, target, c);
          if (!runs.has(target)) runs.set(target, []);
          runs.get(target).push(r);
          const gen =
            (Number.isFinite(r.genShare) ? ', gen ' + Math.round(r.genShare * 100) + '%' : '') +
            (Number.isFinite(r.genWait) ? ' (wait ' + r.genWait.toFixed(2) + ')' : '');
          const wait = Number.isFinite(r.waitShare) ? ', wait ' + r.waitShare.toFixed(2) + ' core' : '';
          console.log(
            `${label}: ${report.fmt(r.value)} ${s.unit}, ${report.fmt(r.cpuPer)} CPU-µs/${s.per}${wait}${gen}`
          );
        } catch (e) {
          const text = String((e && e.message) || e);
          errors.set(target, text);
          const key = target + '\n' + text;
          if (!failures.has(key)) failures.set(key, { target: LABELS[target], scenarios: [], error: text });
          failures.get(key).scenarios.push(s.id);
          console.log(`${label}: unavailable: ${text.split('\n')[0].slice(0, 200)}`);
        }
      }
    }
    results.push(aggregate(s, targets, runs, errors));
  }
  const m = machine(loadBefore);
  m.loadAfter = loadAverage();
  const result = {
    generated: new Date().toISOString(),
    command: commandLine(),
    seconds: Math.round((Date.now() - started) / 1000),
    config: c,
    machine: m,
    unavailable: [...failures.values()],
    scenarios: results
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
  render(result);
}

/**
 * Writes the chart and the Markdown report, and prints the tables.
 * @param {object} result
 */
function render(result) {
  fs.writeFileSync(SVG, report.chart(result));
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, report.markdown(result, path.relative(path.dirname(DOC), SVG)));
  console.log(report.terminal(result));
  console.log(
    `\nWrote ${path.relative(ROOT, RESULTS)}, ${path.relative(ROOT, DOC)} and ${path.relative(ROOT, SVG)} (${result.seconds} s).`
  );
}

if (process.argv.includes('--report')) {
  render(JSON.parse(fs.readFileSync(RESULTS, 'utf8')));
  process.exit(0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
