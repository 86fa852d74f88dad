'use strict';
/**
 * Builds the native addon with napi-rs. Runs on `npm install`.
 * Fails with a clear message when the Rust toolchain is missing.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  console.error(
    'websocket-rs: building the native addon needs the Rust toolchain (cargo), which was not found.\n' +
      'Install it with rustup (the "rustup" Debian package, or the installer from the Rust website),\n' +
      'make sure `cargo` is on your PATH, then run `npm install` again.'
  );
  process.exit(1);
}

const cli = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  // Installed as a dependency of another project: no napi CLI. Build with
  // cargo directly and put the library where lib/native.js looks for it.
  const profile = debug ? [] : ['--release'];
  const r = spawnSync('cargo', ['build', '--lib', ...profile], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
  const out = path.join(root, 'target', debug ? 'debug' : 'release', 'libwebsocket_rs.so');
  fs.copyFileSync(
    out,
    path.join(
      root,
      'websocket-rs.' + process.platform + '-' + process.arch + (process.platform === 'linux' ? '-gnu' : '') + '.node'
    )
  );
  process.exit(0);
}

const args = [cli, 'build', '--platform', '--js', 'binding.js', '--dts', 'binding.d.ts'];
if (!debug) args.push('--release');
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
