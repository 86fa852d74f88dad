#!/usr/bin/env bash
# Runs each wsproto fuzz target for a bounded time: scripts/fuzz.sh [seconds per target, default 60].
# cargo-fuzz needs a nightly toolchain; without one this says so and exits 0
# (CI replays the seed corpus through `cargo test` instead).
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")/.." && pwd)"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz.sh: no nightly toolchain (rustup toolchain install nightly); skipping fuzzing."
  echo "The seed corpus is still replayed by: cargo test -p wsproto --test corpus"
  exit 0
fi
if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cd "$here/fuzz"
for file in fuzz_targets/*.rs; do
  target="$(basename "$file" .rs)"
  work="corpus/$target"
  mkdir -p "$work"
  echo "=== $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "$work" "$here/tests/corpus/$target" -- -max_total_time="$seconds"
done
