package dev.jvisor.e2e.localnode;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Plain checks with messages that read well in the flow's one-line report, and bounded waits. */
final class Check {

  static final Duration POLL = Duration.ofMillis(500);

  private Check() {}

  static void that(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  static void equal(Object expected, Object actual, String what) {
    if (!java.util.Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected '" + expected + "' but was '" + actual + "'");
    }
  }

  /** Polls until {@code condition} holds; fails after {@code timeout} with the message's last state. */
  static void await(Duration timeout, String what, Supplier<Boolean> condition, Supplier<String> state)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Boolean ok;
      try {
        ok = condition.get();
      } catch (RuntimeException e) {
        ok = false;
      }
      if (Boolean.TRUE.equals(ok)) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + timeout + "; last state: " + state.get());
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
