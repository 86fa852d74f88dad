'use strict';
/**
 * `npm run package`: writes the installable tarballs for this machine to dist/:
 * - `websocket-rs-<version>.tgz`, the main package: the JS API, types, and the
 *   Rust sources for building on a platform with no prebuilt binary; its
 *   package.json lists every platform package of `napi.targets` as an
 *   exact-version optional dependency;
 * - `websocket-rs-<platform>-<version>.tgz`, the binary package for the
 *   platform this runs on (built first, release mode), with `os`/`cpu`/`libc`
 *   so package managers install it only where it runs.
 * The release workflow runs this on each target and publishes the tarballs.
 *
 * `--no-build` packs the binary already in the package folder. Other
 * arguments go to scripts/build.js (napi build): with `--target <triple>` the
 * platform package is the one of that target, e.g.
 * `npm run package -- --target aarch64-unknown-linux-musl -x`.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { platformName, fromTriple } = require('../lib/platform');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const stage = path.join(dist, '.stage');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (process.argv.includes('--refuse-publish')) {
  console.error(
    'websocket-rs: do not publish the repository folder: it has no optionalDependencies and no binary.\n' +
      'Publish the tarballs that `npm run package` writes to dist/ (see .github/workflows/release.yml).'
  );
  process.exit(1);
}

/**
 * Runs a command, exits if it fails, returns its stdout.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 * @returns {string}
 */
function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32'
  });
  if (r.status !== 0) {
    console.error('websocket-rs: `' + cmd + ' ' + args.join(' ') + '` failed\n' + (r.stdout || ''));
    process.exit(1);
  }
  return r.stdout;
}

/**
 * Packs the folder into dist/ and returns the tarball's path.
 * @param {string} dir
 * @returns {string}
 */
function pack(dir) {
  const [info] = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dist], dir));
  return path.join(dist, info.filename);
}

const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const targets = main.napi.targets.map(fromTriple);
const buildArgs = process.argv.slice(2).filter((a) => a !== '--no-build');
const t = Math.max(buildArgs.indexOf('--target'), buildArgs.indexOf('-t'));
const name = t >= 0 ? fromTriple(buildArgs[t + 1] || '').name : platformName();
const here = targets.find((x) => x.name === name);
if (!here) {
  console.error('websocket-rs: ' + name + ' is not in package.json napi.targets; there is no binary package for it.');
  process.exit(1);
}

if (!process.argv.includes('--no-build')) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js'), ...buildArgs], {
    cwd: root,
    stdio: 'inherit'
  });
  if (r.status !== 0) process.exit(1);
}
const binary = 'websocket-rs.' + name + '.node';
if (!fs.existsSync(path.join(root, binary))) {
  console.error('websocket-rs: ' + binary + ' is missing; run `npm run build` first.');
  process.exit(1);
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });

// The platform package: the binary as `main`, nothing else but a README.
const platformPkg = 'websocket-rs-' + name;
const platformDir = path.join(stage, platformPkg);
fs.mkdirSync(platformDir);
fs.copyFileSync(path.join(root, binary), path.join(platformDir, binary));
const platformJson = {
  name: platformPkg,
  version: main.version,
  description: 'The ' + name + ' binary of websocket-rs; install websocket-rs, which depends on it',
  main: binary,
  files: [binary],
  os: [here.os],
  cpu: [here.cpu],
  ...(here.libc ? { libc: [here.libc] } : {}),
  license: main.license,
  engines: main.engines
};
fs.writeFileSync(path.join(platformDir, 'package.json'), JSON.stringify(platformJson, null, 2) + '\n');
fs.writeFileSync(
  path.join(platformDir, 'README.md'),
  '# ' +
    platformPkg +
    '\n\nThe prebuilt native addon of [websocket-rs](https://www.npmjs.com/package/websocket-rs) for ' +
    name +
    '.\nDo not install it directly: `npm install websocket-rs` picks the binary package for your platform.\n'
);

// The main package: exactly the files npm would pack from the repository, with
// the platform packages added as exact-version optional dependencies. They are
// not in the repository's package.json so that `npm install` there never
// fetches a published binary that would shadow the local build.
const [listing] = JSON.parse(run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], root));
const mainDir = path.join(stage, 'websocket-rs');
for (const { path: file } of listing.files) {
  fs.mkdirSync(path.dirname(path.join(mainDir, file)), { recursive: true });
  fs.copyFileSync(path.join(root, file), path.join(mainDir, file));
}
// Its only script is `build` (building from source, run by hand): no
// lifecycle script, so installing it runs nothing and npm has nothing to warn
// about; the other scripts need files that are not in the package.
const published = { ...main, scripts: { build: main.scripts.build }, optionalDependencies: {} };
for (const t of targets) published.optionalDependencies['websocket-rs-' + t.name] = main.version;
fs.writeFileSync(path.join(mainDir, 'package.json'), JSON.stringify(published, null, 2) + '\n');

const written = [pack(mainDir), pack(platformDir)];
fs.rmSync(stage, { recursive: true, force: true });
for (const file of written) console.log(path.relative(root, file));
