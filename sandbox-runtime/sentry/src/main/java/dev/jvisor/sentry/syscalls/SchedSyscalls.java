package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.Sched;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.kernel.ThreadGroup;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Scheduling attributes: policy, priority, nice and CPU affinity. Every task runs on its own host thread, so the
 * values are recorded per task (and inherited by clone) rather than enforced; argument checking and errnos follow
 * kernel/sched/core.c. Real-time policies answer EPERM: the sandbox offers no real-time scheduling, which is what
 * Linux tells a task without CAP_SYS_NICE and with RLIMIT_RTPRIO 0.
 */
final class SchedSyscalls {
  private static final int SCHED_RESET_ON_FORK = 0x40000000, SCHED_DEADLINE = 6;
  private static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
  private static final int MIN_NICE = -20, MAX_NICE = 19;
  /** What sched_rr_get_interval reports for SCHED_RR (Linux's RR_TIMESLICE, 100 ms). */
  static final long RR_TIMESLICE_NS = 100_000_000L;

  private SchedSyscalls() {}

  static void register(SyscallTable t) {
    String noted = "Recorded per task and inherited, not enforced (each task has its own host thread); ";
    t.partial("sched_getscheduler", "d", noted + "SCHED_OTHER unless changed.", (k, pid, a, b, c, d, e) -> {
      return task(k, pid, Errno.EINVAL).sched().policy();
    });
    t.partial("sched_getparam", "dp", noted + "priority 0 for the normal policies.",
        (k, pid, param, a, b, c, d) -> {
          if (param == 0) {
            throw new ErrnoException(Errno.EINVAL);
          }
          Task target = task(k, pid, Errno.EINVAL);
          Args.writeInt(k, param, target.sched().priority());
          return 0;
        });
    t.partial("sched_setscheduler", "ddp", noted + "SCHED_FIFO/SCHED_RR give EPERM (no real-time scheduling).",
        (k, pid, policy, param, a, b, c) -> setScheduler(k, pid, (int) policy, param, false));
    t.partial("sched_setparam", "dp", noted + "as sched_setscheduler with the current policy.",
        (k, pid, param, a, b, c, d) -> setScheduler(k, pid, -1, param, true));
    t.full("sched_get_priority_max", "d", (k, p, a, b, c, d, e) -> priorityRange((int) p)[1]);
    t.full("sched_get_priority_min", "d", (k, p, a, b, c, d, e) -> priorityRange((int) p)[0]);
    t.partial("sched_rr_get_interval", "dp", "100 ms for SCHED_RR (RR_TIMESLICE), 0 for SCHED_FIFO, 4 ms for "
        + "the fair policies (one CFS slice at the default granularity).", (k, pid, ts, a, b, c, d) -> {
          Task target = task(k, pid, Errno.EINVAL);
          long ns = switch (target.sched().policy()) {
            case Sched.SCHED_FIFO -> 0;
            case Sched.SCHED_RR -> RR_TIMESLICE_NS;
            default -> 4_000_000L;
          };
          Args.writeLongs(k, ts, ns / 1_000_000_000L, ns % 1_000_000_000L);
          return 0;
        });
    t.partial("sched_getaffinity", "ddp", noted + "the mask covers the CPUs the host gives the Sentry.",
        SchedSyscalls::getAffinity);
    t.partial("sched_setaffinity", "ddp", noted + "CPUs outside the host's are dropped; an empty result is EINVAL.",
        SchedSyscalls::setAffinity);
    t.partial("getpriority", "dd", "Nice values are recorded per task, not enforced; returns 20 - nice.",
        (k, which, who, a, b, c, d) -> {
          int best = Integer.MAX_VALUE;
          for (Task x : targets(k, which, who)) {
            best = Math.min(best, x.sched().nice());
          }
          return 20 - best;
        });
    t.partial("setpriority", "ddd", "Recorded per task (clamped to -20..19), not enforced.",
        (k, which, who, nice, a, b, c) -> {
          int n = (int) Math.max(MIN_NICE, Math.min(MAX_NICE, nice));
          for (Task x : targets(k, which, who)) {
            x.setSched(x.sched().withNice(n));
          }
          return 0;
        });
  }

