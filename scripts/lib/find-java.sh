# Finds a JDK >= 21 without any set-up: sourced by ./chatctl and the scripts.
# Sets JAVA_BIN to its java executable, or prints why not and returns 1.
# Looks at CHATCTL_JAVA_HOME, JAVA_HOME, the java on PATH, then the usual install places
# (Debian/Ubuntu /usr/lib/jvm, /usr/java, /opt, SDKMAN, IntelliJ's ~/.jdks, macOS).

chatctl_java_major() { # prints the major version of the java executable $1
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1
}

chatctl_find_java() {
  local want=21 candidate major
  local -a candidates=()
  [ -n "${CHATCTL_JAVA_HOME:-}" ] && candidates+=("$CHATCTL_JAVA_HOME/bin/java")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local dir
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
             "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    major=$(chatctl_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$want" ] 2>/dev/null; then
      JAVA_BIN="$candidate"
      return 0
    fi
  done
  echo "chatctl: needs Java $want or newer; none found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
  echo "chatctl: install a JDK $want+ or set CHATCTL_JAVA_HOME to one." >&2
  return 1
}
