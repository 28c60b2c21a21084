package dev.jvisor.shim.task;

import dev.jvisor.host.HostFiles;
import dev.jvisor.host.HostPty;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.Terminal;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Copies between containerd's fifos and a process's Sentry terminal, as runc's shim does with a pty master:
 * stdin fifo -> typed input, terminal output -> stdout fifo (a terminal has one output stream; stderr is unused).
 * When stdin reaches EOF the terminal is hung up (runc's shim closes the console then too); when the guest has
 * closed the slave for good, the stdout fifo is closed so containerd sees the end of the output.
 *
 * <p>The "fifos" may instead be a host pty's slave (the OCI CLI's {@code --console-socket}: runc's shim holds the
 * master): it is put in raw mode, so only the Sentry's line discipline edits and echoes, and its window size,
 * which runc's shim sets on the master, is passed on to the Sentry terminal.
 */
final class TerminalIo {
  private static final Logger LOG = Logger.getLogger(TerminalIo.class.getName());
  /** How often the stdin pump re-checks whether it should stop while no input comes. */
  private static final int STDIN_POLL_MS = 200;
  private static final int BUFFER = 32 << 10;

  private final Terminal terminal;
  private final Thread output;
  private final Thread input;
  private volatile boolean stopped;

  /** Takes ownership of {@code stdinFd} and {@code stdoutFd} (-1 = none). */
  TerminalIo(Terminal terminal, int stdinFd, int stdoutFd, String name) {
    this.terminal = terminal;
    if (stdinFd >= 0 && HostPty.makeRaw(stdinFd) == 0) {
      followWindowSize(stdinFd);
    }
    this.output = new Thread(() -> pumpOutput(stdoutFd), "tty-out-" + name);
    this.input = stdinFd < 0 ? null : new Thread(() -> pumpInput(stdinFd), "tty-in-" + name);
    output.setDaemon(true);
    output.start();
    if (input != null) {
      input.setDaemon(true);
      input.start();
    }
  }

  Terminal terminal() {
    return terminal;
  }

  void resize(int cols, int rows) {
    terminal.resize(cols, rows);
  }

  /**
   * The process ended: hang up (whatever still holds the slave gets SIGHUP) and wait up to {@code max} for the
   * remaining output to reach the fifo, so containerd has it before the exit event.
   */
  void finish(Duration max) throws InterruptedException {
    stopped = true;
    terminal.close();
    output.join(max.toMillis());
  }

  private void pumpOutput(int fd) {
    byte[] buf = new byte[BUFFER];
    boolean sink = fd >= 0;
    try {
      int n;
      while ((n = terminal.read(buf, 0, buf.length, null)) >= 0) {
        if (sink && n > 0 && HostFiles.writeAll(fd, buf, 0, n) < 0) {
          // The reader went away: keep draining so the guest never blocks on a full terminal.
          LOG.info("terminal output of " + Thread.currentThread().getName() + " has no reader any more");
          sink = false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (fd >= 0) {
        LibC.close(fd);
      }
    }
  }

  /** The host terminal's size last passed on (null: stdin is a fifo, not a terminal). */
  private volatile int[] hostSize;

  private void followWindowSize(int fd) {
    int[] size = HostPty.windowSize(fd);
    if (size != null && !java.util.Arrays.equals(size, hostSize)) {
      hostSize = size;
      terminal.resize(size[0], size[1]);
    }
  }

  private void pumpInput(int fd) {
    byte[] buf = new byte[BUFFER];
    try {
      while (!stopped) {
        if (hostSize != null) {
          followWindowSize(fd); // a host pty's resize reaches no one else: poll it, as often as input
        }
        // poll first: a fifo whose writer has not connected yet reads as EOF, but polls as nothing.
        int ev = HostFiles.pollIn(fd, STDIN_POLL_MS);
        if (ev == 0) {
          continue;
        }
        int n = ev < 0 ? ev : HostFiles.read(fd, buf, 0, buf.length);
        if (n <= 0) {
          if (!stopped) {
            terminal.close(); // stdin closed (ctr detached, CloseIO): hang up, as runc's shim does
          }
          return;
        }
        terminal.write(buf, 0, n);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      LibC.close(fd);
    }
  }
}
