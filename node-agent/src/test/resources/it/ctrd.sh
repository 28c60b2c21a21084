#!/bin/sh
# start | stop | restart the containerd of ContainerdInstallIT, which lives entirely under $1 (a temp host root).
# Used as the agent's --restart-command: it returns once the new containerd process runs; the agent then waits
# (bounded) until CRI answers. Output goes to a log file so the agent's pipe is not held open.
# containerd runs in a private mount namespace where $1/opt is bind-mounted over /opt: the runtime_path the agent
# writes (/opt/jvisor/current/bin/containerd-shim-jvisor-v1, a host path) then resolves to the temp host root's copy,
# and the real /opt is never touched. $1/usr/local/bin is bind-mounted over /usr/local/bin the same way: containerd 1.6
# finds shims by name on PATH (it ignores runtime_path), and the agent links the shim there.
# The namespace (and the bind mounts) ends with containerd and its shims.
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
  mkdir -p "$root/opt" "$root/usr/local/bin"
  # unshare without --fork execs in place, so $! is containerd's pid. PATH as systemd gives services.
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin setsid unshare --mount --propagation private \
    sh -c 'mount --bind "$0/opt" /opt && mount --bind "$0/usr/local/bin" /usr/local/bin &&
      exec containerd --config "$1"' "$root" "$config" >> "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 ROOT start|stop|restart" >&2; exit 2 ;;
esac
