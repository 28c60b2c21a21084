package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.anon.IntervalTimer;
import dev.jvisor.sentry.fs.anon.TimerFd;
import dev.jvisor.sentry.kernel.Signals;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.kernel.ThreadGroup;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Timers: timerfd_create/settime/gettime and the POSIX per-process timers (timer_create and friends) with
 * SIGEV_SIGNAL, SIGEV_THREAD_ID (glibc's SIGEV_THREAD) and SIGEV_NONE. Both run on {@link IntervalTimer}.
 */
final class TimerSyscalls {
  static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
      CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
  static final int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
  static final int TIMER_ABSTIME = 1;
  static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
  static final int SI_TIMER = -2;
  /** Timers one process may hold (Linux bounds them by RLIMIT_SIGPENDING; this is far below and fixed). */
  static final int MAX_TIMERS = 4096;
  private static final long NANOS = 1_000_000_000L;
  private static final long MONO_BASE = TimeBase.monoBase();

  private TimerSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("timerfd_create", "dx", "CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME (and their _ALARM forms, "
        + "which do not wake a suspended host); TFD_TIMER_CANCEL_ON_SET is accepted but never cancels.",
        (k, clk, flags, a, b, c, d) -> {
          if ((flags & ~(FileDescription.O_NONBLOCK | FileDescription.O_CLOEXEC)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
          }
          int id = (int) clk;
          LongSupplier clock = switch (id) {
            case CLOCK_REALTIME, CLOCK_REALTIME_ALARM -> TimerSyscalls::realtime;
            case CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM -> TimerSyscalls::monotonic;
            default -> throw new ErrnoException(Errno.EINVAL);
          };
          return FileSyscalls.install(k, new TimerFd(id, clock, (int) flags), 0,
              (flags & FileDescription.O_CLOEXEC) != 0);
        });
    t.full("timerfd_settime", "fxpp", (k, fd, flags, nv, ov, a, b) -> {
      if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      TimerFd tf = timerFd(k, fd);
      long[] v = itimerspec(k, nv);
      long[] old = tf.set(v[1], v[0], (flags & TFD_TIMER_ABSTIME) != 0);
      if (ov != 0) {
        writeItimerspec(k, ov, old);
      }
      return 0;
    });
    t.full("timerfd_gettime", "fp", (k, fd, cur, a, b, c, d) -> {
      writeItimerspec(k, cur, timerFd(k, fd).timer().get());
      return 0;
    });
    t.partial("timer_create", "dpp", "CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME; CPU-time clocks give "
        + "EINVAL. A signal still pending when the timer fires again counts as an overrun.",
        TimerSyscalls::timerCreate);
    t.full("timer_settime", "dxpp", (k, id, flags, nv, ov, a, b) -> {
      if ((flags & ~TIMER_ABSTIME) != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      PosixTimer pt = timer(k, id);
      long[] v = itimerspec(k, nv);
      long[] old = pt.timer.set(v[1], v[0], (flags & TIMER_ABSTIME) != 0);
      if (ov != 0) {
        writeItimerspec(k, ov, old);
      }
      return 0;
    });
    t.full("timer_gettime", "dp", (k, id, cur, a, b, c, d) -> {
      writeItimerspec(k, cur, timer(k, id).timer.get());
      return 0;
    });
    t.full("timer_getoverrun", "d", (k, id, a, b, c, d, e) -> timer(k, id).overrunOfLastDelivered());
    t.full("timer_delete", "d", (k, id, a, b, c, d, e) -> {
      PosixTimer pt = timers(k.threadGroup()).remove((int) id);
      if (pt == null || id < 0 || id > Integer.MAX_VALUE) {
        throw new ErrnoException(Errno.EINVAL);
      }
      pt.timer.cancel();
      return 0;
    });
  }

  static long realtime() {
    Instant i = Instant.now();
    return i.getEpochSecond() * NANOS + i.getNano();
  }

  static long monotonic() {
    return System.nanoTime() - MONO_BASE;
  }

  private static TimerFd timerFd(Task k, long fd) throws ErrnoException {
    if (!(Args.fd(k, fd) instanceof TimerFd tf)) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return tf;
  }

  /** Reads an itimerspec as {interval ns, value ns}; EINVAL for a negative or non-normalized field. */
  static long[] itimerspec(Task k, long va) throws ErrnoException {
    if (va == 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    long[] v = Args.readLongs(k, va, 4);
    return new long[] {timespecNs(v[0], v[1]), timespecNs(v[2], v[3])};
  }

  static long timespecNs(long sec, long nsec) throws ErrnoException {
    if (sec < 0 || nsec < 0 || nsec >= NANOS) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return sec > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : sec * NANOS + nsec;
  }

  /** Writes {remaining, interval} as an itimerspec {interval, value}. */
  private static void writeItimerspec(Task k, long va, long[] remainingInterval) throws ErrnoException {
    long value = remainingInterval[0];
    long interval = remainingInterval[1];
    Args.writeLongs(k, va, interval / NANOS, interval % NANOS, value / NANOS, value % NANOS);
  }

  /** One timer_create timer. */
  static final class PosixTimer {
    final int id;
    final IntervalTimer timer;
    /** The overrun the queued siginfo reports (kept current while it is pending). */
    volatile int lastOverrun;
    /** The overrun of the signal before the queued one (what timer_getoverrun says while the new one waits). */
    int previousOverrun;
    /** Where the signal goes: one thread, or (null) the process; and which signal. */
    Task thread;
    ThreadGroup process;
    int signal;
    /** Expirations beyond the first since the last signal was queued. */
    long missed;
    /** The siginfo of the last signal queued (updated while it is still pending). */
    byte[] queued;

    PosixTimer(int id, IntervalTimer timer) {
      this.id = id;
      this.timer = timer;
    }

    /**
     * timer_getoverrun: Linux latches the overrun when the signal is delivered (it_overrun_last), so a signal
     * queued since then but not yet taken does not change the answer.
     */
    synchronized int overrunOfLastDelivered() {
      if (queued == null) {
        return 0;
      }
      long pending = thread != null ? thread.pendingMask() : pendingInGroup(process);
      return (pending & (1L << (signal - 1))) != 0 ? previousOverrun : lastOverrun;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<Integer, PosixTimer> timers(ThreadGroup tg) {
    return (Map<Integer, PosixTimer>) tg.extras.computeIfAbsent(PosixTimer.class, c -> new ConcurrentHashMap<>());
  }

  /** execve: POSIX timers do not survive an exec (they are not inherited by fork either). */
  static void deleteAll(ThreadGroup tg) {
    for (PosixTimer pt : timers(tg).values()) {
      pt.timer.cancel();
    }
    timers(tg).clear();
  }

  private static PosixTimer timer(Task k, long id) throws ErrnoException {
    PosixTimer pt = id < 0 || id > Integer.MAX_VALUE ? null : timers(k.threadGroup()).get((int) id);
    if (pt == null) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return pt;
  }

  private static long timerCreate(Task k, long clk, long sevp, long idp, long a, long b, long c)
      throws ErrnoException {
    LongSupplier clock = switch ((int) clk) {
      case CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_TAI -> TimerSyscalls::realtime;
      case CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM -> TimerSyscalls::monotonic;
      default -> throw new ErrnoException(Errno.EINVAL);
    };
    int notify = SIGEV_SIGNAL;
    int signo = Signals.SIGALRM;
    long value = 0;
    Task target = null;
    if (sevp != 0) {
      byte[] raw = new byte[20];
      if (k.mm().copyIn(sevp, raw, 0, raw.length) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
      ByteBuffer ev = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      value = ev.getLong(0);
      signo = ev.getInt(8);
      notify = ev.getInt(12);
      int tid = ev.getInt(16);
      if (notify != SIGEV_SIGNAL && notify != SIGEV_NONE && notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID)) {
        throw new ErrnoException(Errno.EINVAL);
      }
      if (notify != SIGEV_NONE && !Signals.valid(signo)) {
        throw new ErrnoException(Errno.EINVAL);
      }
      if ((notify & SIGEV_THREAD_ID) != 0) {
        target = k.kernel().task(tid);
        if (target == null || target.threadGroup() != k.threadGroup()) {
          throw new ErrnoException(Errno.EINVAL);
        }
      }
    }
    ThreadGroup tg = k.threadGroup();
    Map<Integer, PosixTimer> all = timers(tg);
    final int sig = signo;
    final int kind = notify;
    final Task thread = target;
    final PosixTimer[] self = new PosixTimer[1];
    final long[] sigval = {value};
    IntervalTimer it = new IntervalTimer(clock, n -> expired(k, tg, thread, self[0], kind, sig, sigval[0], n));
    int id;
    synchronized (all) {
      if (all.size() >= MAX_TIMERS) {
        throw new ErrnoException(Errno.EAGAIN);
      }
      id = 0;
      while (all.containsKey(id)) {
        id++;
      }
      if (sevp == 0) {
        sigval[0] = id; // no sigevent: SIGALRM carrying the timer id
      }
      self[0] = new PosixTimer(id, it);
      self[0].thread = thread;
      self[0].process = tg;
      self[0].signal = sig;
      all.put(id, self[0]);
    }
    try {
      Args.writeInt(k, idp, id);
    } catch (ErrnoException e) {
      all.remove(id);
      throw e;
    }
    return 0;
  }

  /** Runs on the timer thread: queues the timer's signal, or counts an overrun while it is still pending. */
  private static void expired(Task creator, ThreadGroup tg, Task thread, PosixTimer pt, int kind, int sig,
      long sigval, long n) {
    if (tg.exited()) {
      pt.timer.cancel();
      return;
    }
    if (kind == SIGEV_NONE) {
      return;
    }
    Task to = thread;
    if (to != null && to.exiting()) {
      pt.timer.cancel(); // the target thread is gone: Linux stops delivering too
      return;
    }
    long pendingMask = to != null ? to.pendingMask() : pendingInGroup(tg);
    ByteBuffer si;
    synchronized (pt) {
      if ((pendingMask & (1L << (sig - 1))) != 0 && pt.queued != null) {
        // The earlier signal has not been taken yet: Linux reports these expirations as its si_overrun. The
        // queued siginfo is the array the task holds until delivery, so it is updated in place.
        pt.missed = IntervalTimer.saturatingAdd(pt.missed, n);
        pt.lastOverrun = (int) Math.min(Integer.MAX_VALUE, pt.missed);
        ByteBuffer.wrap(pt.queued).order(ByteOrder.LITTLE_ENDIAN).putInt(20, pt.lastOverrun);
        return;
      }
      pt.previousOverrun = pt.queued != null ? pt.lastOverrun : 0;
      pt.missed = n - 1;
      pt.lastOverrun = (int) Math.min(Integer.MAX_VALUE, pt.missed);
      si = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
      si.putInt(0, sig).putInt(8, SI_TIMER).putInt(16, pt.id).putInt(20, pt.lastOverrun).putLong(24, sigval);
      pt.queued = si.array();
    }
    if (to != null) {
      to.sendSignal(sig, si.array());
    } else {
      creator.kernel().signalThreadGroup(tg, sig, si.array());
    }
  }

  /** Signals pending on any task of the group (the process-directed signal may sit on any of them). */
  private static long pendingInGroup(ThreadGroup tg) {
    long m = 0;
    for (Task t : tg.taskList()) {
      m |= t.pendingMask();
    }
    return m;
  }
}
