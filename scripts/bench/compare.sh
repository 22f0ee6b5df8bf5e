#!/usr/bin/env bash
# Runs `chatctl bench` against chatctl and the reference Node.js peer (../shared/peer) in one
# session, on the same PostgreSQL, alternating the two servers run by run, and appends one JSON line
# per run to OUT/results.jsonl ({"server", "case", "run", "result"}). scripts/bench/summarize.py
# turns that file into the medians table of BENCHMARKS.md.
#
#   scripts/bench/compare.sh [--runs 3] [--out bench-results] [--only CASE ...] [--servers "chatctl peer"]
#                            [--warmup 10s]   an unmeasured throughput run before each message case (0: none)
#
# Environment: BENCH_PG (default postgresql://root@127.0.0.1:5432/test), PEER_DIR (default
# ../shared/peer), PEER_WORKDIR (default /tmp/chatctl-peer-work), BENCH_SECRET,
# CHATCTL_JAVA_OPTS (passed to chatctl serve).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs=3
warmup=10s
out="$root/bench-results"
only=()
servers="chatctl peer"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --servers) servers="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--out DIR] [--only CASE ...] [--servers \"chatctl peer\"] [--warmup 10s]" >&2; exit 2 ;;
  esac
done
pg="${BENCH_PG:-postgresql://root@127.0.0.1:5432/test}"
peer_dir="${PEER_DIR:-$root/../shared/peer}"
export PEER_WORKDIR="${PEER_WORKDIR:-/tmp/chatctl-peer-work}"
secret="${BENCH_SECRET:-bench-secret-$(date +%s)}"
mkdir -p "$out"
results="$out/results.jsonl"
ulimit -n "$(ulimit -Hn)"
chatctl="$root/chatctl"
"$chatctl" --version >/dev/null # builds the jar once, before anything is timed

# The cases: name, the servers it runs on (the peer is not run where it saturated long before, or
# where only chatctl has a target), then the bench arguments. Rates and sizes are those of issue 5.
cases=(
  "throughput|chatctl peer|throughput --pairs 100 --window 32 --duration 10s"
  "latency-1000|chatctl peer|latency --rate 1000 --pairs 100 --duration 10s"
  "latency-2000|chatctl|latency --rate 2000 --pairs 100 --duration 10s"
  "latency-3000|chatctl peer|latency --rate 3000 --pairs 100 --duration 10s"
  "latency-5000|chatctl peer|latency --rate 5000 --pairs 100 --duration 10s"
  "latency-10000|chatctl|latency --rate 10000 --pairs 100 --duration 10s"
  "idle-10000x100|chatctl peer|connections --count 10000 --per-user 100 --settle 10s"
  "idle-19000x100|chatctl|connections --count 19000 --per-user 100 --settle 10s"
  "distinct-3000|chatctl peer|connections --count 3000 --per-user 1 --settle 5s"
  "presence|chatctl peer|presence --observers 1000 --churn 100/s --duration 10s"
)

server_pid=""
server_port=""
start_server() { # name
  local name="$1" schema="bench_$1"
  psql "$pg" -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
  local log="$out/$name-server.log"
  if [ "$name" = chatctl ]; then
    server_port=3401
    # MESSAGE_RATE_LIMIT=0: these cases measure capacity with 100 senders each far faster than a
    # person (up to 100 messages/s); the per-user limit itself is what `bench flood` measures
    (cd "$out" && DATABASE_URL="$pg?schema=$schema" NEXTAUTH_SECRET="$secret" MESSAGE_RATE_LIMIT=0 exec "$chatctl" serve --port "$server_port" >"$log" 2>&1) &
  else
    server_port=3501
    (cd "$out" && DATABASE_URL="$pg?schema=$schema" NEXTAUTH_SECRET="$secret" WS_PORT="$server_port" exec "$peer_dir/run.sh" >"$log" 2>&1) &
  fi
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$server_port/socket.io/?EIO=4&transport=polling" >/dev/null 2>&1; then
      # the pid whose CPU and memory count: the process listening on the port
      local listener
      listener="$(ss -Hltnp "sport = :$server_port" | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -1)"
      [ -n "$listener" ] && server_pid="$listener"
      return 0
    fi
    sleep 0.5
  done
  echo "compare: $name did not start (see $log)" >&2
  exit 1
}

stop_server() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap stop_server EXIT

wanted() {
  [ ${#only[@]} -eq 0 ] && return 0
  local c
  for c in "${only[@]}"; do [ "$c" = "$1" ] && return 0; done
  return 1
}

for entry in "${cases[@]}"; do
  IFS='|' read -r name on args <<<"$entry"
  wanted "$name" || continue
  for run in $(seq 1 "$runs"); do
    for server in $servers; do
      [[ " $on " == *" $server "* ]] || continue
      # a fresh server (and schema) for every run: memory is measured from a cold start, and no run
      # inherits another's tables or caches
      start_server "$server"
      sleep 2
      if [ "$warmup" != 0 ] && [[ "$args" == throughput* || "$args" == latency* ]]; then
        # both servers compile their hot paths as they run (JIT): a long-running deployment's
        # latency is the warm one, so an unmeasured run of messages comes first
        "$chatctl" bench throughput --pairs 100 --window 32 --duration "$warmup" --warmup 0s \
          --url "http://127.0.0.1:$server_port" --secret "$secret" --json >/dev/null || true
      fi
      "$root/scripts/bench/wait-quiet.sh" || true
      echo "compare: $name run $run on $server" >&2
      # shellcheck disable=SC2086
      line="$("$chatctl" bench $args --url "http://127.0.0.1:$server_port" --secret "$secret" --server-pid "$server_pid" --json --connect-timeout 300s || true)"
      if [ -z "$line" ]; then
        line='{"failure":"no output"}'
      fi
      printf '{"server":"%s","case":"%s","run":%d,"result":%s}\n' "$server" "$name" "$run" "$line" >>"$results"
      stop_server
    done
  done
done
echo "compare: results in $results" >&2
