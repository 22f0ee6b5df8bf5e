# Finds a JDK >= 21 without any set-up: sourced by ./chatctl and the scripts.
# Sets JAVA_BIN to its java executable and JAVA_MAJOR to its version, or prints why not and
# returns 1 (2 when CHATCTL_JAVA_HOME names no usable JDK: that is the user's setting to fix).
# Looks at CHATCTL_JAVA_HOME (only there, when set), JAVA_HOME, the java on PATH, then the usual
# install places (Debian/Ubuntu /usr/lib/jvm, /usr/java, /opt, SDKMAN, IntelliJ's ~/.jdks, macOS).
# Asking a java for its version costs a JVM start (about 0.1 s each, and the first candidates are
# often older JDKs), so the answer is remembered in ~/.cache/chatctl, keyed by the candidate list.

chatctl_java_major() { # prints the major version of the java executable $1
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1
}

chatctl_find_java() {
  local want=21 candidate major
  local -a candidates=()
  if [ -n "${CHATCTL_JAVA_HOME:-}" ]; then
    # an explicit choice is honoured or refused, never silently replaced by another JDK
    if [ ! -x "$CHATCTL_JAVA_HOME/bin/java" ]; then
      echo "chatctl: CHATCTL_JAVA_HOME=$CHATCTL_JAVA_HOME has no bin/java; point it at a JDK $want+ or unset it" >&2
      return 2
    fi
    candidates=("$CHATCTL_JAVA_HOME/bin/java")
  else
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
    local dir
    for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
               "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
    done
  fi

  # the cache: one line "major path" per candidate list (paths and their modification times)
  local cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/chatctl" key cache
  key="$(for candidate in "${candidates[@]}"; do printf '%s %s\n' "$candidate" "$(stat -L -c %Y "$candidate" 2>/dev/null || stat -L -f %m "$candidate" 2>/dev/null)"; done | cksum | cut -d' ' -f1)"
  cache="$cache_dir/java-$key"
  if [ -r "$cache" ]; then
    read -r major candidate <"$cache" || true
    if [ -n "${candidate:-}" ] && [ -x "$candidate" ] && [ "${major:-0}" -ge "$want" ] 2>/dev/null; then
      JAVA_BIN="$candidate"
      JAVA_MAJOR="$major"
      return 0
    fi
  fi

  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    major=$(chatctl_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$want" ] 2>/dev/null; then
      JAVA_BIN="$candidate"
      JAVA_MAJOR="$major"
      mkdir -p "$cache_dir" 2>/dev/null && printf '%s %s\n' "$major" "$candidate" >"$cache.$$" 2>/dev/null && mv -f "$cache.$$" "$cache" 2>/dev/null
      return 0
    fi
  done
  if [ -n "${CHATCTL_JAVA_HOME:-}" ]; then
    echo "chatctl: CHATCTL_JAVA_HOME=$CHATCTL_JAVA_HOME is Java ${major:-of an unknown version}; chatctl needs $want or newer" >&2
    return 2
  fi
  echo "chatctl: needs Java $want or newer; none found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
  echo "chatctl: install a JDK $want+ or set CHATCTL_JAVA_HOME to one." >&2
  return 1
}
