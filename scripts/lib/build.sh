# Keeps cli/target/chatctl.jar and its start-up cache up to date: sourced by ./chatctl.
# chatctl_up_to_date ROOT CACHE SIDE JVM-OPTION...  builds the jar when a source is newer (with
# one progress line per module), then makes the start-up cache CACHE of SIDE (serve or client)
# when it is missing or older than the jar. Two launchers started together build once.

chatctl_changed_since() { # ROOT FILE: a source of the jar (main sources, resources, build files) is newer than FILE
  [ -n "$(find "$1" \( -name target -o -name node_modules -o -name .git -o -name data -o -path '*/src/test' \) -prune -o \
      -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.sql' -o -name '*.xml' -o -name '*.properties' \) \
      -newer "$2" -print -quit)" ]
}

chatctl_stale() { # ROOT: the jar is missing or older than what goes into it
  [ ! -f "$1/cli/target/chatctl.jar" ] || chatctl_changed_since "$1" "$1/cli/target/chatctl.jar"
}

chatctl_build() { # ROOT: mvn package, one line per module as it starts, the whole log when it fails
  local root="$1" log
  if ! command -v mvn >/dev/null 2>&1; then
    echo "chatctl: cli/target/chatctl.jar needs building, and that needs Maven 3.6.3+ (mvn) on PATH" >&2
    exit 3
  fi
  if [ -f "$root/cli/target/chatctl.jar" ]; then
    echo "chatctl: the sources changed; building cli/target/chatctl.jar..." >&2
  else
    echo "chatctl: building cli/target/chatctl.jar (the first build downloads the dependencies: a few minutes)..." >&2
  fi
  log="$(mktemp "${TMPDIR:-/tmp}/chatctl-build.XXXXXX")"
  local started=$SECONDS line
  (cd "$root" && mvn -B -DskipTests -Dstyle.color=never --no-transfer-progress package) >"$log" 2>&1 &
  local pid=$!
  # the module lines of Maven's log, as they come: "[INFO] Building chatctl shared ... [1/4]"
  tail -n +1 -f --pid="$pid" "$log" 2>/dev/null | while IFS= read -r line; do
    case "$line" in
      *"[INFO] Building "*"["[0-9]*/[0-9]*"]"*)
        line="${line#*Building }"
        echo "chatctl:   [${line##*[} $(echo "${line% \[*}" | tr -s ' ') ($((SECONDS - started)) s)" >&2 ;;
    esac
  done
  if ! wait "$pid"; then
    sed -n '/\[ERROR\]/,$p' "$log" | head -n 60 >&2
    echo "chatctl: the build failed (the whole log: $log)" >&2
    exit 70
  fi
  rm -f "$log"
  echo "chatctl: built in $((SECONDS - started)) s" >&2
}

chatctl_cache_option() { # the JVM option that uses the start-up cache $1
  case "$1" in
    *.aot) printf '%s' "-XX:AOTCache=$1" ;;
    *) printf '%s' "-XX:SharedArchiveFile=$1" ;;
  esac
}

chatctl_train() { # ROOT CACHE SIDE JVM-OPTION...: one training run that records the classes SIDE's commands use
  local root="$1" cache="$2" side="$3"
  shift 3
  echo "chatctl: making the $side start-up cache for this build (once per build, a few seconds)..." >&2
  rm -f "$cache" "$cache.tmp"
  if [ "$JAVA_MAJOR" -ge 25 ]; then
    "$JAVA_BIN" "$@" -XX:AOTCacheOutput="$cache.tmp" -Xlog:aot=error,cds=error -jar "$root/cli/target/chatctl.jar" train "$side" >/dev/null 2>&1 || true
  else
    "$JAVA_BIN" "$@" -XX:ArchiveClassesAtExit="$cache.tmp" -Xlog:cds=error -jar "$root/cli/target/chatctl.jar" train "$side" >/dev/null 2>&1 || true
  fi
  if [ -s "$cache.tmp" ]; then
    mv -f "$cache.tmp" "$cache"
  else
    rm -f "$cache.tmp"
    echo "chatctl: no start-up cache (the training run failed); starting without one" >&2
    : >"$cache.failed"
  fi
}

chatctl_up_to_date() { # ROOT CACHE SIDE JVM-OPTION...
  local root="$1" cache="$2" side="$3"
  shift 3
  local want_cache=1
  [ "${CHATCTL_AOT:-on}" = off ] && want_cache=0
  needs_cache() { [ "$want_cache" = 1 ] && { [ ! -f "$cache" ] || [ "$root/cli/target/chatctl.jar" -nt "$cache" ]; } && [ ! "$cache.failed" -nt "$root/cli/target/chatctl.jar" ]; }
  if chatctl_stale "$root" || needs_cache; then
    if command -v flock >/dev/null 2>&1; then
      exec 9>"$root/.chatctl-build.lock"
      flock 9
    fi
    if chatctl_stale "$root"; then chatctl_build "$root"; fi
    if needs_cache; then chatctl_train "$root" "$cache" "$side" "$@"; fi
    if command -v flock >/dev/null 2>&1; then
      flock -u 9
      exec 9>&-
    fi
  fi
}
