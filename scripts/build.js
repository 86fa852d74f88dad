'use strict';
/**
 * Builds the native addon from source into this package's folder as
 * `websocket-rs.<platform>.node`, the local build lib/native.js falls back to.
 *
 * - In a clone of the repository, `npm install` / `npm ci` run it (the
 *   `prepare` script) through the napi-rs CLI, a dev dependency.
 * - In an installed package (no dev dependencies), a user on a platform with no
 *   prebuilt binary runs `node node_modules/websocket-rs/scripts/build.js`: the
 *   Rust sources ship in the package and this builds them with cargo directly.
 *   It never runs by itself when the package is installed.
 *
 * `--debug` builds without optimisations. In the repository, other arguments go
 * to `napi build` (the release workflow passes `--target <triple>` and a cross
 * option). Fails with a clear message when the Rust toolchain is missing.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');
const { isMusl, platformName } = require('../lib/platform');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');
const napiArgs = process.argv.slice(2).filter((a) => a !== '--debug');

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  console.error(
    'websocket-rs: building the native addon needs the Rust toolchain (cargo), which was not found.\n' +
      'Install it with rustup (the "rustup" Debian package, or the installer from the Rust website),\n' +
      'make sure `cargo` is on your PATH, then run this again.'
  );
  process.exit(1);
}

/**
 * Runs a command in the package folder, exits with its status if it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {object} [env] added to the environment
 */
function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}

const cli = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
if (fs.existsSync(cli)) {
  const args = [cli, 'build', '--platform', '--no-js', '--dts', 'binding.d.ts', ...napiArgs];
  if (!debug) args.push('--release');
  run(process.execPath, args);
  process.exit(0);
}
if (napiArgs.length) {
  console.error('websocket-rs: ' + napiArgs.join(' ') + ' needs the napi CLI of a clone of the repository.');
  process.exit(1);
}

// An installed package: no napi CLI. Build the library with cargo and copy it
// to the name lib/native.js looks for. A cdylib on musl must link the C library
// dynamically, as Node does.
const name = platformName();
const env = isMusl() ? { RUSTFLAGS: ((process.env.RUSTFLAGS || '') + ' -C target-feature=-crt-static').trim() } : {};
const targetDir = path.join(root, 'target');
run('cargo', ['build', '--lib', '-p', 'websocket-rs', ...(debug ? [] : ['--release'])], env);
const lib = { win32: 'websocket_rs.dll', darwin: 'libwebsocket_rs.dylib' }[process.platform] || 'libwebsocket_rs.so';
const out = path.join(root, 'websocket-rs.' + name + '.node');
fs.copyFileSync(path.join(targetDir, debug ? 'debug' : 'release', lib), out);
// cargo's build directory is hundreds of MB and not needed any more.
fs.rmSync(targetDir, { recursive: true, force: true });
console.log('websocket-rs: built ' + out);
