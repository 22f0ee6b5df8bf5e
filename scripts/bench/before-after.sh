#!/usr/bin/env bash
# Two builds of chatctl's server, same load generator, alternating run by run: a fresh server and
# schema each run, the same JVM options for both, an unmeasured throughput run first (JIT warm-up),
# then `bench throughput` and `bench latency --rate 3000`. One JSON line per run to OUT.
#   scripts/bench/before-after.sh BEFORE.jar AFTER.jar [OUT]     (RUNS=3, BENCH_JAR=BEFORE.jar)
# Environment: BENCH_PG (default postgresql://root@127.0.0.1:5432/test), JAVA (a JDK >= 21).
set -uo pipefail
before="$1"; after="$2"; out="${3:-bench-results/before-after.jsonl}"
bench_jar="${BENCH_JAR:-$before}"
java="${JAVA:-java}"
opts=(-XX:+UseSerialGC -Xms64m -Xmn32m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40)
pg="${BENCH_PG:-postgresql://root@127.0.0.1:5432/test}"
secret="before-after-$(date +%s)-0123456789abcdef0123456789"
port=3611
mkdir -p "$(dirname "$out")"
ulimit -n "$(ulimit -Hn)"
for run in $(seq 1 "${RUNS:-3}"); do
  for which in before after; do
    jar="$before"; [ "$which" = after ] && jar="$after"
    psql "$pg" -q -c "SET client_min_messages=warning" -c "DROP SCHEMA IF EXISTS ba_$which CASCADE" >/dev/null
    DATABASE_URL="$pg?schema=ba_$which" NEXTAUTH_SECRET="$secret" MESSAGE_RATE_LIMIT=0 \
      "$java" "${opts[@]}" -jar "$jar" serve --port "$port" >"$out.$which.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
    "$java" -jar "$bench_jar" bench throughput --pairs 100 --window 32 --duration 10s \
      --url "http://127.0.0.1:$port" --secret "$secret" --json >/dev/null 2>&1
    for c in "throughput --pairs 100 --window 32 --duration 10s" "latency --rate 3000 --pairs 100 --duration 10s"; do
      # shellcheck disable=SC2086
      line=$("$java" -jar "$bench_jar" bench $c --url "http://127.0.0.1:$port" --secret "$secret" --server-pid "$pid" --json 2>/dev/null)
      echo "{\"which\":\"$which\",\"run\":$run,\"case\":\"${c%% *}\",\"result\":${line:-null}}" >>"$out"
    done
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
echo "before-after: results in $out" >&2
