'use strict';
/**
 * `npm test`: the Rust workspace tests, then the JS tests with node's runner,
 * over both transports.
 * `--js-only`: one pass of the JS tests (native transport) with the node that
 * runs this script; .ci/run uses it to run the suite on other Node versions.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');

function run(cmd, args, env) {
  console.log('\n$ ' + cmd + ' ' + args.join(' '));
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(
      '\n`' + cmd + ' ' + args.join(' ') + '` failed (' + (r.status === null ? r.signal : 'exit ' + r.status) + ')'
    );
    process.exit(r.status || 1);
  }
}

const jsOnly = process.argv.includes('--js-only');
if (!jsOnly) {
  run('cargo', ['test', '--workspace', '--quiet']);
  // The test-only panic-marker build that __test__/panic.test.js loads, made now (it reuses the dependencies cargo
  // test just built) so it does not compete with the JS suite for the CPU; the test's own build step then finds it.
  run('cargo', ['build', '--lib', '--quiet', '--features', 'panic-marker']);
}

const testDir = path.join(root, '__test__');
const files = fs
  .readdirSync(testDir)
  .filter((f) => f.endsWith('.test.js') || f.endsWith('.test.mjs'))
  .sort()
  .map((f) => path.join('__test__', f));
// --test-timeout exists from Node 20.11 (Node 18 has none; every test sets its own timeout anyway).
const [major, minor] = process.versions.node.split('.').map(Number);
const runner = ['--test', '--test-reporter=spec'];
if (major > 20 || (major === 20 && minor >= 11)) runner.push('--test-timeout=60000');
run(process.execPath, [...runner, ...files]);
if (jsOnly) process.exit(0);

// The same suite again with every connection on the JS-fed transport (Node
// owns the socket, Rust parses and frames), so both transports stay equal.
console.log('\n# again with WEBSOCKET_RS_TRANSPORT=js (the JS-fed transport)');
run(process.execPath, [...runner, ...files], {
  WEBSOCKET_RS_TRANSPORT: 'js'
});
