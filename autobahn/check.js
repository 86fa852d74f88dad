'use strict';
/**
 * Compares an Autobahn|Testsuite report with the committed expectation and exits non-zero on any difference.
 *
 * Usage: `node autobahn/check.js --role server|client [--agent NAME] [--cases 1.*,5.2] [--deflate] [--update [--force]]`
 *
 * Reads `autobahn/reports/<role>/index.json` (written by wstest) and `autobahn/expected/<role>.json` (with
 * `--deflate`: `<role>-deflate.json`, the run with permessage-deflate on, where UNIMPLEMENTED is below the bar
 * everywhere), compares every
 * case's `behavior` and `behaviorClose`, prints the counts per status, every case that differs (with the suite's
 * description and verdict), and an `N passed, N failed` line.
 *
 * `--update` writes the report's results for the selected cases into the expected file (the other cases keep
 * theirs). The expected file is the bar, not a snapshot of what we get today, so `--update` refuses to record a result worse than the bar (anything but OK, INFORMATIONAL, and
 * UNIMPLEMENTED for the permessage-deflate sections 12 and 13) unless `--force` is given too.
 */
const fs = require('fs');
const path = require('path');

/** Results that meet the bar in any case. */
const GOOD = new Set(['OK', 'INFORMATIONAL']);

/** Sections the suite reports as UNIMPLEMENTED while permessage-deflate is not negotiated. */
const DEFLATE_SECTIONS = new Set(['12', '13']);

/**
 * Parses the command line.
 *
 * @param {string[]} argv the arguments after the script name
 * @returns {{role: string, agent: string, cases: string[]|null, update: boolean, force: boolean, deflate: boolean}}
 *   the options
 */
function parseArgs(argv) {
  const options = { role: null, agent: 'websocket-rs', cases: null, update: false, force: false, deflate: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--role') options.role = argv[++i];
    else if (arg === '--agent') options.agent = argv[++i];
    else if (arg === '--cases') options.cases = String(argv[++i]).split(',').filter(Boolean);
    else if (arg === '--update') options.update = true;
    else if (arg === '--force') options.force = true;
    else if (arg === '--deflate') options.deflate = true;
    else throw new Error('unknown argument ' + JSON.stringify(arg));
  }
  if (options.role !== 'server' && options.role !== 'client') throw new Error('--role must be server or client');
  if (!options.agent) throw new Error('--agent needs a name');
  return options;
}

/**
 * Orders case ids (`1.1.10` after `1.1.9`) by their numeric components.
 *
 * @param {string} a a case id
 * @param {string} b a case id
 * @returns {number} negative, zero or positive
 */
