#!/usr/bin/env bash
# Installs the Debian packages the tests need (non-interactive, idempotent). Run as root.
set -euo pipefail
pkgs=(containerd runc busybox-static gcc libc6-dev python3 perl bash coreutils procps unzip bc libpython3.11-testsuite)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "test dependencies present: ${pkgs[*]}"
