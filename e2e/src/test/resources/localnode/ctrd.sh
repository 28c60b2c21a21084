#!/bin/sh
# start | stop | restart the local node's containerd, which lives entirely under $1 (a temporary host root).
# It is the node-agent's --restart-command in the local-node flow: the node's containerd here is a private process,
# not a systemd unit. Returns once the new process runs; the agent then waits (bounded) until CRI answers.
# Output goes to a log file so the caller's pipe is not held open by containerd.
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

# containerd 1.6 ignores the CRI runtime_path (containerd#8207) and looks the shim up on its PATH, so the agent also
# links it into the node's /usr/local/bin, which a node's containerd service has on its PATH. This node's
# /usr/local/bin is the one under the host root.
start() {
  echo "--- start $(date -u +%FT%TZ)" >> "$log"
  PATH="$root/usr/local/bin:$PATH" setsid containerd --config "$config" >> "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 ROOT start|stop|restart" >&2; exit 2 ;;
esac
