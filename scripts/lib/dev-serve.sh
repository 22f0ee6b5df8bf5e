# ./chatctl serve --dev: serves from the current build with human logs, and whenever a source of
# the jar changes, rebuilds and restarts the server (a failed build keeps the last good server
# running). Sourced by ./chatctl after the first build; uses its JAVA_BIN and opts.

chatctl_dev_serve() { # ROOT SERVE-ARGS... (with --dev among them)
  local root="$1" arg server="" attempt
  shift
  local -a args=()
  for arg in "$@"; do
    [ "$arg" = --dev ] || args+=("$arg")
  done
  attempt="$(mktemp "${TMPDIR:-/tmp}/chatctl-dev.XXXXXX")" # its time: the last build attempt
  dev_start() {
    "$JAVA_BIN" "${opts[@]}" ${CHATCTL_JAVA_OPTS:-} -jar "$root/cli/target/chatctl.jar" "${args[@]}" --log-format text &
    server=$!
  }
  dev_stop() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
      kill -TERM "$server" 2>/dev/null
      wait "$server" 2>/dev/null || true
    fi
    server=""
  }
  trap 'dev_stop; rm -f "$attempt"; exit 0' INT TERM
  echo "chatctl: development mode: the server restarts when a source changes (Ctrl-C stops)" >&2
  dev_start
  while true; do
    sleep 1
    if [ -n "$server" ] && ! kill -0 "$server" 2>/dev/null; then
      wait "$server" 2>/dev/null || echo "chatctl: the server stopped (exit $?); waiting for a change to the sources" >&2
      server=""
    fi
    if chatctl_changed_since "$root" "$attempt"; then
      touch "$attempt"
      if (chatctl_build "$root"); then
        echo "chatctl: restarting with the new build" >&2
        dev_stop
        dev_start
      else
        echo "chatctl: the build failed; ${server:+the last good build keeps serving; }fix it and save again" >&2
      fi
    fi
  done
}
