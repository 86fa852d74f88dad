'use strict';
/**
 * The only place that loads the native addon. Everything in lib/ gets the
 * binding from here, so a missing binary is reported once, clearly.
 *
 * Where the binary comes from, in this order:
 * 1. the prebuilt package for this platform, `websocket-rs-<platform>` (an
 *    exact-version optional dependency; npm and pnpm install only the one whose
 *    `os`/`cpu`/`libc` match);
 * 2. a local build in this package's folder, `websocket-rs.<platform>.node`,
 *    written by `npm install` in a clone of the repository or by
 *    `node <package>/scripts/build.js` (building from source, needs cargo);
 * 3. otherwise one error naming the platform and what to do.
 */
const fs = require('fs');
const path = require('path');
const { platformName, fromTriple } = require('./platform');

const root = path.join(__dirname, '..');

/**
 * A one-line reason why `require(id)` failed, without the require stack.
 * @param {Error} e
 * @returns {string}
 */
function reason(e) {
  return String(e && e.message).split('\n')[0];
}

function load() {
  const { version, napi } = require('../package.json');
  const name = platformName();
  const pkg = 'websocket-rs-' + name;
  const local = path.join(root, 'websocket-rs.' + name + '.node');
  const prebuilt = napi.targets.map((t) => fromTriple(t).name).includes(name);
  const tried = [];

  if (prebuilt) {
    let installed = null;
    try {
      installed = require(pkg + '/package.json').version;
    } catch (e) {
      tried.push(pkg + ' is not installed');
    }
    if (installed !== null && installed !== version) {
      tried.push(
        pkg + '@' + installed + ' is installed, but websocket-rs ' + version + ' needs ' + pkg + '@' + version
      );
    } else if (installed !== null) {
      try {
        return require(pkg);
      } catch (e) {
        tried.push(pkg + ': ' + reason(e));
      }
    }
  }
  if (fs.existsSync(local)) {
    try {
      return require(local);
    } catch (e) {
      tried.push(local + ': ' + reason(e));
    }
  } else {
    tried.push('no local build ' + local);
  }

  const build = 'node ' + JSON.stringify(path.join(root, 'scripts', 'build.js'));
  const todo = prebuilt
    ? 'The prebuilt binary comes in the package ' +
      pkg +
      '@' +
      version +
      ', an optional dependency that is missing: reinstall without --omit=optional / --no-optional (if a lockfile ' +
      'written on another platform left it out, delete the lockfile and node_modules and install again). ' +
      'Or build from source: ' +
      build +
      ' (needs the Rust toolchain, cargo).'
    : 'There is no prebuilt binary for this platform; build it from source with the Rust toolchain (cargo): ' +
      build +
      ' (see "Install" in the README).';
  const err = new Error(
    'websocket-rs: no native addon for ' +
      name +
      ' (Node.js ' +
      process.version +
      '). ' +
      todo +
      ' Tried: ' +
      tried.join('; ') +
      '.'
  );
  err.code = 'WEBSOCKET_RS_NO_BINARY';
  throw err;
}

module.exports = load();
