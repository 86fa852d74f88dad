'use strict';
/**
 * Turns the aggregated results into the terminal table, the Markdown report
 * and the SVG chart. Pure functions of the JSON written to bench/results/.
 */
const { LABELS, scenarios } = require('./scenarios');

/** Generator CPU share above which a run may measure the generator, not the server. */
const GEN_LIMIT = 0.85;

/** Generator scheduler wait (fraction of a core) above which it was short of CPU: other load on its core. */
const GEN_WAIT_LIMIT = 0.25;

/** Bar colours per target in the chart. */
const COLORS = {
  'websocket-rs': '#d9480f',
  websocket: '#5c7cfa',
  ws: '#868e96',
  native: '#2b8a3e',
  net: '#94d82d'
};

/**
 * Formats a number compactly (1.23M, 45.6k, 789, 12.3, 1.23).
 * @param {number | null | undefined} v
 * @returns {string}
 */
function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/**
 * Formats a ratio against ws.
 * @param {number | null} r
 * @returns {string}
 */
function fmtRatio(r) {
  return r === null || !Number.isFinite(r) ? '–' : (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';
}

/**
 * Formats a scheduler-wait share (fraction of a core).
 * @param {number | null | undefined} v
 * @returns {string}
 */
function fmtWait(v) {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2);
}

/** How the targets' references are named in the targets table. */
const REF_NAMES = { ws: 'ws', net: 'Node `net` echo', native: 'the native Rust echo' };

/**
 * Judges one target of a scenario: websocket-rs's figure divided by the
 * reference's, against the bound the issue sets.
 * @param {object} s aggregated scenario
 * @param {object} check see scenarios.js (Check)
 * @returns {{ours: object | null, ref: object | null, ratio: number | null, status: 'met' | 'missed' | 'not measured'}}
 */
function judge(s, check) {
  const ok = (name) => s.targets.find((t) => t.target === name && t.status === 'ok') || null;
  const ours = ok('websocket-rs');
  const ref = ok(check.vs);
  const a = ours && ours[check.field];
  const b = ref && ref[check.field];
  const ratio = Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? a / b : null;
  let status = 'not measured';
  if (ratio !== null) {
    const met = check.min !== undefined ? ratio >= check.min : ratio <= check.max;
    status = met ? 'met' : 'missed';
  }
  return { ours, ref, ratio, status };
}

/**
 * The text of a target, e.g. "≥ 8× ws".
 * @param {object} check
 * @returns {string}
 */
function targetText(check) {
  const bound = check.min !== undefined ? '≥ ' + check.min : '≤ ' + check.max;
  return bound + '× ' + REF_NAMES[check.vs];
}

/**
 * One target's figure of one target server, with its CPU time per message and
 * scheduler wait beside it (memory alone for the idle row).
 * @param {object} s aggregated scenario
 * @param {object} check
 * @param {object | null} t the target's statistics
 * @returns {string}
 */
function figure(s, check, t) {
  if (!t) return 'not measured';
  const v = t[check.field];
  const flag = t.genFlag ? ' ⚠' : '';
  if (s.id === 'idle') return fmt(v) + ' ' + s.unit + flag;
  const cpu = fmt(t.cpuPer) + ' CPU-µs/' + s.per;
  const text = check.field === 'cpuPer' ? cpu : fmt(v) + ' ' + s.unit + ', ' + cpu;
  return text + ', wait ' + fmtWait(t.waitShare) + flag;
}

/**
 * The targets table: one row per target of the issues, websocket-rs against
 * its reference, with the ratio, the target and whether it is met.
 * @param {object} result
 * @returns {string[][]}
 */
