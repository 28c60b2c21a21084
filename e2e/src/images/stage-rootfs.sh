#!/usr/bin/env bash
# Stages the files of the two container images for Jib (e2e/pom.xml), which then writes them as image tars from a
# `scratch` base, offline. No base image can be pulled here, so the images carry their own minimal userland:
#   - a jlink'ed Java runtime (/opt/java) with a fixed module set that covers Quarkus, fabric8 and picocli;
#   - the glibc files that runtime (and chroot) link against, copied from the build host by ldd;
#   - /etc/passwd and /etc/group with root and nonroot (65532, the uid the chart runs the operator as).
# operator image:   /deployments = the operator's Quarkus fast-jar (quarkus-run.jar, lib/, app/, quarkus/)
# node-agent image: /opt/jvisor-node-agent = agent jar + lib/; /opt/jvisor-dist = the distribution the agent installs
#                   (its --artifacts default); /usr/sbin/chroot, which the agent uses to run the host's systemctl.
set -euo pipefail
out="$1" java_home="$2" operator_app="$3" agent_dir="$4" dist_dir="$5"

fail() { echo "stage-rootfs: $*" >&2; exit 1; }
[ -x "$java_home/bin/jlink" ] || fail "no jlink in $java_home/bin (the build needs a JDK)"
[ -f "$operator_app/quarkus-run.jar" ] || fail "no $operator_app/quarkus-run.jar: build the operator first (mvn -pl e2e -am package)"
[ -f "$agent_dir/jvisor-node-agent.jar" ] || fail "no $agent_dir/jvisor-node-agent.jar: build the node-agent first"
[ -f "$dist_dir/SHA256SUMS" ] || fail "no distribution in $dist_dir: build module distribution first"

# Modules: Quarkus/Vert.x/Netty and fabric8 use naming, management, net.http, sql (Agroal-free, but JDBC types in
# APIs), xml, desktop (java.beans for SnakeYAML/Jackson introspection), crypto.ec (k3s API certificates are EC).
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,\
jdk.unsupported,jdk.zipfs

rm -rf "$out"
# Jib insists on the module's compiled classes directory even though these images carry none of its classes.
mkdir -p "$(dirname "$out")/classes"
mkdir -p "$out/base/opt" "$out/base/etc" "$out/base/tmp" "$out/operator/deployments" \
  "$out/node-agent/opt/jvisor-node-agent" "$out/node-agent/usr/sbin"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$out/base/opt/java" 2>&1 | grep -v -i deprecat || true
[ -x "$out/base/opt/java/bin/java" ] || fail "jlink produced no bin/java"

# glibc and friends: every library ldd names for the runtime's executables and shared objects, and for chroot.
cp /usr/sbin/chroot "$out/node-agent/usr/sbin/chroot"
{
  # java.desktop's X11, sound, font and image libraries are never loaded by a headless server: their
  # dependencies (X11, ALSA, freetype...) stay out of the image.
  find "$out/base/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' ! -name 'libfontmanager.so' \
    ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' ! -name 'libjawt.so' -print0 \
    | xargs -0 -n 1 ldd 2>/dev/null || true
  ldd /usr/sbin/chroot
} | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | sort -u | while read -r lib; do
  case "$lib" in "$out"/*) continue ;; esac
  # Same path as on the build host, with the symlink resolved into a regular file.
  mkdir -p "$out/base$(dirname "$lib")"
  cp -L "$lib" "$out/base$lib"
done
[ -f "$out/base/lib64/ld-linux-x86-64.so.2" ] || fail "the dynamic loader was not collected (ldd output changed?)"

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
  > "$out/base/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/base/etc/group"

cp -r "$operator_app"/. "$out/operator/deployments/"
cp "$agent_dir/jvisor-node-agent.jar" "$out/node-agent/opt/jvisor-node-agent/"
cp -r "$agent_dir/lib" "$out/node-agent/opt/jvisor-node-agent/lib"
mkdir -p "$out/node-agent/opt/jvisor-dist"
cp -a "$dist_dir"/. "$out/node-agent/opt/jvisor-dist/"

echo "stage-rootfs: base $(du -sh "$out/base" | cut -f1), operator $(du -sh "$out/operator" | cut -f1)," \
  "node-agent $(du -sh "$out/node-agent" | cut -f1) in $out"
