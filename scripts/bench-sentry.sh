#!/usr/bin/env bash
# Side-by-side Sentry benchmarks: every program runs natively, then in `./jvisor do`, in the same run, ROUNDS times
# alternating; the table (medians) goes to stdout in Markdown for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
src=sandbox-runtime/cli/src/test/resources/bench
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
for p in getppid cpuloop forkexec pipe64 futexpp threadcj; do gcc -O2 -pthread -o "$bin/$p" "$src/$p.c"; done
./jvisor --version >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
metric() { awk '{print $2}'; }
declare -A nat sbx
for p in getppid cpuloop forkexec pipe64 futexpp threadcj; do
  n=(); s=()
  for _ in $(seq "$rounds"); do
    n+=("$("$bin/$p" | metric)")
    s+=("$(./jvisor do -- "$bin/$p" | metric)")
  done
  nat[$p]=$(printf '%s\n' "${n[@]}" | median)
  sbx[$p]=$(printf '%s\n' "${s[@]}" | median)
done
bare=(); page=()
for _ in $(seq "$rounds"); do
  out=$(./jvisor bench -n 20000)
  bare+=("$(echo "$out" | awk '/bare_syscall_exit_ns/ {print $2}')")
  page+=("$(echo "$out" | awk '/bare_shared_page_ns/ {print $2}')")
done
bare_med=$(printf '%s\n' "${bare[@]}" | median)
page_med=$(printf '%s\n' "${page[@]}" | median)
walls=()
for _ in $(seq $((rounds * 2))); do
  t0=$(date +%s%N); ./jvisor do -- /bin/true; t1=$(date +%s%N); walls+=($(( (t1 - t0) / 1000000 )))
done
wall=$(printf '%s\n' "${walls[@]}" | median)
flavour=$(./jvisor bench -n 1000 | awk '/platform/ {print $2}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "Platform flavour: $flavour; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $rounds rounds."
echo
echo "| measurement | native | jvisor | jvisor / native |"
echo "|---|---:|---:|---:|"
echo "| getppid() round trip (ns) | ${nat[getppid]} | ${sbx[getppid]} | $(ratio "${sbx[getppid]}" "${nat[getppid]}") |"
echo "| bare shared-page round trip, empty handler (ns) | | $page_med | jvisor getppid / bare: $(ratio "${sbx[getppid]}" "$page_med") |"
echo "| bare VM-exit round trip, empty handler (ns) | | $bare_med | (the path syscalls the fast path does not serve take) |"
echo "| CPU-bound loop, 200M iterations (ms) | ${nat[cpuloop]} | ${sbx[cpuloop]} | speed $(ratio "${nat[cpuloop]}" "${sbx[cpuloop]}")x native |"
echo "| fork + exec /bin/true + wait (us) | ${nat[forkexec]} | ${sbx[forkexec]} | $(ratio "${sbx[forkexec]}" "${nat[forkexec]}") |"
echo "| 64 MiB through a pipe (MiB/s) | ${nat[pipe64]} | ${sbx[pipe64]} | throughput $(ratio "${sbx[pipe64]}" "${nat[pipe64]}")x |"
echo "| futex ping-pong between two threads (us) | ${nat[futexpp]} | ${sbx[futexpp]} | $(ratio "${sbx[futexpp]}" "${nat[futexpp]}") |"
echo "| pthread_create + join (us) | ${nat[threadcj]} | ${sbx[threadcj]} | $(ratio "${sbx[threadcj]}" "${nat[threadcj]}") |"
echo "| \`./jvisor do -- /bin/true\` wall time (ms) | | $wall | |"
