package dev.jvisor.sentry.syscalls;

import dev.jvisor.sentry.kernel.Kernel;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.kernel.ThreadGroup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * setitimer(ITIMER_VIRTUAL / ITIMER_PROF): budgets of process CPU time that raise SIGVTALRM / SIGPROF. The
 * process's CPU time is the sum of its task threads' host CPU time (guest execution included), sampled every
 * {@link #SAMPLE_MS} ms by one daemon thread; the Sentry cannot tell user from system time here, so both timers
 * count the same clock.
 */
final class CpuTimers {
  static final int ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
  static final int SAMPLE_MS = 2;
  private static final int SIGVTALRM = 26, SIGPROF = 27;

  /** One armed timer: fires when the process CPU clock reaches {@code deadline}. */
  private static final class Armed {
    final ThreadGroup tg;
    final Kernel kernel;
    final int which;
    long deadline;
    long interval;

    Armed(ThreadGroup tg, Kernel kernel, int which) {
      this.tg = tg;
      this.kernel = kernel;
      this.which = which;
    }
  }

  private static final Map<Armed, Boolean> ARMED = new ConcurrentHashMap<>();
  private static final ScheduledThreadPoolExecutor SAMPLER = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "jvisor-cpu-timers");
    t.setDaemon(true);
    return t;
  });

  static {
    SAMPLER.scheduleAtFixedRate(CpuTimers::sample, SAMPLE_MS, SAMPLE_MS, TimeUnit.MILLISECONDS);
  }

  private CpuTimers() {}

  /** The process CPU clock. */
  static long processCpu(ThreadGroup tg) {
    return tg.cpuNanos();
  }

  @SuppressWarnings("unchecked")
  private static Map<Integer, Armed> of(ThreadGroup tg) {
    return (Map<Integer, Armed>) tg.extras.computeIfAbsent(CpuTimers.class, c -> new ConcurrentHashMap<>());
  }

  /** Sets timer {@code which}; returns the previous {remaining, interval} ns. 0 disarms. */
  static long[] set(Task k, int which, long valueNs, long intervalNs) {
    ThreadGroup tg = k.threadGroup();
    Map<Integer, Armed> timers = of(tg);
    synchronized (timers) {
      long[] old = get(tg, which);
      Armed a = timers.remove(which);
      if (a != null) {
        ARMED.remove(a);
      }
      if (valueNs > 0) {
        a = new Armed(tg, k.kernel(), which);
        a.deadline = processCpu(tg) + valueNs;
        a.interval = intervalNs;
        timers.put(which, a);
        ARMED.put(a, Boolean.TRUE);
      }
      return old;
    }
  }

  /** {remaining, interval} ns; {0, 0} when disarmed. */
  static long[] get(ThreadGroup tg, int which) {
    Armed a = of(tg).get(which);
    if (a == null) {
      return new long[] {0, 0};
    }
    synchronized (a) {
      return new long[] {Math.max(1, a.deadline - processCpu(tg)), a.interval};
    }
  }

  /** execve keeps interval timers (POSIX); exit drops them, which the sampler notices. */
  private static void sample() {
    for (Armed a : ARMED.keySet()) {
      if (a.tg.exited()) {
        ARMED.remove(a);
        continue;
      }
      boolean fire;
      synchronized (a) {
        long now = processCpu(a.tg);
        fire = now >= a.deadline;
        if (fire) {
          if (a.interval > 0) {
            // Missed periods collapse into one signal, as one pending SIGVTALRM would.
            long periods = 1 + (now - a.deadline) / a.interval;
            a.deadline += periods * a.interval;
          } else {
            ARMED.remove(a);
            of(a.tg).remove(a.which, a);
          }
        }
      }
      if (fire) {
        a.kernel.signalThreadGroup(a.tg, a.which == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF, 0);
      }
    }
  }

  static boolean valid(long which) {
    return which == ITIMER_VIRTUAL || which == ITIMER_PROF;
  }
}