function compareCaseIds(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether `id` is selected by a `--cases` list (`*` wildcards, as wstest's own config takes them).
 *
 * @param {string} id a case id
 * @param {string[]|null} patterns the list, or null for all cases
 * @returns {boolean} true when selected
 */
function selected(id, patterns) {
  if (!patterns) return true;
  return patterns.some((p) => {
    const re = new RegExp('^' + p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
    return re.test(id);
  });
}

/**
 * Whether a result may stand in the expected file.
 *
 * @param {string} id a case id
 * @param {string} status a `behavior` or `behaviorClose` value
 * @param {boolean} deflate the run had permessage-deflate on
 * @returns {boolean} true when it meets the bar
 */
function meetsBar(id, status, deflate) {
  return GOOD.has(status) || (!deflate && status === 'UNIMPLEMENTED' && DEFLATE_SECTIONS.has(id.split('.')[0]));
}

/**
 * Reads and parses a JSON file, with an error that names the file.
 *
 * @param {string} file the path
 * @returns {any} the parsed value
 */
function readJson(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error('cannot read ' + file + ': ' + error.message);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(file + ' is not valid JSON: ' + error.message);
  }
}

/**
 * The suite's description and verdict for one case, from its per-case report file, on one line each.
 *
 * @param {string} dir the report directory
 * @param {object} entry the case's entry in index.json
 * @returns {string[]} lines to print (empty when the file is missing)
 */
function caseDetails(dir, entry) {
  if (!entry || !entry.reportfile) return [];
  try {
    const report = JSON.parse(fs.readFileSync(path.join(dir, entry.reportfile), 'utf8'));
    const flat = (s) =>
      String(s || '')
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    const brief = (v) => {
      const s = JSON.stringify(v);
      return s.length > 160 ? s.slice(0, 160) + '...' : s;
    };
    const lines = ['case:    ' + flat(report.description), 'verdict: ' + flat(report.result)];
    if (report.expected && report.expected.OK && Array.isArray(report.received)) {
      // NON-STRICT verdicts only say "matches at least one expected": show what a strict run sees.
      lines.push('wanted:  ' + brief(report.expected.OK) + ', received: ' + brief(report.received));
    }
    if (entry.behaviorClose !== 'OK') lines.push('close:   ' + flat(report.resultClose));
    return lines;
  } catch {
    return [];
  }
}

/**
 * Counts the values of one field over the checked cases.
 *
 * @param {string[]} ids the case ids
 * @param {object} results the agent's results by case id
 * @param {string} field `behavior` or `behaviorClose`
 * @returns {string} e.g. `OK 300, NON-STRICT 4`
 */
function countsLine(ids, results, field) {
  const counts = new Map();
  for (const id of ids) {
    const value = results[id] ? results[id][field] : 'NOT RUN';
    counts.set(value, (counts.get(value) || 0) + 1);
  }
  return [...counts].map(([k, v]) => k + ' ' + v).join(', ');
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const reportDir = path.join(__dirname, 'reports', options.role);
  const expectedName = options.role + (options.deflate ? '-deflate' : '') + '.json';
  const expectedFile = path.join(__dirname, 'expected', expectedName);

  const index = readJson(path.join(reportDir, 'index.json'));
  const results = index[options.agent];
  if (!results) {
    throw new Error(
      'no results for agent ' + options.agent + ' in the report (it has: ' + Object.keys(index).join(', ') + ')'
    );
  }

  if (options.update) {
    // Merge: cases this run did not cover (e.g. with --cases) keep their expectation.
    const expected = fs.existsSync(expectedFile) ? readJson(expectedFile) : {};
    const updated = Object.keys(results).filter((id) => selected(id, options.cases));
    const worse = [];
    for (const id of updated) {
      const { behavior, behaviorClose } = results[id];
      if (!meetsBar(id, behavior, options.deflate) || !meetsBar(id, behaviorClose, options.deflate)) {
        worse.push(id + ' ' + behavior + '/' + behaviorClose);
      }
      expected[id] = { behavior, behaviorClose };
    }
    if (worse.length > 0 && !options.force) {
      throw new Error(
        'refusing to record results below the bar as expected (use --force to do it anyway):\n  ' + worse.join('\n  ')
      );
    }
    const sorted = {};
    for (const id of Object.keys(expected).sort(compareCaseIds)) sorted[id] = expected[id];
    fs.mkdirSync(path.dirname(expectedFile), { recursive: true });
    fs.writeFileSync(expectedFile, JSON.stringify(sorted, null, 2) + '\n');
    const where = path.relative(process.cwd(), expectedFile);
    console.log('updated ' + updated.length + ' of ' + Object.keys(sorted).length + ' cases in ' + where);
    return 0;
  }

  const expected = readJson(expectedFile);
  const ids = [...new Set([...Object.keys(expected), ...Object.keys(results)])]
    .filter((id) => selected(id, options.cases))
    .sort(compareCaseIds);

  const differences = [];
  for (const id of ids) {
    const want = expected[id];
    const got = results[id];
    if (!want) differences.push({ id, text: 'not in the expected file (got ' + got.behavior + ')' });
    else if (!got) differences.push({ id, text: 'missing from the report (the case did not run)' });
    else if (got.behavior !== want.behavior || got.behaviorClose !== want.behaviorClose) {
      const text =
        'behavior ' +
        got.behavior +
        (got.behavior === want.behavior ? '' : ' (expected ' + want.behavior + ')') +
        ', behaviorClose ' +
        got.behaviorClose +
        (got.behaviorClose === want.behaviorClose ? '' : ' (expected ' + want.behaviorClose + ')') +
        (got.remoteCloseCode === undefined ? '' : ', close code ' + got.remoteCloseCode);
      differences.push({ id, text, details: caseDetails(reportDir, got) });
    }
  }

  const label = 'autobahn ' + options.role + ' role, agent ' + options.agent;
  console.log(label + ': ' + ids.length + ' cases');
  console.log('  behavior:      ' + countsLine(ids, results, 'behavior'));
  console.log('  behaviorClose: ' + countsLine(ids, results, 'behaviorClose'));
  if (differences.length > 0) {
    console.log('cases that differ from autobahn/expected/' + expectedName + ':');
    for (const d of differences) {
      console.log('  ' + d.id + ': ' + d.text);
      for (const line of d.details || []) console.log('      ' + line);
    }
  }
  console.log(options.role + ': ' + (ids.length - differences.length) + ' passed, ' + differences.length + ' failed');
  return differences.length === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error('autobahn/check.js: ' + error.message);
  process.exitCode = 2;
}
