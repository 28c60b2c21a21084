package dev.jvisor.sentry;

import java.time.Duration;

/**
 * The host's end of a pseudo-terminal emulated inside a sandbox (the "master"): what is written here is typed at
 * the terminal, what the guest prints (after the terminal's output processing, echoes included) is read here.
 * Hand it to {@link Stdio#withTerminal} and the process gets the terminal's slave as fds 0-2 and as its
 * controlling terminal, leading a session of its own, as runc does for {@code terminal: true}.
 */
public interface Terminal extends AutoCloseable {
  /** The slave's name inside the sandbox, e.g. {@code /dev/pts/0}. */
  String name();

  /** Types {@code len} bytes; blocks while the guest leaves 64 KiB of earlier input unread. */
  void write(byte[] b, int off, int len) throws InterruptedException;

  /**
   * Reads what the guest printed: waits up to {@code timeout} (null = for ever) for something, returns the byte
   * count, 0 when the timeout passed, or -1 once every guest descriptor of the slave is closed and all output was
   * read (or the terminal was closed).
   */
  int read(byte[] b, int off, int len, Duration timeout) throws InterruptedException;

  /** TIOCSWINSZ from outside: the foreground process group gets SIGWINCH when the size changes. */
  void resize(int cols, int rows);

  /** Hangs up: the foreground process group gets SIGHUP and SIGCONT; guest reads see EOF and writes EIO. */
  @Override
  void close();
}
