package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Futex wait queues keyed by (address space, address), or for a shared futex in MAP_SHARED memory by the
 * guest-physical address of the word, so that processes sharing the memory meet on one queue. The value check
 * and the enqueue happen under one lock that every wake also takes, so a wake between a waiter's check and its
 * sleep is never lost.
 */
public final class Futexes {
  /** Guest-physical memory: the address space of shared futex keys. */
  private static final Object PHYSICAL = new Object();

  private record Key(Object space, long addr) {}

  /** The queue key of the futex word at {@code addr}; {@code shared} for operations without FUTEX_PRIVATE_FLAG. */
  private static Key key(MemoryManager mm, long addr, boolean shared) {
    if (shared) {
      long gpa = mm.sharedWordAddress(addr);
      if (gpa >= 0) {
        return new Key(PHYSICAL, gpa);
      }
    }
    return new Key(mm, addr);
  }

  private static final class Waiter {
    final int bitset;
    boolean woken;

    Waiter(int bitset) {
      this.bitset = bitset;
    }
  }

  private final Map<Key, List<Waiter>> queues = new HashMap<>();

  private static int load(MemoryManager mm, long addr) throws ErrnoException {
    if ((addr & 3) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] b = new byte[4];
    if (mm.copyIn(addr, b, 0, 4) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
  }

  /** FUTEX_WAIT(_BITSET): sleeps while *addr == expected, until woken, the deadline (nanoTime) or interrupt. */
  public long await(MemoryManager mm, long addr, boolean shared, int expected, long deadlineNanos, int bitset)
      throws ErrnoException {
    if (bitset == 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Key key = key(mm, addr, shared);
    Waiter w = new Waiter(bitset);
    synchronized (this) {
      if (load(mm, addr) != expected) {
        throw new ErrnoException(Errno.EAGAIN);
      }
      queues.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
      try {
        while (!w.woken) {
          if (deadlineNanos == Long.MAX_VALUE) {
            wait();
          } else {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
              throw new ErrnoException(Errno.ETIMEDOUT);
            }
            wait(left / 1_000_000L, (int) (left % 1_000_000L));
          }
        }
        return 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ErrnoException(Errno.EINTR);
      } finally {
        List<Waiter> q = queues.get(key);
        if (q != null) {
          q.remove(w);
          if (q.isEmpty()) {
            queues.remove(key);
          }
        }
      }
    }
  }

  /** FUTEX_WAKE(_BITSET): wakes up to {@code n} waiters whose bitset intersects; returns how many. */
  public synchronized int wake(MemoryManager mm, long addr, boolean shared, int n, int bitset)
      throws ErrnoException {
    if ((addr & 3) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    List<Waiter> q = queues.get(key(mm, addr, shared));
    int woken = 0;
    if (q != null) {
      for (Waiter w : q) {
        if (woken >= n) {
          break;
        }
        if (!w.woken && (w.bitset & bitset) != 0) {
          w.woken = true;
          woken++;
        }
      }
      if (woken > 0) {
        notifyAll();
      }
    }
    return woken;
  }

  /** FUTEX_(CMP_)REQUEUE: wakes {@code n}, moves up to {@code n2} others to addr2. */
  public synchronized int requeue(MemoryManager mm, long addr, long addr2, boolean shared, int n, int n2,
      Integer expected) throws ErrnoException {
    if ((addr2 & 3) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (expected != null && load(mm, addr) != expected) {
      throw new ErrnoException(Errno.EAGAIN);
    }
    int woken = wake(mm, addr, shared, n, -1);
    List<Waiter> q = queues.get(key(mm, addr, shared));
    int moved = 0;
    if (q != null) {
      List<Waiter> dst = queues.computeIfAbsent(key(mm, addr2, shared), k -> new ArrayList<>());
      for (Waiter w : new ArrayList<>(q)) {
        if (moved >= n2) {
          break;
        }
        if (!w.woken) {
          q.remove(w);
          dst.add(w);
          moved++;
        }
      }
    }
    return woken + moved;
  }

  /**
   * FUTEX_WAKE_OP: atomically applies the encoded operation to *addr2, wakes up to {@code n} waiters on addr and,
   * if the old value of *addr2 passes the encoded comparison, up to {@code n2} on addr2. Returns the total woken.
   */
  public synchronized int wakeOp(MemoryManager mm, long addr, long addr2, boolean shared, int n, int n2, int encoded)
      throws ErrnoException {
    int op = (encoded >>> 28) & 0xf;
    int cmp = (encoded >>> 24) & 0xf;
    int oparg = (encoded << 8) >> 20; // bits 12..23, sign-extended
    int cmparg = (encoded << 20) >> 20; // bits 0..11, sign-extended
    if ((op & 8) != 0) {
      if (oparg < 0 || oparg > 31) {
        throw new ErrnoException(Errno.EINVAL);
      }
      oparg = 1 << oparg;
    }
    int arg = oparg;
    java.util.function.IntUnaryOperator f = switch (op & 7) {
      case 0 -> old -> arg;
      case 1 -> old -> old + arg;
      case 2 -> old -> old | arg;
      case 3 -> old -> old & ~arg;
      case 4 -> old -> old ^ arg;
      default -> throw new ErrnoException(Errno.ENOSYS);
    };
    if (cmp > 5) {
      throw new ErrnoException(Errno.ENOSYS);
    }
    if ((addr & 3) != 0 || (addr2 & 3) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    int old;
    try {
      old = mm.atomicUpdateInt(addr2, f);
    } catch (dev.jvisor.sentry.mm.BadAddressException e) {
      throw new ErrnoException(Errno.EFAULT);
    }
    int woken = wake(mm, addr, shared, n, -1);
    boolean pass = switch (cmp) {
      case 0 -> old == cmparg;
      case 1 -> old != cmparg;
      case 2 -> old < cmparg;
      case 3 -> old <= cmparg;
      case 4 -> old > cmparg;
      default -> old >= cmparg;
    };
    if (pass) {
      woken += wake(mm, addr2, shared, n2, -1);
    }
    return woken;
  }
}