  /** {min, max} priority of a policy (sched_get_priority_min/max); EINVAL for unknown policies. */
  static long[] priorityRange(int policy) throws ErrnoException {
    return switch (policy) {
      case Sched.SCHED_FIFO, Sched.SCHED_RR -> new long[] {1, 99};
      case Sched.SCHED_OTHER, Sched.SCHED_BATCH, Sched.SCHED_IDLE, SCHED_DEADLINE -> new long[] {0, 0};
      default -> throw new ErrnoException(Errno.EINVAL);
    };
  }

  /** The task {@code pid} names (0: the caller); a negative pid is {@code negErrno}, an unknown one ESRCH. */
  private static Task task(Task k, long pid, int negErrno) throws ErrnoException {
    if (pid < 0 || pid > Integer.MAX_VALUE) {
      throw new ErrnoException(negErrno);
    }
    if (pid == 0) {
      return k;
    }
    Task t = k.kernel().task((int) pid);
    if (t == null) {
      throw new ErrnoException(Errno.ESRCH);
    }
    return t;
  }

  private static long setScheduler(Task k, long pid, int policy, long param, boolean keepPolicy)
      throws ErrnoException {
    if (param == 0 || pid < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] raw = new byte[4];
    if (k.mm().copyIn(param, raw, 0, 4) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    int prio = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Task target = task(k, pid, Errno.EINVAL);
    int p = keepPolicy ? target.sched().policy() : policy & ~SCHED_RESET_ON_FORK;
    if (p == SCHED_DEADLINE) {
      throw new ErrnoException(Errno.EINVAL); // only sched_setattr may select SCHED_DEADLINE
    }
    long[] range = priorityRange(p);
    if (prio < range[0] || prio > range[1]) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (p == Sched.SCHED_FIFO || p == Sched.SCHED_RR) {
      throw new ErrnoException(Errno.EPERM);
    }
    target.setSched(target.sched().withPolicy(p, prio));
    return 0;
  }

  private static long getAffinity(Task k, long pid, long len, long mask, long a, long b, long c)
      throws ErrnoException {
    int cpus = Runtime.getRuntime().availableProcessors();
    if (len < 0 || len * 8 < cpus || (len & 7) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Task target = task(k, pid, Errno.ESRCH);
    long[] bits = target.sched().affinity();
    int size = 8 * bits.length;
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : bits) {
      out.putLong(w);
    }
    int n = (int) Math.min(len, size);
    if (k.mm().copyOut(mask, out.array(), 0, n) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    return n;
  }

  private static long setAffinity(Task k, long pid, long len, long mask, long a, long b, long c)
      throws ErrnoException {
    long[] online = Sched.initial().affinity();
    int size = 8 * online.length;
    if (len < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] raw = new byte[size];
    int n = (int) Math.min(len, size); // shorter masks are zero-filled, longer ones cut (get_user_cpu_mask)
    if (n > 0 && k.mm().copyIn(mask, raw, 0, n) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    Task target = task(k, pid, Errno.ESRCH);
    ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long[] want = new long[online.length];
    boolean any = false;
    for (int i = 0; i < want.length; i++) {
      want[i] = in.getLong() & online[i];
      any |= want[i] != 0;
    }
    if (!any) {
      throw new ErrnoException(Errno.EINVAL);
    }
    target.setSched(target.sched().withAffinity(want));
    return 0;
  }

  /** get/setpriority targets: one process's tasks, a process group's, or (every task runs as root) all. */
  private static List<Task> targets(Task k, long which, long who) throws ErrnoException {
    if (which < PRIO_PROCESS || which > PRIO_USER) {
      throw new ErrnoException(Errno.EINVAL);
    }
    List<Task> out = new ArrayList<>();
    if (which == PRIO_PROCESS) {
      out.add(who == 0 ? k : task(k, who, Errno.ESRCH));
      return out;
    }
    for (int pid : k.kernel().pids()) {
      ThreadGroup tg = k.kernel().threadGroup(pid);
      if (tg == null) {
        continue;
      }
      boolean match = which == PRIO_PGRP ? tg.pgid() == (who == 0 ? k.threadGroup().pgid() : who)
          : who == 0; // PRIO_USER: every sandbox process has uid 0, so only uid 0 (or 0 for "mine") matches
      if (match) {
        Task leader = k.kernel().task(pid);
        if (leader != null) {
          out.add(leader);
        }
      }
    }
    if (out.isEmpty()) {
      throw new ErrnoException(Errno.ESRCH);
    }
    return out;
  }
}
