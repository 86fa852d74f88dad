'use strict';
/**
 * The TypeScript declarations (index.d.ts) compile and mean what they say:
 * - __test__/types/browser: the `browser` entry's types (lib/browser.d.ts) as a bundler resolves them;
 * - __test__/types: every declaration exercised, `@ts-expect-error` negatives, compatibility with
 *   @types/websocket, the ESM entry, and typical user code written for @types/websocket compiled against ours;
 * - the same user code compiled against @types/websocket itself (so it is realistic code);
 * - deliberately wrong code fails with exactly the errors it is marked with.
 */
const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typesDir = path.join(__dirname, 'types');
const TIMEOUT = 120000;

/**
 * Runs `tsc --noEmit -p <project>` and resolves with its exit code and output (never rejects on a type error).
 * @param {string} project tsconfig path, relative to the repo root
 * @returns {Promise<{code: number, output: string}>}
 */
function runTsc(project) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', project],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: TIMEOUT },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? err.code : 0, output: stdout + stderr });
      }
    );
  });
}

test('index.d.ts: the API, compatibility and user code compile against our types', { timeout: TIMEOUT }, async () => {
  const { code, output } = await runTsc('__test__/types');
  assert.strictEqual(output, '');
  assert.strictEqual(code, 0);
});

test(
  'lib/browser.d.ts: the browser entry as a bundler resolves it (browser condition, DOM types)',
  { timeout: TIMEOUT },
  async () => {
    const { code, output } = await runTsc('__test__/types/browser');
    assert.strictEqual(output, '');
    assert.strictEqual(code, 0);
  }
);

test('the same user code compiles against @types/websocket', { timeout: TIMEOUT }, async () => {
  const { code, output } = await runTsc('__test__/types/tsconfig.types-websocket.json');
  assert.strictEqual(output, '');
  assert.strictEqual(code, 0);
});

test('deliberately wrong code fails with exactly the marked errors', { timeout: TIMEOUT }, async () => {
  const file = path.join(typesDir, 'negative', 'wrong.ts');
  const expected = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /\/\/ error (TS\d+)$/.exec(line);
      if (m) expected.push(i + 1 + ' ' + m[1]);
    });
  assert.ok(expected.length >= 5, 'the negative file marks its errors');

  const { code, output } = await runTsc('__test__/types/negative');
  assert.notStrictEqual(code, 0);
  const actual = [];
  for (const line of output.split('\n')) {
    const m = /negative[\\/]wrong\.ts\((\d+),\d+\): error (TS\d+)/.exec(line);
    if (m) actual.push(m[1] + ' ' + m[2]);
    else if (/error TS\d+/.test(line)) assert.fail('unexpected error outside wrong.ts: ' + line);
  }
  assert.deepStrictEqual(actual, expected);
});
