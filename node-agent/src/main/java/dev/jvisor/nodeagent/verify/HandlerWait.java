package dev.jvisor.nodeagent.verify;

import dev.jvisor.nodeagent.AgentException;
import java.time.Duration;
import java.util.Set;

/** Polls a {@link HandlerProbe} until a handler is (or is no longer) served, within a bound (lesson 12). */
public final class HandlerWait {
  /** containerd 1.6 answers CRI about a second after start; k3s restarts take longer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(250);

  private HandlerWait() {}

  /** Waits until {@code handler} is served ({@code present}) or gone; returns the handlers served at the end. */
  public static Set<String> await(HandlerProbe probe, String handler, boolean present, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      try {
        Set<String> served = probe.servedHandlers();
        if (served.contains(handler) == present) {
          return served;
        }
        last = "containerd serves " + served;
      } catch (RuntimeException e) {
        last = "containerd does not answer (" + e.getMessage() + ")";
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException("containerd did not " + (present ? "load" : "drop") + " runtime handler '"
            + handler + "' within " + timeout + ": " + last + " (" + probe + ")");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentException("interrupted while waiting for containerd", e);
      }
    }
  }
}
