#!/bin/sh
# start | stop | restart the containerd of ContainerdInstallIT, which lives entirely under $1 (a temp host root).
# Used as the agent's --restart-command: it returns once the new containerd process runs; the agent then waits
# (bounded) until CRI answers. Output goes to a log file so the agent's pipe is not held open.
set -eu
root="$1" action="$2"
pidfile="$root/containerd.pid" log="$root/containerd.log" config="$root/etc/containerd/config.toml"

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

stop() {
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  i=0
  while alive "$pid" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
}

start() {
  echo "--- start $(date -u +%FT%TZ)" >> "$log"
  setsid containerd --config "$config" >> "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 ROOT start|stop|restart" >&2; exit 2 ;;
esac
