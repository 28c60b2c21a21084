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
    t.partial("rt_sigaction", "dppd", "Dispositions are recorded; handlers are not invoked yet (default actions "
        + "apply).", SignalSyscalls::sigaction);
    t.partial("rt_sigprocmask", "dppd", "The mask is recorded.", SignalSyscalls::sigprocmask);
    t.partial("sigaltstack", "pp", "Recorded as disabled.", (k, ss, oss, a, b, c, d) -> {
      if (oss != 0) {
        Args.writeLongs(k, oss, 0, 2 /* SS_DISABLE */, 0);
      }
      return 0;
    });
    t.partial("rt_sigpending", "pd", "Nothing is ever pending yet.", (k, set, size, a, b, c, d) -> {
      Args.writeLongs(k, set, 0);
      return 0;
    });
    t.partial("pause", "", "Sleeps until the process is killed.", (k, a, b, c, d, e, f) -> sleepUntilKilled());
    t.partial("rt_sigsuspend", "pd", "Sleeps until the process is killed.",
        (k, a, b, c, d, e, f) -> sleepUntilKilled());
  }

  private static long sleepUntilKilled() throws ErrnoException {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new ErrnoException(Errno.EINTR);
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
