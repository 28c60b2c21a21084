package dev.jvisor.sentry;

/**
 * The host file descriptors a sandboxed process gets as its fds 0, 1 and 2. The sandbox duplicates them at
 * start, so the caller may close its own copies; -1 means "none" (reads see EOF, writes are discarded).
 */
public record Stdio(int stdin, int stdout, int stderr) {
  /** The calling JVM's own stdin, stdout and stderr. */
  public static Stdio inherit() {
    return new Stdio(0, 1, 2);
  }
}
