package dev.jvisor.sentry.kernel;

/**
 * A task's scheduling attributes as sched_* and get/setpriority see them. jvisor runs each task on its own host
 * thread and does not schedule by them; they are recorded so a program reads back what it set, and inherited
 * across clone as Linux does.
 */
public record Sched(int policy, int priority, int nice, long[] affinity) {
  public static final int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;

  /** What a new task gets: SCHED_OTHER, nice 0, every CPU the host offers the JVM. */
  public static Sched initial() {
    int cpus = Runtime.getRuntime().availableProcessors();
    long[] mask = new long[(cpus + 63) / 64];
    for (int i = 0; i < cpus; i++) {
      mask[i / 64] |= 1L << (i % 64);
    }
    return new Sched(SCHED_OTHER, 0, 0, mask);
  }

  public Sched withPolicy(int p, int prio) {
    return new Sched(p, prio, nice, affinity);
  }

  public Sched withNice(int n) {
    return new Sched(policy, priority, n, affinity);
  }

  public Sched withAffinity(long[] mask) {
    return new Sched(policy, priority, nice, mask.clone());
  }

  @Override
  public long[] affinity() {
    return affinity.clone();
  }
}