function targets(result) {
  const out = [['workload', 'figure', 'websocket-rs', 'reference', 'ratio', 'target', 'result']];
  for (const s of result.scenarios) {
    for (const check of s.checks || []) {
      const j = judge(s, check);
      const what = check.field === 'cpuPer' ? 'CPU-µs/' + s.per : s.unit;
      const refLabel = LABELS[check.vs] || check.vs;
      out.push([
        s.title,
        what,
        figure(s, check, j.ours),
        refLabel + ': ' + figure(s, check, j.ref),
        fmtRatio(j.ratio),
        targetText(check) + ' (#' + check.issue + ')',
        j.status === 'met' ? '✓ met' : j.status === 'missed' ? '✗ missed' : '– not measured'
      ]);
    }
  }
  return out;
}

/**
 * How many targets the run met, as a sentence.
 * @param {object} result
 * @returns {string}
 */
function tally(result) {
  const all = result.scenarios.flatMap((s) => (s.checks || []).map((c) => judge(s, c).status));
  const met = all.filter((x) => x === 'met').length;
  const unmeasured = all.filter((x) => x === 'not measured').length;
  return `${met} of ${all.length} targets met` + (unmeasured ? ` (${unmeasured} not measured).` : '.');
}

/**
 * The rows of one scenario's table: a header row, then one row per target.
 * @param {object} s aggregated scenario
 * @returns {string[][]}
 */
function rows(s) {
  const head = ['target', s.unit + ' (median)', 'min–max', 'vs ws'];
  if (s.extra) head.push(s.extraLabel || s.extra);
  head.push('CPU-µs/' + s.per, 'CPU vs ws', 'wait (core)', 'main thread', 'RSS MiB', 'runs');
  const out = [head];
  for (const t of s.targets) {
    const label = LABELS[t.target] || t.target;
    if (t.status !== 'ok') {
      const row = [label, t.status + ': ' + shorten(t.error || '', 90)];
      while (row.length < head.length) row.push('');
      out.push(row);
      continue;
    }
    const row = [label + (t.genFlag ? ' ⚠' : ''), fmt(t.median), fmt(t.min) + '–' + fmt(t.max), fmtRatio(t.ratio)];
    if (s.extra) row.push(fmt(t.extraMedian));
    row.push(
      fmt(t.cpuPer),
      fmtRatio(t.cpuRatio),
      fmtWait(t.waitShare),
      fmtWait(t.mainWait),
      t.rssKb === null || t.rssKb === undefined ? '–' : (t.rssKb / 1024).toFixed(0),
      String(t.runs)
    );
    out.push(row);
  }
  return out;
}

/**
 * Cuts a text to `n` characters.
 * @param {string} text
 * @param {number} n
 * @returns {string}
 */
function shorten(text, n) {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/**
 * A plain-text table with padded columns.
 * @param {string[][]} table
 * @returns {string}
 */
function textTable(table) {
  const widths = [];
  for (const row of table) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] || 0, [...cell].length)));
  return table
    .map((row, r) => {
      const line = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
      return r === 0 ? line + '\n' + '-'.repeat(line.length) : line;
    })
    .join('\n');
}

/**
 * A Markdown table.
 * @param {string[][]} table
 * @returns {string}
 */
function mdTable(table) {
  const [head, ...body] = table;
  const esc = (c) => c.replace(/\|/g, '\\|');
  const lines = [
    '| ' + head.map(esc).join(' | ') + ' |',
    '|' + head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|') + '|'
  ];
  for (const row of body) lines.push('| ' + row.map(esc).join(' | ') + ' |');
  return lines.join('\n');
}

/**
 * The terminal report.
 * @param {object} result
 * @returns {string}
 */
function terminal(result) {
  const parts = [];
  const goals = targets(result);
  if (goals.length > 1) {
    parts.push('\nTargets (websocket-rs / reference): ' + tally(result) + '\n' + textTable(goals));
  }
  for (const s of result.scenarios) {
    parts.push('\n' + s.title + ' — ' + s.what + '\n' + textTable(rows(s)));
  }
  parts.push(
    '\n"vs ws" > 1 means better than ws (more per second, or less time, memory or CPU). ' +
      '⚠ = in some run the generator used more than ' +
      GEN_LIMIT * 100 +
      ' % of its core, or waited for it more than ' +
      GEN_WAIT_LIMIT +
      " of the window (the number may be the generator's limit). " +
      "wait = fraction of a core the server's threads sat runnable but not running in the window."
  );
  return parts.join('\n');
}

