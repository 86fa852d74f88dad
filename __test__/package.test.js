'use strict';
/**
 * The package as npm packs it, and where lib/native.js finds the addon:
 * - `files` ships everything the exports map, `main`, `types` and a build from
 *   source need, and nothing of the repository's tests or builds;
 * - the loader prefers the platform package of the right version, falls back
 *   to a local build in the package folder, and otherwise throws one error
 *   naming the platform and the build command.
 * The loader runs in child processes on copies of lib/ in temporary folders.
 * .ci/user-install.sh installs the real tarballs with npm and pnpm.
 */
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { platformName, fromTriple } = require('../lib/platform');

const root = path.join(__dirname, '..');
const pkg = require('../package.json');
const T = { timeout: 60000 };

/** @returns {string[]} the files `npm pack` would put in the main package */
function packedFiles() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32'
  });
  return JSON.parse(out)[0].files.map((f) => f.path.split(path.sep).join('/'));
}

/** @returns {string[]} every file under dir, as paths relative to root */
function walk(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir + '/' + e.name;
    return e.isDirectory() ? walk(rel) : [rel];
  });
}

test('the packed files are what the entry points, deep requires and a source build need', T, () => {
  const files = packedFiles();
  // Conditions nest (the `browser` condition has its own types/import/default).
  const targets = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(targets));
  const entries = [pkg.main, pkg.types, pkg.browser, ...targets(pkg.exports['.'])].map((f) => f.replace(/^\.\//, ''));
  for (const f of entries) assert.ok(files.includes(f), f + ' is packed');
  for (const f of walk('lib')) assert.ok(files.includes(f), f + ' is packed (lib/ ships whole for deep requires)');
  for (const f of [
    'Cargo.toml',
    'Cargo.lock',
    'build.rs',
    'scripts/build.js',
    ...walk('src'),
    ...walk('crates/wsproto/src')
  ]) {
    assert.ok(files.includes(f), f + ' is packed (building from source)');
  }
  for (const f of files) {
    assert.ok(!/\.node$|^__test__\/|^target\/|^dist\/|^binding\.|^node_modules\//.test(f), f + ' is not packed');
  }
  assert.ok(!('optionalDependencies' in pkg), 'scripts/package.js adds the platform packages; the repository has none');
  for (const s of ['preinstall', 'install', 'postinstall']) assert.ok(!(s in pkg.scripts), 'no ' + s + ' script');
});

test('napi.targets name the napi-rs platform packages with os, cpu and libc', () => {
  assert.deepStrictEqual(
    pkg.napi.targets.map(fromTriple).map((t) => [t.name, t.os, t.cpu, t.libc]),
    [
      ['linux-x64-gnu', 'linux', 'x64', 'glibc'],
      ['linux-arm64-gnu', 'linux', 'arm64', 'glibc'],
      ['linux-x64-musl', 'linux', 'x64', 'musl'],
      ['linux-arm64-musl', 'linux', 'arm64', 'musl'],
      ['darwin-x64', 'darwin', 'x64', undefined],
      ['darwin-arm64', 'darwin', 'arm64', undefined],
      ['win32-x64-msvc', 'win32', 'x64', undefined]
    ]
  );
  assert.throws(() => fromTriple('riscv64gc-unknown-linux-gnu'), /unknown target triple riscv64gc-unknown-linux-gnu/);
});

test('this machine is named as its binary is', () => {
  const name = platformName();
  assert.ok(name.startsWith(process.platform + '-' + process.arch), name);
  assert.ok(
    fs.existsSync(path.join(root, 'websocket-rs.' + name + '.node')),
    'npm install built websocket-rs.' + name + '.node'
  );
});

/**
 * A package folder with lib/ and package.json copied from this one, and optionally
 * a local build and a platform package (of a given version) holding the real binary.
 * @param {{local?: boolean, platformVersion?: string}} opts
 * @returns {string} the folder
 */
function fixture({ local = false, platformVersion } = {}) {
  const name = platformName();
  const binary = path.join(root, 'websocket-rs.' + name + '.node');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-rs-loader-'));
  fs.cpSync(path.join(root, 'lib'), path.join(dir, 'lib'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  if (local) fs.copyFileSync(binary, path.join(dir, 'websocket-rs.' + name + '.node'));
  if (platformVersion) {
    const p = path.join(dir, 'node_modules', 'websocket-rs-' + name);
    fs.mkdirSync(p, { recursive: true });
    fs.copyFileSync(binary, path.join(p, 'websocket-rs.' + name + '.node'));
    const json = { name: 'websocket-rs-' + name, version: platformVersion, main: 'websocket-rs.' + name + '.node' };
    fs.writeFileSync(path.join(p, 'package.json'), JSON.stringify(json));
  }
  return dir;
}

/**
 * Loads lib/native.js of the folder in a child process.
 * @param {string} dir
 * @param {string[]} [preload] node options run before (e.g. `--require` of a file)
 * @returns {{loaded?: string, version?: string, code?: string, message?: string}}
 */
function load(dir, preload = []) {
  const script =
    'try {' +
    "  const b = require('./lib/native');" +
    "  const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'));" +
    '  console.log(JSON.stringify({ loaded: loaded.join(), version: b.nativeVersion() }));' +
    '} catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }';
  const r = spawnSync(process.execPath, [...preload, '-e', script], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the loader takes the platform package of the same version first', T, (t) => {
  const dir = fixture({ local: true, platformVersion: pkg.version });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = load(dir);
  assert.strictEqual(r.version, pkg.version);
  assert.ok(r.loaded.includes(path.join('node_modules', 'websocket-rs-' + platformName())), r.loaded);
});

test('the loader falls back to the local build, also when the platform package has another version', T, (t) => {
  for (const opts of [{ local: true }, { local: true, platformVersion: '0.0.1' }]) {
    const dir = fixture(opts);
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const r = load(dir);
    assert.strictEqual(r.loaded, fs.realpathSync(dir) + path.sep + 'websocket-rs.' + platformName() + '.node');
  }
});

test('with no binary the loader throws one error naming the platform and what to do', T, (t) => {
  const name = platformName();
  const dir = fixture({ platformVersion: '0.0.1' });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = load(dir);
  assert.strictEqual(r.code, 'WEBSOCKET_RS_NO_BINARY');
  assert.match(r.message, new RegExp('^websocket-rs: no native addon for ' + name + ' \\(Node\\.js '));
  assert.ok(
    r.message.includes('websocket-rs-' + name + '@' + pkg.version + ', an optional dependency that is missing'),
    r.message
  );
  assert.ok(
    r.message.includes('websocket-rs-' + name + '@0.0.1 is installed, but websocket-rs ' + pkg.version),
    r.message
  );
  assert.ok(r.message.includes('scripts' + path.sep + 'build.js'), r.message);
});

test('on a platform with no prebuilt package the error says to build from source', T, (t) => {
  const dir = fixture();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fake = path.join(dir, 'fake-platform.js');
  fs.writeFileSync(fake, "Object.defineProperty(process, 'platform', { value: 'freebsd' });\n");
  const r = load(dir, ['--require', fake]);
  assert.strictEqual(r.code, 'WEBSOCKET_RS_NO_BINARY');
  assert.match(r.message, new RegExp('^websocket-rs: no native addon for freebsd-' + process.arch + ' '));
  assert.ok(r.message.includes('There is no prebuilt binary for this platform; build it from source'), r.message);
  assert.ok(!r.message.includes('optional dependency'), r.message);
});
