#!/usr/bin/env bash
# Waits (at most 60 s) until the machine is quiet: under 15% CPU busy over a second, so a run does
# not start while the previous one's server is still winding down or a build is running.
for _ in $(seq 1 60); do
  read -r _ a b c d e f g _ < /proc/stat
  sleep 1
  read -r _ a2 b2 c2 d2 e2 f2 g2 _ < /proc/stat
  busy=$(( (a2 + b2 + c2 + f2 + g2) - (a + b + c + f + g) ))
  total=$(( busy + (d2 - d) + (e2 - e) ))
  [ "$total" -gt 0 ] && [ $(( busy * 100 / total )) -lt 15 ] && exit 0
done
echo "wait-quiet: the machine stayed busy; going on" >&2
exit 1