/**
 * Escapes text for XML.
 * @param {string} text
 * @returns {string}
 */
function xml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An SVG chart with two panels: for every scenario, one bar per target showing
 * how many times better than ws it is (left: the scenario's metric; right: CPU
 * time per message or connection), on log scales centred on ws = 1.
 * @param {object} result
 * @returns {string}
 */
function chart(result) {
  const ok = (v) => Number.isFinite(v) && v > 0;
  const groups = result.scenarios
    .map((s) => ({ s, bars: s.targets.filter((t) => t.status === 'ok' && ok(t.ratio)) }))
    .filter((g) => g.bars.length > 0);
  const ratios = groups.flatMap((g) => g.bars.flatMap((t) => [t.ratio, t.cpuRatio].filter(ok)));
  const lo = Math.pow(2, Math.max(-5, Math.min(-1, Math.floor(Math.log2(Math.min(1, ...ratios))))));
  const hi = Math.pow(2, Math.min(8, Math.max(1, Math.ceil(Math.log2(Math.max(1, ...ratios))))));
  const left = 190;
  const panel = 330;
  const between = 50;
  const bar = 14;
  const gap = 4;
  const top = 100;
  const panels = [
    { key: 'ratio', x0: left, title: 'Speed, memory or time' },
    { key: 'cpuRatio', x0: left + panel + between, title: 'CPU time per message (or connection)' }
  ];
  const scale = (x0, r) =>
    x0 + ((Math.log2(Math.min(hi, Math.max(lo, r))) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * panel;
  let y = top;
  const body = [];
  for (const g of groups) {
    body.push(`<text x="8" y="${y + 12}" class="group">${xml(g.s.title)}</text>`);
    y += 18;
    for (const t of g.bars) {
      body.push(`<text x="${left - 6}" y="${y + bar - 3}" class="label">${xml(LABELS[t.target] || t.target)}</text>`);
      for (const p of panels) {
        const r = t[p.key];
        if (!ok(r)) continue;
        const x1 = scale(p.x0, 1);
        const x2 = scale(p.x0, r);
        const from = Math.min(x1, x2);
        const w = Math.max(1, Math.abs(x2 - x1));
        const fill = COLORS[t.target] || '#333';
        body.push(`<rect x="${from.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${fill}"/>`);
        const tx = r >= 1 ? x2 + 4 : x2 - 4;
        const anchor = r >= 1 ? 'start' : 'end';
        body.push(
          `<text x="${tx.toFixed(1)}" y="${y + bar - 3}" class="value" text-anchor="${anchor}">${fmtRatio(r)}</text>`
        );
      }
      y += bar + gap;
    }
    y += 8;
  }
  const axes = [];
  for (const p of panels) {
    axes.push(
      `<text x="${p.x0 + panel / 2}" y="${top - 26}" class="panel" text-anchor="middle">${xml(p.title)}</text>`
    );
    for (let r = lo; r <= hi; r *= 2) {
      const tx = scale(p.x0, r).toFixed(1);
      axes.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${y}" class="${r === 1 ? 'one' : 'grid'}"/>`);
      axes.push(
        `<text x="${tx}" y="${top - 10}" class="tick" text-anchor="middle">${r < 1 ? '1/' + 1 / r : r}×</text>`
      );
    }
  }
  const width = left + 2 * panel + between + 40;
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.group{font-size:13px;font-weight:bold}.label{font-size:11px;text-anchor:end}.value{font-size:10px}' +
      '.panel{font-size:12px;font-weight:bold}.tick{font-size:10px;fill:#555}.grid{stroke:#e5e5e5}' +
      '.one{stroke:#333;stroke-width:1.5}</style>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    '<text x="8" y="20" font-size="15" font-weight="bold">Compared with ws (log scale, ws = 1×; right of the line is better)</text>',
    '<text x="8" y="38" font-size="11" fill="#555">Left: more msg/s, MB/s or conn/s, or less latency, memory per connection or broadcast time. Right: less CPU.</text>',
    `<text x="8" y="53" font-size="11" fill="#555">Medians of ${result.config.rounds} interleaved round(s); ${xml(result.machine.summary)}.</text>`,
    ...axes,
    ...body,
    '</svg>',
    ''
  ].join('\n');
}

/**
 * One row per scenario: each target's ratio against ws, for the metric and for CPU.
 * @param {object} result
 * @returns {string[][]}
 */
function summary(result) {
  const targets = ['websocket-rs', 'websocket', 'native', 'net'];
  const head = ['scenario (× ws, > 1 = better)'];
  for (const t of targets) head.push(LABELS[t], 'CPU');
  const out = [head];
  for (const s of result.scenarios) {
    const row = [s.title];
    for (const name of targets) {
      const t = s.targets.find((x) => x.target === name);
      if (!t) row.push('', '');
      else if (t.status !== 'ok') row.push(t.status, '');
      else row.push(fmtRatio(t.ratio), fmtRatio(t.cpuRatio));
    }
    out.push(row);
  }
  return out;
}

/**
 * The Markdown report (docs/benchmarks.md).
 * @param {object} result
 * @param {string} chartPath path of the SVG relative to the docs folder
 * @returns {string}
 */
function markdown(result, chartPath) {
  const m = result.machine;
  const c = result.config;
  const v = m.versions || {};
  const bufferutil = v.bufferutil
    ? `with bufferutil ${v.bufferutil}`
    : 'without bufferutil (not installed: ws masks and unmasks in JavaScript)';
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.js) from bench/results/latest.json. Do not edit by hand. -->',
    '',
    `Generated ${result.generated} by \`${result.command}\` (${result.seconds} s).`,
    '',
    '## Targets',
    '',
    'Each target of issue 14 (the event-loop transport) and issue 10 (memory per idle connection) as websocket-rs ' +
      "divided by the reference's figure, from this run. The server's scheduler wait (fraction of a core its threads " +
      'sat runnable but not running during the measured window) is beside each rate. ' +
      tally(result),
    '',
    mdTable(targets(result)),
    '',
    `![Compared with ws](${chartPath})`,
    '',
    '## Machine and settings',
    '',
    `- CPU: ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB memory, Linux ${m.kernel}`,
    `- Node ${m.node}, ${m.rustc}; ws ${v.ws || '?'} ${bufferutil}; websocket ${v.websocket || '?'}`,
    '- Servers pinned to core 0, the generator (or the client under test) to core 1 (`taskset`)',
    `- Load average before / after: ${m.loadBefore} / ${m.loadAfter} (other work on the machine adds noise)`,
    `- ${c.rounds} round(s), targets interleaved within each round; ${c.duration} s measured after ${c.warmup} s warm-up per run`,
    '- Numbers are medians over the rounds, with min–max. In the summary and the per-scenario tables "vs ws" > 1 means better than ws (more per second, or less time, memory or CPU); the targets table above divides websocket-rs by the reference as the issues state the targets.',
    '- CPU-µs is the CPU time of the server process (all threads, from `/proc/<pid>/task/*/schedstat`) over the measured window, divided by messages, deliveries or connections; for the client scenario it is the client process.',
    '- wait is the growth of `run_delay` (second field of `/proc/<pid>/task/*/schedstat`, summed over the threads) over the measured window, divided by the window: the fraction of a core the threads sat runnable but not running. Threads of one process queueing for the one core they share show up here (so does other load on core 0). "main thread" is the part of it of the process\'s main thread (the JS thread of a Node server).',
    `- ⚠ marks a target where, in some run, the generator used more than ${GEN_LIMIT * 100} % of its core or sat runnable but not running for more than ${GEN_WAIT_LIMIT} of the window (other load on core 1): its number may be the generator's limit.`,
    ''
  ];
  if (result.unavailable.length) {
    lines.push('## Not measured', '');
    for (const u of result.unavailable) {
      lines.push(`- **${u.target}** (${u.scenarios.join(', ')}): ${shorten(u.error, 300)}`);
    }
    lines.push('');
  }
  lines.push('## Summary', '', mdTable(summary(result)), '', '## Results', '');
  for (const s of result.scenarios) {
    lines.push(`### ${s.title}`, '', s.what + '.', '', mdTable(rows(s)), '');
  }
  lines.push(
    '## Method',
    '',
    "- `bench/loadgen` is a small Rust program with its own WebSocket framing (it does not use this package's protocol crate), so every server is measured by the same neutral client. It masks every frame it sends and checks every byte of every echo (sequence numbers catch lost or reordered messages).",
    '- The references show the ceiling: `native` is `loadgen serve`, a minimal Rust WebSocket echo server (tokio, one thread); `net` is a raw TCP echo in Node (`bench/servers/net-echo.js`, no framing), driven in raw mode where a "message" is the same number of bytes.',
    '- The servers under test are `bench/servers/echo.js <impl>` with compression off, keepalive off and the limits raised to 64 MiB; `websocket` and `websocket-rs` use their default fragmentation of outgoing messages (16 KiB frames). Every message goes through a JavaScript handler that sends it back.',
    '- Broadcast: one client sends `broadcast:100:128`; the server sends 100 text messages of 128 B to every client in one synchronous run (`broadcastUTF` 100 times on websocket and websocket-rs, 100 loops over `wss.clients` on ws). The generator times each repetition from the trigger until the last client got the last message and runs them back to back; deliveries/s counts every message received by every client over the whole repetitions inside the window.',
    '- Connect: 10 generator workers each connect, complete the opening handshake, send a close frame and wait for the close frame and the end of the stream, then start over (at most 25 000 connections per run, so ephemeral ports stay free).',
    "- Idle: the generator opens the connections (64 handshakes at a time), waits, and reads the growth of the server's anonymous RSS.",
    '- Each run starts a fresh server, so memory and JIT state do not carry over from another scenario.',
    '- On a shared machine the rates move with whatever else runs (see the load average above); CPU-µs per message moves much less, so compare that first. Latency tails (p99) mostly show scheduling noise here.',
    '',
    '## Running it',
    '',
    '`npm run bench` builds `bench/loadgen` (`cargo build --release -p loadgen`) and runs everything; this run took ' +
      Math.round(result.seconds / 60) +
      ' minute(s). Options, as environment variables:',
    '',
    '- `BENCH_QUICK=1`: about a minute (0.6 s windows, one round, 2 000 instead of 10 000 idle connections); only to check that everything runs.',
    '- `BENCH_SCENARIOS=echo,throughput-1m`: only these scenario ids (a prefix selects several): ' +
      scenarios(result.config)
        .map((x) => '`' + x.id + '`')
        .join(', ') +
      '.',
    '- `BENCH_IMPLS=websocket-rs,ws,net`: only these targets (`websocket-rs`, `websocket`, `ws`); naming references (`native`, `net`) keeps only those, otherwise every reference a scenario has runs.',
    '- `BENCH_DURATION=5` (measured seconds per run), `BENCH_ROUNDS=3`, `BENCH_CONNECTIONS=32` (connections of the 64 B and 4 KiB echoes and of the client echo).',
    '- `node bench/run.js --report` renders this page and the chart again from `bench/results/latest.json` without running anything.',
    '',
    'The raw results of the last run are in `bench/results/latest.json` (not committed).',
    ''
  );
  return lines.join('\n');
}

module.exports = { GEN_LIMIT, GEN_WAIT_LIMIT, terminal, chart, markdown, summary, targets, judge, fmt };
