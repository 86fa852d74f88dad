#!/usr/bin/env bash
# What a user does, run by .ci/run: `npm run package` writes the tarballs, then
# a fresh project outside the repository installs them with npm and with pnpm
# (pinned below) while PATH has no cargo, and runs the programs in
# __test__/install: an unchanged `websocket` echo program (server + client) with
# websocket-rs installed under the name `websocket`, ES module imports, deep
# requires, and `tsc --noEmit` on user code against the installed types. Last,
# with only the main package installed, the error's build command builds the
# shipped sources into a working package (the path of a platform with no binary).
#
# No registry has our packages yet, so the project points the platform package
# at its tarball with an override; it reaches the project as the main
# package's optional dependency, as it will from the registry. npm and pnpm
# skip the other platforms' optional dependencies (not published yet, and not
# for this platform anyway).
#
# `--prebuilt`: use the tarballs already in dist/ (the release workflow's test
# jobs, which have no Rust toolchain and no dev dependencies).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && { pwd -W 2>/dev/null || pwd; })
PNPM=pnpm@12.26.0

cd "$repo"
if [ "${1:-}" != --prebuilt ]; then npm run package --silent; fi
version=$(node -p 'require("./package.json").version')
platform=$(node -p 'require("./lib/platform").platformName()')
main="$repo/dist/websocket-rs-$version.tgz"
binary="$repo/dist/websocket-rs-$platform-$version.tgz"
ls -l "$main" "$binary"
# The published manifests: every platform package an exact-version optional
# dependency; the binary package installable only where it runs.
tar -xzOf "$main" package/package.json | node -e "
  const m = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const names = m.napi.targets.map((t) => 'websocket-rs-' + require('./lib/platform').fromTriple(t).name);
  const expected = Object.fromEntries(names.map((n) => [n, m.version]));
  require('assert').deepStrictEqual(m.optionalDependencies, expected);
  require('assert').deepStrictEqual(Object.keys(m.scripts), ['build']);
"
tar -xzOf "$binary" package/package.json | node -e "
  const p = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const t = require('./lib/platform').fromTriple(require('./package.json').napi.targets.find(
    (x) => require('./lib/platform').fromTriple(x).name === '$platform'));
  require('assert').deepStrictEqual([p.os, p.cpu, p.libc, p.main], [[t.os], [t.cpu], t.libc && [t.libc], 'websocket-rs.$platform.node']);
"

# The unchanged program really is a `websocket` program: it runs on websocket 1.0.35 (a dev dependency).
if [ -d node_modules/websocket ]; then NODE_PATH="$repo/node_modules" node __test__/install/echo.js; fi

# PATH without any directory that holds cargo (node and npm stay).
nocargo=""
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  if [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/cargo.exe" ]; then nocargo="${nocargo:+$nocargo:}$d"; fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/websocket-rs-user.XXXXXX")
trap 'rm -rf "$work"' EXIT

for pm in npm pnpm; do
  echo "--- $pm"
  dir="$work/$pm"
  mkdir -p "$dir"
  cp __test__/install/* "$dir/"
  cat >"$dir/package.json" <<EOF
{
  "name": "user-project-$pm",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "websocket": "file:$main",
    "websocket-rs": "file:$main"
  },
  "devDependencies": { "typescript": "5.9.3", "@types/node": "26.6.6" },
  "overrides": { "websocket-rs-$platform": "file:$binary" }
}
EOF
  (
    cd "$dir"
    export PATH="$nocargo"
    if command -v cargo >/dev/null; then
      echo "user-install: cargo is still on PATH" >&2
      exit 1
    fi
    if [ "$pm" = npm ]; then
      npm install --no-audit --no-fund 2>&1 | tee install.log
    else
      printf 'overrides:\n  websocket-rs-%s: "file:%s"\n' "$platform" "$binary" >pnpm-workspace.yaml
      npx --yes "$PNPM" install 2>&1 | tee install.log
    fi
    # Nothing was built or ignored: no install script, and the binary is the platform package's.
    if grep -i -E 'install-scripts|ignored build scripts|cargo' install.log; then
      echo "user-install: $pm reported a build or install script" >&2
      exit 1
    fi
    node -e "
      const scripts = require('websocket/package.json').scripts || {};
      const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => s in scripts);
      if (lifecycle.length) throw new Error('lifecycle scripts in the package: ' + lifecycle);
      require('websocket');
      const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
      if (loaded.length !== 1 || !loaded[0].includes('websocket-rs-$platform')) throw new Error('loaded ' + loaded);
      console.log('binary: ' + loaded[0]);
    "
    node echo.js
    node esm.mjs
    node deep.js
    node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json
    echo "tsc: ok"
  )
done

# A platform with no binary package, as far as the loader can tell: only the
# main package installed (the platform package is not in any registry yet, so
# npm skips it). require() must fail with the one error, and the build command
# it prints must build the shipped sources (cargo on PATH again) into a working
# package.
if [ "${1:-}" != --prebuilt ]; then
  echo "--- build from source, as the error says"
  dir="$work/source"
  mkdir -p "$dir"
  cp __test__/install/echo.js "$dir/"
  echo "{\"private\": true, \"dependencies\": {\"websocket\": \"file:$main\"}}" >"$dir/package.json"
  (
    cd "$dir"
    npm install --no-audit --no-fund >/dev/null
    out=$(node -e "try { require('websocket'); } catch (e) { console.log(e.code + '\n' + e.message); }")
    echo "$out"
    [ "$(echo "$out" | head -1)" = WEBSOCKET_RS_NO_BINARY ]
    cmd=$(echo "$out" | grep -o 'node "[^"]*build\.js"' | head -1)
    [ -n "$cmd" ]
    eval "$cmd"
    node echo.js
  )
fi
