package dev.jvisor.cli;

import dev.jvisor.host.HostPty;
import dev.jvisor.host.LibC;

/**
 * runc's {@code --console-socket} protocol: make a host pty, send its master to the caller's socket (runc's shim
 * then copies it to and from containerd's fifos and resizes it), and let the container's daemon bridge the slave
 * to a Sentry terminal. This process never opens the slave: a pty whose slave was opened and closed again reads
 * as hung up on the master side.
 */
final class Console {
  private Console() {}

  /** Sends a new pty's master over {@code socket}; returns the slave's path for the daemon. */
  static String handOver(String socket) {
    HostPty.Master m = HostPty.open();
    try {
      HostPty.sendFd(socket, m.fd(), m.slavePath());
      return m.slavePath();
    } finally {
      LibC.close(m.fd()); // runc's shim holds its own copy now
    }
  }
}
