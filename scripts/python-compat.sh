#!/usr/bin/env bash
# Runs Python's own regression tests natively and inside `jvisor do`, module by module, and writes the
# per-module table to docs/compatibility.md. Needs the libpython3.11-testsuite Debian package.
#   scripts/python-compat.sh [module ...]   (default: the modules issue 4 names)
# Rows of modules not named on the command line are kept from the existing table, and so is everything from
# its first "## " heading on (the hand-written reasons).
set -uo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(test_os test_subprocess test_signal test_threading test_select test_fcntl test_posix)
py=/usr/bin/python3
limit=${PYTHON_COMPAT_TIMEOUT:-600}
[ -d /usr/lib/python3.11/test ] && [ -f /usr/lib/python3.11/test/test_os.py ] || {
  echo "python-compat: install libpython3.11-testsuite first" >&2; exit 2; }
./jvisor --version >/dev/null || exit 1
out=docs/compatibility.md
tmp=$(mktemp -d)
rows=""
for m in "${modules[@]}"; do
  start=$(date +%s)
  (cd "$tmp" && timeout "$limit" "$py" -m test "$m" >"$tmp/$m.native" 2>&1); nrc=$?
  mid=$(date +%s)
  (cd "$tmp" && timeout "$limit" "$OLDPWD/jvisor" do -- "$py" -m test -v "$m" >"$tmp/$m.sandbox" 2>&1); src=$?
  end=$(date +%s)
  verdict() { case $1 in 0) echo pass ;; 124) echo "timeout (${limit}s)" ;; *) echo "fail ($1)" ;; esac; }
  reason=""
  if [ $src -ne 0 ]; then
    failed=$(grep -E '^(FAIL|ERROR): ' "$tmp/$m.sandbox" | sed -E 's/^(FAIL|ERROR): ([a-zA-Z0-9_]+).*/\2/' | sort -u | head -8 | paste -sd, -)
    missing=$(grep -oE 'unsupported syscall [a-z0-9_]+' "$tmp/$m.sandbox" | awk '{print $3}' | sort -u | paste -sd, -)
    summary=$(grep -E '^(FAILED|OK) \(' "$tmp/$m.sandbox" | tail -1)
    reason="${summary:-no summary}; failing: ${failed:-?}${missing:+; unsupported syscalls: $missing}"
  fi
  rows+="| $m | $(verdict $nrc) ($((mid - start)) s) | $(verdict $src) ($((end - mid)) s) | ${reason//|/\\|} |"$'\n'
  echo "$m: native $(verdict $nrc), sandbox $(verdict $src)"
done
# Keep the rows of modules this run did not touch, and the hand-written notes (from the first "## " heading on).
notes=""
if [ -f "$out" ]; then
  notes=$(sed -n '/^## /,$p' "$out")
  while IFS= read -r line; do
    m=$(printf '%s' "$line" | awk -F'|' '{gsub(/ /, "", $2); print $2}')
    case " ${modules[*]} " in *" $m "*) ;; *) rows+="$line"$'\n' ;; esac
  done < <(grep -E '^\| test_' "$out")
fi
{
  echo "# Compatibility: Python's regression tests"
  echo
  echo "Python $($py -c 'import platform; print(platform.python_version())') from Debian, run by \`scripts/python-compat.sh\` on $(date -u +%Y-%m-%d) on"
  echo "this project's CI machine kind (2 cores, PVM /dev/kvm). Each module runs natively first, then inside"
  echo "\`./jvisor do\`. A module that passes natively and fails sandboxed is listed with the tests that failed and the"
  echo "syscalls the Sentry reported as unsupported while it ran."
  echo
  echo "| module | native | sandboxed | why it fails sandboxed |"
  echo "|---|---|---|---|"
  printf '%s' "$rows"
  if [ -n "$notes" ]; then
    echo
    printf '%s\n' "$notes"
  fi
} >"$out"
rm -rf "$tmp"
echo "wrote $out"
