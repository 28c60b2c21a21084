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

rm -rf "$dist/runtime"
"$jdk_bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$dist/runtime" 2>&1 | grep -v -i 'deprecat' || true
[ -x "$dist/runtime/bin/java" ] || { echo "assemble: jlink produced no runtime/bin/java" >&2; exit 1; }
# The runtime's base CDS archive: faster JVM starts, and the shim's AppCDS (ArchiveClassesAtExit) needs it.
"$dist/runtime/bin/java" -Xshare:dump -Xlog:disable >/dev/null 2>&1 \
  || echo "assemble: could not write the runtime's CDS archive (JVM starts will be slower)" >&2

printf '%s\n' "$version" > "$dist/VERSION"
printf '%s\n' "$modules" > "$dist/MODULES"

# Manifest of every regular file (symlinks are recreated, not hashed); the node-agent refuses a copy that differs.
( cd "$dist" && rm -f SHA256SUMS && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort \
    | xargs -d '\n' sha256sum > SHA256SUMS )

parent="$(dirname "$dist")" name="$(basename "$dist")"
tar -C "$parent" --owner=0 --group=0 --numeric-owner -czf "$parent/$name.tar.gz" "$name"
echo "assemble: $(du -sh "$dist" | cut -f1) in $dist, $(du -sh "$parent/$name.tar.gz" | cut -f1) tar.gz"
