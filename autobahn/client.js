'use strict';
/**
 * Drives a client implementation against `wstest -m fuzzingserver`: asks for the number of cases, runs each one
 * (echoing every message, one connection per case, in order), then asks the fuzzing server to write its reports.
 *
 * Usage: `AUTOBAHN_IMPL=websocket-rs|websocket|ws node autobahn/client.js <ws://127.0.0.1:port> [agent]`
 *
 * The agent name (default: the implementation's name) is what the reports are filed under. A case whose connection
 * is still open after AUTOBAHN_CASE_TIMEOUT seconds (default 60; wstest's own case timeouts are shorter) is dropped
 * and the run goes on: the report then shows that case as failed, which is what check.js is for. Once the run has
 * taken AUTOBAHN_CLIENT_BUDGET seconds (default 600) the remaining cases are skipped but the reports are still
 * written, so a hanging client shows up as missing cases instead of a run that never ends.
 */
const impl = require('./impl');

const name = impl.selected();
const base = process.argv[2];
const agent = process.argv[3] || name;
const caseTimeoutMs = Number(process.env.AUTOBAHN_CASE_TIMEOUT || 60) * 1000;
const budgetMs = Number(process.env.AUTOBAHN_CLIENT_BUDGET || 600) * 1000;

if (!base) {
  console.error('usage: node autobahn/client.js <ws://127.0.0.1:port> [agent]');
  process.exit(2);
}

/**
 * Opens one connection to `path` on the fuzzing server and waits until it is closed.
 *
 * @param {string} path the path and query, e.g. `/runCase?case=1&agent=x`
 * @param {boolean} echo whether to echo every message back
 * @param {(text: string) => void} [onText] called with every text message
 * @returns {Promise<void>} settles when the connection is closed; rejects only when it could not be made
 */
function visit(path, echo, onText) {
  return new Promise((resolve, reject) => {
    let timer = null;
    const drop = impl.connect(name, base + path, { echo, onText }, (error, opened) => {
      clearTimeout(timer);
      if (opened) resolve();
      else reject(error || new Error('connection failed'));
    });
    timer = setTimeout(() => {
      console.error(path + ': still open after ' + caseTimeoutMs / 1000 + ' s, dropping it');
      drop();
    }, caseTimeoutMs);
  });
}

async function main() {
  let count = NaN;
  await visit('/getCaseCount', false, (text) => {
    count = Number(text);
  });
  if (!Number.isInteger(count) || count <= 0) throw new Error('the fuzzing server sent no case count');
  console.log('running ' + count + ' cases as agent ' + agent + ' (' + name + ')');

  const started = Date.now();
  for (let i = 1; i <= count; i++) {
    if (Date.now() - started > budgetMs) {
      console.error('out of time after ' + budgetMs / 1000 + ' s: skipping cases ' + i + ' to ' + count);
      break;
    }
    try {
      await visit('/runCase?case=' + i + '&agent=' + encodeURIComponent(agent), true);
    } catch (error) {
      console.error('case ' + i + ': could not connect: ' + error.message);
    }
    if (i % 50 === 0 || i === count) {
      console.log('  ' + i + '/' + count + ' cases (' + ((Date.now() - started) / 1000).toFixed(1) + ' s)');
    }
  }

  await visit('/updateReports?agent=' + encodeURIComponent(agent), false);
}

main().catch((error) => {
  console.error('autobahn client: ' + error.message);
  process.exit(1);
});
