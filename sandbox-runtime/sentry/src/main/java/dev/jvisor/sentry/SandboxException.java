package dev.jvisor.sentry;

/** A sandbox could not be created or a process could not be started; the message is meant for the user. */
public class SandboxException extends RuntimeException {
  private final int exitCode;

  public SandboxException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public SandboxException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The exit status a CLI should use (127 for a missing command, 126 for one that cannot execute, else 1). */
  public int exitCode() {
    return exitCode;
  }
}
