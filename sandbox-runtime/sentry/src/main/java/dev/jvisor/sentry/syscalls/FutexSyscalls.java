package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;

/** futex(2). */
final class FutexSyscalls {
  private static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
      FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
  private static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

  private FutexSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("futex", "xdxpxx", "WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, with "
        + "timeouts; shared futexes in MAP_SHARED memory meet across processes (keyed by the physical word); PI "
        + "futexes ENOSYS.",
        FutexSyscalls::futex);
  }

  private static long futex(Task k, long addr, long op, long val, long timeout, long addr2, long val3)
      throws ErrnoException {
    int cmd = (int) op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    boolean shared = (op & FUTEX_PRIVATE_FLAG) == 0;
    var f = k.kernel().futexes();
    switch (cmd) {
      case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
        long deadline = Long.MAX_VALUE;
        if (timeout != 0) {
          long[] ts = Args.readLongs(k, timeout, 2);
          if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1_000_000_000L) {
            throw new ErrnoException(Errno.EINVAL);
          }
          long ns = ts[0] * 1_000_000_000L + ts[1];
          if (cmd == FUTEX_WAIT_BITSET) {
            // Absolute: against CLOCK_REALTIME or CLOCK_MONOTONIC (the Sentry's monotonic runs with nanoTime).
            long now = (op & FUTEX_CLOCK_REALTIME) != 0
                ? System.currentTimeMillis() * 1_000_000L : System.nanoTime() - TimeBase.monoBase();
            deadline = System.nanoTime() + (ns - now);
          } else {
            deadline = System.nanoTime() + ns;
          }
        }
        int bitset = cmd == FUTEX_WAIT_BITSET ? (int) val3 : -1;
        return f.await(k.mm(), addr, shared, (int) val, deadline, bitset);
      }
      case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
        int bitset = cmd == FUTEX_WAKE_BITSET ? (int) val3 : -1;
        if (bitset == 0) {
          throw new ErrnoException(Errno.EINVAL);
        }
        return f.wake(k.mm(), addr, shared, (int) Math.min(val, Integer.MAX_VALUE), bitset);
      }
      case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
        if ((int) val < 0 || (int) timeout < 0) {
          throw new ErrnoException(Errno.EINVAL);
        }
        Integer expected = cmd == FUTEX_CMP_REQUEUE ? Integer.valueOf((int) val3) : null;
        return f.requeue(k.mm(), addr, addr2, shared, (int) val, (int) timeout, expected);
      }
      case FUTEX_WAKE_OP -> {
        return f.wakeOp(k.mm(), addr, addr2, shared, count(val), count(timeout), (int) val3);
      }
      default -> throw new ErrnoException(Errno.ENOSYS);
    }
  }

  /** A FUTEX_WAKE_OP count: the kernel takes it as an int; negative values count as "all". */
  private static int count(long v) {
    int n = (int) v;
    return n < 0 ? Integer.MAX_VALUE : n;
  }
}
