package dev.jvisor.sentry.fs.anon;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The timer behind timerfd and timer_create: an expiry time on one clock (ns of that clock) and an optional
 * interval. When it fires it reports how many periods have passed since the last report (1 + overruns: a late
 * wake-up on a busy host still counts every period, as Linux's hrtimer forwarding does). Settings are
 * {value, interval} pairs in ns, like itimerspec. One daemon thread serves every timer of the JVM.
 */
public final class IntervalTimer {
  private static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "jvisor-interval-timers");
    t.setDaemon(true);
    return t;
  });

  static {
    SCHEDULER.setRemoveOnCancelPolicy(true);
  }

  private final LongSupplier clock;
  private final LongConsumer onExpiry;
  private ScheduledFuture<?> pending;
  /** Absolute expiry on {@link #clock} (0: disarmed) and the period (0: one-shot). */
  private long deadline;
  private long interval;

  /** {@code onExpiry} receives the number of expirations; it runs on the timer thread, never under this lock. */
  public IntervalTimer(LongSupplier clock, LongConsumer onExpiry) {
    this.clock = clock;
    this.onExpiry = onExpiry;
  }

  public long now() {
    return clock.getAsLong();
  }

  /**
   * Arms the timer ({@code valueNs} 0 disarms): relative to now, or at the absolute clock time when
   * {@code absolute}. Returns the previous setting as {remaining, interval}.
   */
  public synchronized long[] set(long valueNs, long intervalNs, boolean absolute) {
    long[] old = get();
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    interval = intervalNs;
    if (valueNs == 0) {
      deadline = 0;
      return old;
    }
    long now = clock.getAsLong();
    deadline = absolute ? valueNs : saturatingAdd(now, valueNs);
    schedule(now);
    return old;
  }

  /** {remaining ns (0: disarmed; at least 1 while armed), interval ns}. */
  public synchronized long[] get() {
    if (deadline == 0) {
      return new long[] {0, interval};
    }
    return new long[] {Math.max(1, deadline - clock.getAsLong()), interval};
  }

  public synchronized void cancel() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    deadline = 0;
  }

  private void schedule(long now) {
    long delay = Math.max(0, deadline - now);
    pending = SCHEDULER.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    long count;
    synchronized (this) {
      if (deadline == 0) {
        return;
      }
      long now = clock.getAsLong();
      if (now < deadline) { // woke early (a realtime clock moved): wait again
        schedule(now);
        return;
      }
      if (interval > 0) {
        long periods = (now - deadline) / interval;
        count = 1 + periods;
        deadline = saturatingAdd(deadline, saturatingMul(count, interval));
        schedule(now);
      } else {
        count = 1;
        deadline = 0;
        pending = null;
      }
    }
    onExpiry.accept(count);
  }

  public static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  public static long saturatingMul(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
  }

  /** Expirations counted by {@link #fire} for a timer late by {@code lateNs} (1 + whole periods missed). */
  static long expirations(long lateNs, long intervalNs) {
    return intervalNs > 0 ? 1 + lateNs / intervalNs : 1;
  }
}
