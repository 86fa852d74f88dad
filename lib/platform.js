'use strict';
/**
 * Names the running platform the way the prebuilt binary packages are named
 * (the napi-rs convention): `<platform>-<arch>` plus the C library or ABI
 * where one platform has several (`linux-x64-gnu`, `linux-x64-musl`,
 * `win32-x64-msvc`, `darwin-arm64`). lib/native.js loads
 * `websocket-rs-<name>` or a local build `websocket-rs.<name>.node`;
 * scripts/build.js and scripts/package.js write files under the same name.
 */
const fs = require('fs');

/**
 * Whether this Linux process runs on musl libc (Alpine) rather than glibc.
 * /usr/bin/ldd names its C library in its first lines, which is cheap to read;
 * where it is missing, Node's diagnostic report says whether glibc is loaded.
 * @returns {boolean}
 */
function isMusl() {
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return true;
    if (ldd.includes('GNU C Library') || ldd.includes('glibc')) return false;
  } catch (e) {
    // no ldd (a minimal container): ask Node below
  }
  const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
  const header = report && (typeof report === 'string' ? JSON.parse(report).header : report.header);
  return !(header && header.glibcVersionRuntime);
}

/**
 * The platform name of this process, e.g. `linux-x64-gnu`.
 * @param {string} [platform] defaults to `process.platform`
 * @param {string} [arch] defaults to `process.arch`
 * @returns {string}
 */
function platformName(platform = process.platform, arch = process.arch) {
  if (platform === 'linux') return 'linux-' + arch + (isMusl() ? '-musl' : '-gnu');
  if (platform === 'win32') return 'win32-' + arch + '-msvc';
  return platform + '-' + arch;
}

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' };
const SYSTEM = {
  'unknown-linux-gnu': { os: 'linux', libc: 'glibc', suffix: '-gnu' },
  'unknown-linux-musl': { os: 'linux', libc: 'musl', suffix: '-musl' },
  'apple-darwin': { os: 'darwin', suffix: '' },
  'pc-windows-msvc': { os: 'win32', suffix: '-msvc' }
};

/**
 * What a Rust target triple (as listed in package.json `napi.targets`) is
 * called in npm terms: the platform name and the `os`/`cpu`/`libc` values
 * of its binary package.
 * @param {string} triple e.g. `aarch64-unknown-linux-musl`
 * @returns {{triple: string, name: string, os: string, cpu: string, libc: (string|undefined)}}
 */
function fromTriple(triple) {
  const dash = triple.indexOf('-');
  const cpu = ARCH[triple.slice(0, dash)];
  const system = SYSTEM[triple.slice(dash + 1)];
  if (!cpu || !system) throw new Error('websocket-rs: unknown target triple ' + triple);
  return { triple, name: system.os + '-' + cpu + system.suffix, os: system.os, cpu, libc: system.libc };
}

module.exports = { isMusl, platformName, fromTriple };
