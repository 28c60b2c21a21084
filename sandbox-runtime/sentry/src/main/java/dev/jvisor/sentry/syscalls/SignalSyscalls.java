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
        if (cur[1] == 1) {
          throw new ErrnoException(Errno.EPERM); // cannot change the stack a handler is running on
        }
        int ssFlags = (int) v[1]; // an int followed by padding
        if ((ssFlags & ~(1 | 2 | 0x80000000)) != 0) { // SS_ONSTACK (old programs pass it), SS_DISABLE, SS_AUTODISARM
          throw new ErrnoException(Errno.EINVAL);
        }
        if ((ssFlags & 2) != 0) {
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
    t.full("rt_sigtimedwait", "pppd", SignalSyscalls::sigtimedwait);
    t.partial("kill", "dd", "Process groups and -1 reach every matching sandbox process.", SignalSyscalls::kill);
    t.full("tgkill", "ddd", (k, tgid, tid, sig, a, b, c) -> toTask(k, (int) tid, (int) sig));
    t.full("tkill", "dd", (k, tid, sig, a, b, c, d) -> toTask(k, (int) tid, (int) sig));
  }

  /**
   * rt_sigtimedwait: takes a pending signal of {@code set} (returning its number and siginfo) or waits for one.
   * As in Linux, the signals of the set are unblocked while waiting, so senders pick and wake this task; any
   * other unblocked signal ends the wait with EINTR, the timeout with EAGAIN.
   */
  private static long sigtimedwait(Task k, long setVa, long infoVa, long tsVa, long size, long a, long b)
      throws ErrnoException {
    if (size != 8) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long set = Args.readLongs(k, setVa, 1)[0] & ~((1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1)));
    long timeoutNs = -1;
    if (tsVa != 0) {
      long[] ts = Args.readLongs(k, tsVa, 2);
      if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1_000_000_000L) {
        throw new ErrnoException(Errno.EINVAL);
      }
      timeoutNs = ts[0] > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : ts[0] * 1_000_000_000L + ts[1];
    }
    Object[] got = k.dequeueSignal(set);
    if (got == null) {
      if (timeoutNs == 0) {
        throw new ErrnoException(Errno.EAGAIN);
      }
      long deadline = timeoutNs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
      long old = k.sigmask();
      k.setSigmask(old & ~set);
      try {
        while ((got = k.dequeueSignal(set)) == null) {
          if (k.signalPending()) {
            throw new ErrnoException(Errno.EINTR);
          }
          long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
          if (left <= 0) {
            throw new ErrnoException(Errno.EAGAIN);
          }
          try {
            // Senders interrupt this thread; the 50 ms slice only bounds a wake-up lost to a race.
            long slice = Math.min(left, 50_000_000L);
            Thread.sleep(slice / 1_000_000L, (int) (slice % 1_000_000L));
          } catch (InterruptedException e) {
            // a signal arrived: look again
          }
        }
      } finally {
        k.setSigmask(old);
      }
    }
    if (infoVa != 0) {
      byte[] info = (byte[]) got[1];
      Args.write(k, infoVa, java.util.Arrays.copyOf(info, 128));
    }
    return (int) got[0];
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
