package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.Signals;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;

/** Signal dispositions and masks. Delivery to handlers arrives with the processes issue. */
final class SignalSyscalls {
  private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

  private SignalSyscalls() {}

  static void register(SyscallTable t) {
    t.full("rt_sigaction", "dppd", SignalSyscalls::sigaction);
    t.full("rt_sigprocmask", "dppd", SignalSyscalls::sigprocmask);
    t.full("rt_sigreturn", "", (k, a, b, c, d, e, f) -> k.sigreturn());
    t.full("sigaltstack", "pp", (k, ss, oss, a, b, c, d) -> {
      long[] cur = k.altStack();
      if (ss != 0) {
        long[] v = Args.readLongs(k, ss, 3); // ss_sp, ss_flags, ss_size
        if ((v[1] & 2) != 0) {
          k.setAltStack(0, 0);
        } else {
          if (v[2] < 2048) {
            throw new ErrnoException(Errno.ENOMEM);
          }
          k.setAltStack(v[0], v[2]);
        }
      }
      if (oss != 0) {
        Args.writeLongs(k, oss, cur[0], cur[1], cur[2]);
      }
      return 0;
    });
    t.full("rt_sigpending", "pd", (k, set, size, a, b, c, d) -> {
      Args.writeLongs(k, set, k.pendingMask());
      return 0;
    });
    t.full("pause", "", (k, a, b, c, d, e, f) -> waitForSignal(k));
    t.full("rt_sigsuspend", "pd", (k, set, size, a, b, c, d) -> {
      if (size != 8) {
        throw new ErrnoException(Errno.EINVAL);
      }
      k.suspendWith(Args.readLongs(k, set, 1)[0], k.sigmask());
      return waitForSignal(k);
    });
    t.partial("kill", "dd", "Process groups and -1 reach every matching sandbox process.", SignalSyscalls::kill);
    t.full("tgkill", "ddd", (k, tgid, tid, sig, a, b, c) -> toTask(k, (int) tid, (int) sig));
    t.full("tkill", "dd", (k, tid, sig, a, b, c, d) -> toTask(k, (int) tid, (int) sig));
  }

  /** Sleeps until a signal arrives, then EINTR (the loop delivers it). */
  private static long waitForSignal(Task k) throws ErrnoException {
    while (!k.signalPending()) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // woken by a signal: check again
      }
    }
    throw new ErrnoException(Errno.EINTR);
  }

  private static long kill(Task k, long pid, long sig, long a, long b, long c, long d) throws ErrnoException {
    if (sig < 0 || sig > Signals.NSIG) {
      throw new ErrnoException(Errno.EINVAL);
    }
    var kernel = k.kernel();
    java.util.List<dev.jvisor.sentry.kernel.ThreadGroup> targets;
    if (pid > 0) {
      var tg = kernel.threadGroup((int) pid);
      if (tg == null) {
        throw new ErrnoException(Errno.ESRCH);
      }
      targets = java.util.List.of(tg);
    } else if (pid == 0) {
      targets = kernel.processGroup(k.threadGroup().pgid());
    } else if (pid == -1) {
      targets = new java.util.ArrayList<>();
      for (int p : kernel.pids()) {
        var tg = kernel.threadGroup(p);
        if (tg != null && p != 1 && tg != k.threadGroup()) {
          targets.add(tg);
        }
      }
    } else {
      targets = kernel.processGroup((int) -pid);
    }
    if (targets.isEmpty()) {
      throw new ErrnoException(Errno.ESRCH);
    }
    if (sig != 0) {
      for (var tg : targets) {
        kernel.signalThreadGroup(tg, (int) sig, k.threadGroup().pid());
      }
    }
    return 0;
  }

  private static long toTask(Task k, int tid, int sig) throws ErrnoException {
    if (sig < 0 || sig > Signals.NSIG) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Task target = k.kernel().task(tid);
    if (target == null) {
      throw new ErrnoException(Errno.ESRCH);
    }
    if (sig != 0) {
      target.sendSignal(sig, null);
    }
    return 0;
  }

  private static long sigaction(Task k, long sig, long act, long oact, long size, long a, long b)
      throws ErrnoException {
    if (!Signals.valid((int) sig) || size != 8) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long[] cur = k.sigactions()[(int) sig];
    long[] next = act != 0 ? Args.readLongs(k, act, 4) : null;
    if (next != null && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (oact != 0) {
      Args.writeLongs(k, oact, cur[0], cur[1], cur[2], cur[3]);
    }
    if (next != null) {
      System.arraycopy(next, 0, cur, 0, 4);
    }
    return 0;
  }

  private static long sigprocmask(Task k, long how, long set, long oset, long size, long a, long b)
      throws ErrnoException {
    if (size != 8) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long old = k.sigmask();
    if (set != 0) {
      long v = Args.readLongs(k, set, 1)[0];
      switch ((int) how) {
        case SIG_BLOCK -> k.setSigmask(old | v);
        case SIG_UNBLOCK -> k.setSigmask(old & ~v);
        case SIG_SETMASK -> k.setSigmask(v);
        default -> throw new ErrnoException(Errno.EINVAL);
      }
    }
    if (oset != 0) {
      Args.writeLongs(k, oset, old);
    }
    return 0;
  }
}
