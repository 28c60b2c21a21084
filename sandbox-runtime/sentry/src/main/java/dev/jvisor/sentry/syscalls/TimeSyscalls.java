package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.time.Instant;

/** Clocks and sleeping. */
final class TimeSyscalls {
  private static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
      CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
      CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9,
      CLOCK_TAI = 11;
  private static final int TIMER_ABSTIME = 1;
  private static final long NANOS = 1_000_000_000L;
  /** Monotonic clocks start at the sandbox's boot, like a fresh machine's. */
  private static final long MONO_BASE = TimeBase.monoBase();

  private TimeSyscalls() {}

  static void register(SyscallTable t) {
    t.full("clock_gettime", "dp", (k, clk, ts, a, b, c, d) -> {
      long ns = now(k, (int) clk);
      Args.writeLongs(k, ts, ns / NANOS, ns % NANOS);
      return 0;
    });
    t.full("clock_getres", "dp", (k, clk, ts, a, b, c, d) -> {
      now(k, (int) clk);
      if (ts != 0) {
        Args.writeLongs(k, ts, 0, 1);
      }
      return 0;
    });
    t.full("gettimeofday", "pp", (k, tv, tz, a, b, c, d) -> {
      long ns = realtime();
      if (tv != 0) {
        Args.writeLongs(k, tv, ns / NANOS, (ns % NANOS) / 1000);
      }
      if (tz != 0) {
        Args.writeLongs(k, tz, 0);
      }
      return 0;
    });
    t.full("time", "p", (k, tp, a, b, c, d, e) -> {
      long s = realtime() / NANOS;
      if (tp != 0) {
        Args.writeLongs(k, tp, s);
      }
      return s;
    });
    t.full("nanosleep", "pp", (k, req, rem, a, b, c, d) -> sleep(k, CLOCK_MONOTONIC, 0, req, rem));
    t.full("clock_nanosleep", "dxpp", (k, clk, flags, req, rem, a, b) -> sleep(k, (int) clk, flags, req, rem));
    t.full("alarm", "d", (k, secs, a, b, c, d, e) -> {
      long[] old = k.kernel().setRealTimer(k.threadGroup(), (secs & 0xffffffffL) * NANOS, 0);
      return (old[0] + NANOS / 2) / NANOS;
    });
    t.partial("setitimer", "dpp", "ITIMER_REAL raises SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF both count the "
        + "process's host CPU time (guest and Sentry time together), sampled every 2 ms.",
        (k, which, nv, ov, a, b, c) -> {
          if (which != 0 && !CpuTimers.valid(which)) {
            throw new ErrnoException(Errno.EINVAL);
          }
          long[] v = nv == 0 ? new long[4] : Args.readLongs(k, nv, 4); // interval {s, us}, value {s, us}
          for (int i = 0; i < 4; i++) {
            if (v[i] < 0 || (i % 2 == 1 && v[i] >= 1_000_000) || (i % 2 == 0 && v[i] > Integer.MAX_VALUE)) {
              throw new ErrnoException(Errno.EINVAL);
            }
          }
          long value = v[2] * NANOS + v[3] * 1000;
          long interval = v[0] * NANOS + v[1] * 1000;
          long[] old = which == 0 ? k.kernel().setRealTimer(k.threadGroup(), value, interval)
              : CpuTimers.set(k, (int) which, value, interval);
          if (ov != 0) {
            long us = usUp(old[0]);
            Args.writeLongs(k, ov, old[1] / NANOS, (old[1] % NANOS) / 1000, us / 1_000_000, us % 1_000_000);
          }
          return 0;
        });
    t.partial("getitimer", "dp", "As setitimer.", (k, which, cv, a, b, c, d) -> {
      if (which != 0 && !CpuTimers.valid(which)) {
        throw new ErrnoException(Errno.EINVAL);
      }
      long[] cur = which == 0 ? k.kernel().realTimer(k.threadGroup()) : CpuTimers.get(k.threadGroup(), (int) which);
      long us = usUp(cur[0]);
      Args.writeLongs(k, cv, cur[1] / NANOS, (cur[1] % NANOS) / 1000, us / 1_000_000, us % 1_000_000);
      return 0;
    });
    t.partial("times", "p", "User time is the host CPU time of the process's threads (guest time included); "
        + "system time is 0: the two cannot be told apart.", (k, buf, a, b, c, d, e) -> {
      if (buf != 0) {
        Args.writeLongs(k, buf, k.threadGroup().cpuNanos() / 10_000_000L, 0,
            k.threadGroup().childrenCpuNanos() / 10_000_000L, 0);
      }
      return (System.nanoTime() - MONO_BASE) / 10_000_000L;
    });
    t.partial("getrusage", "dp", "User time is host CPU time (self, children waited for, or the thread; guest time "
        + "included; system time 0); max RSS is the resident size now.", (k, who, buf, a, b, c, d) -> {
      long ns = switch ((int) who) {
        case 0 -> k.threadGroup().cpuNanos();
        case -1 -> k.threadGroup().childrenCpuNanos();
        case 1 -> k.hostCpuNanos();
        default -> throw new ErrnoException(Errno.EINVAL);
      };
      long us = ns / 1000;
      long[] ru = new long[18];
      ru[0] = us / 1_000_000;
      ru[1] = us % 1_000_000;
      ru[4] = who == -1 ? 0 : k.mm().residentPages() * 4; // maxrss in KiB
      Args.writeLongs(k, buf, ru);
      return 0;
    });
  }

  /** Microseconds of a remaining time, rounded up so an armed timer never reads as 0. */
  private static long usUp(long ns) {
    return (ns + 999) / 1000;
  }

  private static long realtime() {
    Instant i = Instant.now();
    return i.getEpochSecond() * NANOS + i.getNano();
  }

  private static long now(Task k, int clk) throws ErrnoException {
    return switch (clk) {
      case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI -> realtime();
      case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM ->
          System.nanoTime() - MONO_BASE;
      case CLOCK_PROCESS_CPUTIME_ID -> k.threadGroup().cpuNanos();
      case CLOCK_THREAD_CPUTIME_ID -> k.hostCpuNanos();
      default -> throw new ErrnoException(Errno.EINVAL);
    };
  }

  private static long sleep(Task k, int clk, long flags, long req, long rem) throws ErrnoException {
    long[] ts = Args.readLongs(k, req, 2);
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NANOS) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long want = ts[0] > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : ts[0] * NANOS + ts[1];
    long start = now(k, clk);
    long deadline = (flags & TIMER_ABSTIME) != 0 ? want : start + want;
    while (true) {
      long left = deadline - now(k, clk);
      if (left <= 0) {
        return 0;
      }
      try {
        Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
      } catch (InterruptedException e) {
        long r = Math.max(0, deadline - now(k, clk));
        if (rem != 0 && (flags & TIMER_ABSTIME) == 0) {
          Args.writeLongs(k, rem, r / NANOS, r % NANOS);
        }
        throw new ErrnoException(Errno.EINTR);
      }
    }
  }
}
