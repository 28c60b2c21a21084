package dev.jvisor.sentry;

/**
 * The host file descriptors a sandboxed process gets as its fds 0, 1 and 2. The sandbox duplicates them at
 * start, so the caller may close its own copies; -1 means "none" (reads see EOF, writes are discarded). With a
 * {@code terminal} (from {@link Sandbox#openTerminal}) the host fds are ignored: fds 0-2 are the terminal's slave.
 */
public record Stdio(int stdin, int stdout, int stderr, Terminal terminal) {
  public Stdio(int stdin, int stdout, int stderr) {
    this(stdin, stdout, stderr, null);
  }

  /** The calling JVM's own stdin, stdout and stderr. */
  public static Stdio inherit() {
    return new Stdio(0, 1, 2);
  }

  /** fds 0-2 on {@code t}'s slave, which becomes the process's controlling terminal. */
  public static Stdio withTerminal(Terminal t) {
    return new Stdio(-1, -1, -1, java.util.Objects.requireNonNull(t, "terminal"));
  }
}
