#!/usr/bin/env bash
# Start-up time of a warm chatctl, as a person at a terminal feels it: wall time of `token`,
# `send` and `online` (each a fresh launcher + JVM), and of `serve` until /healthz answers.
# Median (and min, max) of N runs each (default 10), in a plain loop that also reads each run's CPU
# time (hyperfine is not needed). Run it with a built jar (./chatctl --version builds it).
#   scripts/bench/startup.sh [--runs N] [--chatctl PATH]     # PATH: another launcher to measure
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=10
chatctl="$root/chatctl"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --chatctl) chatctl="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--chatctl PATH]" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/chatctl-startup.XXXXXX")"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
unset DATABASE_URL NEXTAUTH_SECRET AUTH_SECRET WS_PORT HOST CHATCTL_URL CHATCTL_TOKEN CHATCTL_DATA_DIR
export CHATCTL_CONFIG_DIR="$work/config"
secret="startup-benchmark-secret-0123456789abcdef"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
healthy() { curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; }

# median, min and max of the numbers on stdin (milliseconds), as "median min max"
stats() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d %d %d", m, v[1], v[NR] }'; }

# NAME COMMAND...: prints "NAME wall: median min max, cpu: median" in ms. The CPU time (user +
# system, the launcher's and the JVM's) is the figure that does not depend on how loaded the
# machine is; the wall time is what a person waits.
measure() {
  local name="$1" i wall cpu
  shift
  # one warm-up run; a second try before giving up (a loaded machine can time a first connect out)
  "$@" >/dev/null 2>&1 || "$@" >/dev/null 2>&1 || { echo "$name: the command fails: $*" >&2; "$@" >&2 || true; exit 1; }
  : >"$work/$name.wall"
  : >"$work/$name.cpu"
  for i in $(seq "$runs"); do
    TIMEFORMAT='%R %U %S'
    read -r wall user sys < <({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk -v w="$wall" 'BEGIN { printf "%d\n", w * 1000 }' >>"$work/$name.wall"
    awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d\n", (u + s) * 1000 }' >>"$work/$name.cpu"
  done
  printf '%-18s wall %s   cpu %s\n' "$name" "$(stats <"$work/$name.wall")" "$(stats <"$work/$name.cpu" | cut -d' ' -f1)"
}

serve_once() { # prints the ms from start to the first 200 of /healthz
  local port start
  port="$(free_port)"
  start=$(now_ms)
  "$chatctl" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data-$port" --secret "$secret" >/dev/null 2>&1 &
  server=$!
  until healthy "$port"; do
    kill -0 "$server" 2>/dev/null || { echo "serve exited" >&2; exit 1; }
    sleep 0.01
  done
  echo $(($(now_ms) - start))
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

"$chatctl" --version >/dev/null # builds (and makes the start-up cache) first when needed

port="$(free_port)"
"$chatctl" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" --secret "$secret" >"$work/serve.log" 2>&1 &
server=$!
until healthy "$port"; do sleep 0.1; done
url="http://127.0.0.1:$port"

echo "milliseconds, $runs runs each: wall median min max, cpu (user + system) median"
measure token "$chatctl" token --user alice --secret "$secret"
measure send "$chatctl" send --url "$url" --user alice --secret "$secret" --to alice --text hi
measure online "$chatctl" online --url "$url" --user alice --secret "$secret"
kill "$server"
wait "$server" 2>/dev/null || true
server=""
serve_once >/dev/null # warm
for i in $(seq "$runs"); do serve_once; done | stats | sed 's/^/serve-to-healthz   wall /'; echo
