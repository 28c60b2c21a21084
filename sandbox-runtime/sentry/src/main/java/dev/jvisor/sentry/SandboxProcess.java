package dev.jvisor.sentry;

import java.time.Duration;

/** A process started in a sandbox, seen from the host. */
public interface SandboxProcess {
  /** Its PID inside the sandbox's PID space (the first process is 1). */
  int pid();

  /** Blocks until it exits; returns the exit code, or 128+signal when a signal ended it. */
  int waitFor() throws InterruptedException;

  /** Like {@link #waitFor()} but gives up after {@code timeout}, returning -1 if it still runs. */
  int waitFor(Duration timeout) throws InterruptedException;

  boolean isAlive();

  /** Sends signal {@code sig} (Linux numbering) to the process. */
  void signal(int sig);
}
