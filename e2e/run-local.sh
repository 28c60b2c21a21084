#!/usr/bin/env bash
# The local-node end-to-end flow (issue 8): a one-node cluster played on this machine with real parts. fabric8's
# mock API server with the operator's reconciler, a real containerd, the packaged node-agent in DaemonSet mode, and
# this flow acting as the kubelet through CRI: a pod with the RuntimeClass's handler runs `uname -sr` (Linux 4.4.0)
# and `dmesg`, then the SandboxRuntime is deleted and the node must be exactly as before.
# Ends with `e2e local-node: N passed, M failed`; exits non-zero on any failure.
#
# Usage (as root, Debian 12 with /dev/kvm, containerd, runc, busybox-static):  e2e/run-local.sh
# Builds what it needs on first use (mvn package -DskipTests of e2e and the modules it uses). `mvn verify` in the
# e2e module runs this script too (LocalNodeIT). JVISOR_E2E_KEEP=1 keeps the node's directory (containerd and agent
# logs) for a post-mortem; JVISOR_E2E_VERBOSE=true shows the mock API server's and the operator's own logs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
version="0.1.0-SNAPSHOT"
classpath_file="$here/target/local-node.classpath"
flow_class="$here/target/test-classes/dev/jvisor/e2e/localnode/LocalNodeFlow.class"
agent_jar="$repo/node-agent/target/jvisor-node-agent.jar"
dist_dir="$repo/distribution/target/jvisor-$version"

fail() { echo "run-local: $*" >&2; echo "e2e local-node: 0 passed, 1 failed"; exit 1; }

if [ ! -f "$classpath_file" ] || [ ! -f "$flow_class" ] || [ ! -f "$agent_jar" ] || [ ! -f "$dist_dir/SHA256SUMS" ]; then
  echo "run-local: building the flow, the operator, the node-agent and the distribution (first run)..."
  (cd "$repo" && mvn -B -ntp -q -pl e2e -am package -DskipTests -Djvisor.images.skip) \
    || fail "the build failed; run: cd $repo && mvn -B -ntp -pl e2e -am package -DskipTests"
fi
[ "$(id -u)" = 0 ] || fail "the local node needs root (containerd, mounts): run as root"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
keep=false
[ "${JVISOR_E2E_KEEP:-}" = 1 ] && keep=true
set +e
"$java_bin" --enable-native-access=ALL-UNNAMED \
  -cp "$here/target/test-classes:$(cat "$classpath_file")" \
  -Djvisor.chart.dir="$repo/helm/jvisor" \
  -Djvisor.agent.jar="$agent_jar" \
  -Djvisor.distribution.dir="$dist_dir" \
  -Djvisor.agent.image="jvisor-node-agent:0.1.0" \
  -Djvisor.e2e.keep="$keep" \
  -Djvisor.e2e.verbose="${JVISOR_E2E_VERBOSE:-false}" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  dev.jvisor.e2e.localnode.LocalNodeFlow
status=$?
set -e
# The flow prints the summary itself; a JVM that died before it (classpath, crash) still gets one.
[ $status -le 1 ] || echo "e2e local-node: 0 passed, 1 failed (the flow's JVM exited with $status)"
exit $status
