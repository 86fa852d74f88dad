#!/usr/bin/env bash
# Runs Autobahn|Testsuite against our server and/or client and checks the results against autobahn/expected/.
#
#   bash autobahn/run.sh [server|client|all] [--agent websocket-rs|websocket|ws] [--cases 1.*,5.*] [--deflate] [--update [--force]]
#
#   server   wstest -m fuzzingclient against autobahn/echo-server.js
#   client   autobahn/client.js against wstest -m fuzzingserver
#   all      both (the default)
#   --agent  which implementation to drive (default: $AUTOBAHN_IMPL, else websocket-rs = this package);
#            ws and websocket are there to compare with and to validate the runner
#   --cases  a comma-separated list of case patterns instead of all cases, for quick runs while debugging
#   --deflate  permessage-deflate on (perMessageDeflate in impl.js) and sections 12 and 13 only (unless --cases says
#            otherwise), checked against autobahn/expected/<role>-deflate.json
#   --update rewrite autobahn/expected/<role>.json from this run (see check.js: it refuses results below the bar
#            unless --force is given too)
#
# Everything listens on 127.0.0.1 only. Reports go to autobahn/reports/<role>/ (open index.html there).
# AUTOBAHN_TIMEOUT (seconds, default 1200) bounds each role's run; see client.js for the client role's own limits.
# Exit status: 0 when every case matches the expectation, non-zero otherwise.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

role=all
impl="${AUTOBAHN_IMPL:-websocket-rs}"
cases=""
check_flags=()
deflate=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    server | client | all) role="$1" ;;
    --agent) impl="${2:?--agent needs a name}"; shift ;;
    --cases) cases="${2:?--cases needs a list}"; shift ;;
    --deflate) deflate=1 ;;
    --update) check_flags+=(--update) ;;
    --force) check_flags+=(--force) ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "autobahn/run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$impl" in
  websocket-rs | websocket | ws) ;;
  *) echo "autobahn/run.sh: --agent must be websocket-rs, websocket or ws" >&2; exit 2 ;;
esac
export AUTOBAHN_IMPL="$impl"
if [[ "$deflate" == 1 ]]; then
  export AUTOBAHN_DEFLATE=1
  check_flags+=(--deflate)
  [[ -n "$cases" ]] || cases="12.*,13.*"
else
  export AUTOBAHN_DEFLATE=0
fi

wstest="$(bash "$here/setup.sh" | tail -n 1)"
export PYTHONWARNINGS=ignore # wstest's dependencies warn about Python 2 on every start

if [[ "$impl" == websocket-rs ]] && ! (cd "$root" && node -e "require('./').server" >/dev/null 2>&1); then
  echo "autobahn/run.sh: require('websocket-rs') fails; build the addon first (npm run build)" >&2
  exit 1
fi

# The case list for wstest's config, as JSON.
cases_json='["*"]'
if [[ -n "$cases" ]]; then
  cases_json="[$(echo "$cases" | sed 's/[^,][^,]*/"&"/g')]"
  check_flags+=(--cases "$cases")
fi

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

# Waits until `$1` returns 0, up to 30 s.
wait_for() {
  local i
  for ((i = 0; i < 300; i++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

run_server_role() {
  local dir="$here/reports/server"
  rm -rf "$dir" && mkdir -p "$dir"

  node "$here/echo-server.js" >"$dir/echo-server.out" 2>"$dir/echo-server.err" &
  pids+=($!)
  local echo_pid=$!
  port_ready() { grep -qs '^listening ' "$dir/echo-server.out" || ! kill -0 "$echo_pid" 2>/dev/null; }
  if ! wait_for port_ready || ! grep -qs '^listening ' "$dir/echo-server.out"; then
    echo "autobahn/run.sh: the $impl echo server did not start:" >&2
    cat "$dir/echo-server.err" >&2
    return 1
  fi
  local port
  port="$(sed -n 's/^listening //p' "$dir/echo-server.out")"

  cat >"$dir/fuzzingclient.json" <<EOF
{
  "outdir": "$dir",
  "servers": [{ "agent": "$impl", "url": "ws://127.0.0.1:$port" }],
  "cases": $cases_json,
  "exclude-cases": [],
  "exclude-agent-cases": {}
}
EOF
  echo "== server role: wstest -m fuzzingclient against the $impl echo server on 127.0.0.1:$port"
  (cd "$dir" && timeout "${AUTOBAHN_TIMEOUT:-1200}" "$wstest" -m fuzzingclient -s fuzzingclient.json >wstest.log 2>&1) || {
    echo "autobahn/run.sh: wstest failed or timed out; last lines of $dir/wstest.log:" >&2
    tail -n 20 "$dir/wstest.log" >&2
    return 1
  }
  if ! kill -0 "$echo_pid" 2>/dev/null; then
    # The cases after the crash show up as missing in check.js; say why.
    echo "autobahn/run.sh: the $impl echo server exited during the run; last lines of its stderr:" >&2
    tail -n 20 "$dir/echo-server.err" >&2
  fi
  cleanup
}

run_client_role() {
  local dir="$here/reports/client"
  rm -rf "$dir" && mkdir -p "$dir"

  local port
  port="$(node "$here/free-port.js")"
  cat >"$dir/fuzzingserver.json" <<EOF
{
  "url": "ws://127.0.0.1:$port",
  "outdir": "$dir",
  "cases": $cases_json,
  "exclude-cases": [],
  "exclude-agent-cases": {}
}
EOF
  (cd "$dir" && exec "$wstest" -m fuzzingserver -s fuzzingserver.json --webport 0 >wstest.log 2>&1) &
  pids+=($!)
  local wstest_pid=$!
  listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || ! kill -0 "$wstest_pid" 2>/dev/null; }
  if ! wait_for listening || ! kill -0 "$wstest_pid" 2>/dev/null; then
    echo "autobahn/run.sh: wstest -m fuzzingserver did not start; $dir/wstest.log:" >&2
    tail -n 20 "$dir/wstest.log" >&2
    return 1
  fi

  echo "== client role: the $impl client against wstest -m fuzzingserver on 127.0.0.1:$port"
  timeout "${AUTOBAHN_TIMEOUT:-1200}" node "$here/client.js" "ws://127.0.0.1:$port" "$impl" || {
    echo "autobahn/run.sh: the client run failed or timed out" >&2
    return 1
  }
  cleanup
}

status=0
for r in server client; do
  [[ "$role" == all || "$role" == "$r" ]] || continue
  started=$SECONDS
  if "run_${r}_role"; then
    echo "== $r role: suite ran in $((SECONDS - started)) s"
    node "$here/check.js" --role "$r" --agent "$impl" "${check_flags[@]}" || status=1
  else
    status=1
  fi
  cleanup
done
exit "$status"
