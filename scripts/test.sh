#!/usr/bin/env bash
# The README's test command: unit tests (*Test) and integration tests (*IT: /dev/kvm, containerd) for every module.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] && bash scripts/install-test-deps.sh >/dev/null
exec mvn -B -ntp verify "$@"
