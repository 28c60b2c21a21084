package dev.jvisor.nodeagent.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Wall time of each step, logged as it finishes (the numbers in docs/benchmarks-node-agent.md come from here). */
public final class StepTimings {
  /** One finished (or failed) step. */
  public record Timing(Step step, Duration wall, boolean ok) {}

  private final List<Timing> timings = new ArrayList<>();
  private final Consumer<String> log;

  public StepTimings(Consumer<String> log) {
    this.log = log;
  }

  public <T> T time(Step step, Supplier<T> body) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T result = body.get();
      ok = true;
      return result;
    } finally {
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      timings.add(new Timing(step, wall, ok));
      log.accept(String.format("step %-17s %6d ms %s", step, wall.toMillis(), ok ? "ok" : "FAILED"));
    }
  }

  public void time(Step step, Runnable body) {
    time(step, () -> {
      body.run();
      return null;
    });
  }

  public List<Timing> timings() {
    return List.copyOf(timings);
  }

  public Duration total() {
    return timings.stream().map(Timing::wall).reduce(Duration.ZERO, Duration::plus);
  }
}
