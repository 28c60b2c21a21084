#!/usr/bin/env bash
# Finishes the distribution directory Maven filled with lib/ and bin/: links a Java runtime with only the
# modules the jars need (jdeps + a fixed minimum), writes VERSION and the SHA256SUMS manifest the node-agent
# verifies, and packs jvisor-<version>.tar.gz next to the directory.
set -euo pipefail
dist="$1" java_home="$2" version="$3" extra_modules="$4"
jdk_bin="$java_home/bin"
[ -x "$jdk_bin/jlink" ] || { echo "assemble: no jlink in $jdk_bin (the build needs a JDK, not a JRE)" >&2; exit 1; }

chmod 0755 "$dist"/bin/*

# jdeps over every jar; --ignore-missing-deps because optional dependencies (e.g. of Jackson) are not shipped.
found="$("$jdk_bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
  --class-path "$dist/lib/*" "$dist"/lib/*.jar 2>/dev/null | tail -n 1)"
modules="$(printf '%s,%s\n' "$found" "$extra_modules" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)"
echo "assemble: linking modules $modules"

# The runtime is linked from a JDK 25 or later when the machine has one (scripts/runtime-jdk.sh, the choice
# ./jvisor and the shim ITs make too): its AOT cache halves the pod daemon's start (docs/benchmarks-shim.md). The
# jars are compiled for 17 and run on either; without one, or without its jlink, the build's JDK is linked.
read -r link_jdk link_major <<<"$("$(dirname "$0")/../../../scripts/runtime-jdk.sh" --major)" || true
if [ -z "${link_jdk:-}" ] || [ ! -x "$link_jdk/bin/jlink" ]; then
  link_jdk="$java_home" link_major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)"
fi
[ -x "$link_jdk/bin/jlink" ] || { echo "assemble: no jlink in $link_jdk/bin" >&2; exit 1; }
echo "assemble: linking the runtime from $link_jdk (Java $link_major)"

rm -rf "$dist/runtime"
"$link_jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$dist/runtime" 2>&1 | grep -v -i 'deprecat' || true
[ -x "$dist/runtime/bin/java" ] || { echo "assemble: jlink produced no runtime/bin/java" >&2; exit 1; }
# The runtime's base CDS archive: faster JVM starts, and the shim's AppCDS (ArchiveClassesAtExit) needs it.
"$dist/runtime/bin/java" -Xshare:dump -Xlog:disable >/dev/null 2>&1 \
  || echo "assemble: could not write the runtime's CDS archive (JVM starts will be slower)" >&2

# JNA's native stub, extracted once here so that no JVM unpacks it at start (the launcher points JNA at it).
jna_jar="$(ls "$dist"/lib/jna-*.jar | head -n 1)"
mkdir -p "$dist/lib/native"
unzip -q -o -j -d "$dist/lib/native" "$jna_jar" 'com/sun/jna/linux-x86-64/libjnidispatch.so'
chmod 0644 "$dist/lib/native/libjnidispatch.so" # dlopen needs no exec bit; the images keep exactly these modes

printf '%s\n' "$version" > "$dist/VERSION"
printf '%s\n' "$modules" > "$dist/MODULES"

# Manifest of every regular file (symlinks are recreated, not hashed); the node-agent refuses a copy that differs.
( cd "$dist" && rm -f SHA256SUMS && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort \
    | xargs -d '\n' sha256sum > SHA256SUMS )

parent="$(dirname "$dist")" name="$(basename "$dist")"
tar -C "$parent" --owner=0 --group=0 --numeric-owner -czf "$parent/$name.tar.gz" "$name"
echo "assemble: $(du -sh "$dist" | cut -f1) in $dist, $(du -sh "$parent/$name.tar.gz" | cut -f1) tar.gz"
