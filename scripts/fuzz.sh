#!/usr/bin/env bash
# Runs every fuzz target of the protocol core (crates/wsproto/fuzz) for a
# bounded time each, on the stable toolchain, and prints the executions per
# target from libFuzzer's final stats.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#
# Default: 3600 s per target, every file in crates/wsproto/fuzz/fuzz_targets.
# .ci/run uses 45 s. FUZZ_SANITIZER=address builds with AddressSanitizer
# (RUSTC_BOOTSTRAP=1 is set for it; about 6x slower); the default is `none`,
# which keeps libFuzzer's coverage guidance and the harness's assertions.
#
# Seeds come from crates/wsproto/tests/corpus/<target>/ (read only); what
# libFuzzer finds is kept in target/fuzz-corpus/<target>/ between runs. A
# crash or timeout is copied into tests/corpus/<target>/found-<name>, where
# `cargo test -p wsproto` (tests/fuzz_seeds.rs) replays it from then on, and
# the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-3600}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}
fuzz_dir=crates/wsproto/fuzz
corpus_dir=crates/wsproto/tests/corpus

if ! command -v cargo-fuzz >/dev/null; then
  cargo install --locked cargo-fuzz
fi
if [ "$sanitizer" != none ]; then export RUSTC_BOOTSTRAP=1; fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in "$fuzz_dir"/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

(cd "$fuzz_dir" && cargo fuzz build -s "$sanitizer")

status=0
summary=()
for t in "${targets[@]}"; do
  scratch="$root/target/fuzz-corpus/$t"
  artifacts="$root/target/fuzz-artifacts/$t"
  log="$root/target/fuzz-logs/$t.log"
  mkdir -p "$scratch" "$artifacts" "$(dirname "$log")"
  echo "--- fuzz $t for ${secs}s (sanitizer: $sanitizer)"
  set +e
  (cd "$fuzz_dir" && cargo fuzz run -s "$sanitizer" "$t" "$scratch" "$root/$corpus_dir/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  found=0
  for a in "$artifacts"/*; do
    [ -e "$a" ] || continue
    found=1
    cp "$a" "$root/$corpus_dir/$t/found-$(basename "$a")"
    echo "    finding saved as $corpus_dir/$t/found-$(basename "$a")"
  done
  if [ $rc -ne 0 ] || [ $found -ne 0 ]; then
    status=1
    tail -n 40 "$log"
    summary+=("$t: FAILED after ${runs:-?} executions (log: $log)")
  else
    summary+=("$t: ${runs:-?} executions in ${secs}s, nothing found")
  fi
done
echo
echo "=== fuzz summary"
printf '%s\n' "${summary[@]}"
exit $status
