package dev.jvisor.sentry.kernel;

/** How a process ended: an exit code, or a terminating signal. */
public record ExitStatus(int code, int signal) {
  public static ExitStatus exited(int code) {
    return new ExitStatus(code & 0xff, 0);
  }

  public static ExitStatus killed(int signal) {
    return new ExitStatus(0, signal);
  }

  /** The shell convention: code, or 128 + signal. */
  public int shellStatus() {
    return signal != 0 ? 128 + signal : code;
  }

  /** The wait(2) status word. */
  public int waitStatus() {
    return signal != 0 ? signal & 0x7f : (code & 0xff) << 8;
  }
}
