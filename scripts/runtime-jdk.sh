#!/usr/bin/env bash
# Prints the Java home jvisor runs on, and prints its major version after it with --major: JVISOR_RUNTIME_JDK if
# set, else the newest JDK 25 or later under /usr/lib/jvm (its AOT cache halves start-up: docs/benchmarks.md and
# docs/benchmarks-shim.md); nothing when there is none (callers then use the build's JDK). One place for the
# choice that ./jvisor, the distribution's assemble.sh and the shim ITs (ShimLauncher) all make.
set -euo pipefail
major_of() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
home="${JVISOR_RUNTIME_JDK:-}"
if [ -z "$home" ]; then
  best=0
  for h in /usr/lib/jvm/*/; do
    h="${h%/}" m="$(major_of "$h")"
    if [ -x "$h/bin/java" ] && [ "${m:-0}" -ge 25 ] && [ "$m" -gt "$best" ]; then best="$m" home="$h"; fi
  done
fi
[ -n "$home" ] || exit 0
if [ "${1:-}" = --major ]; then
  echo "$home $(major_of "$home")"
else
  echo "$home"
fi
