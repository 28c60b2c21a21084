package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Futex wait queues keyed by (address space, address). The value check and the enqueue happen under one lock
 * that every wake also takes, so a wake between a waiter's check and its sleep is never lost.
 */
public final class Futexes {
  private record Key(MemoryManager mm, long addr) {}

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
  public long await(MemoryManager mm, long addr, int expected, long deadlineNanos, int bitset)
      throws ErrnoException {
    if (bitset == 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Key key = new Key(mm, addr);
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
  public synchronized int wake(MemoryManager mm, long addr, int n, int bitset) throws ErrnoException {
    if ((addr & 3) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    List<Waiter> q = queues.get(new Key(mm, addr));
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
  public synchronized int requeue(MemoryManager mm, long addr, long addr2, int n, int n2, Integer expected)
      throws ErrnoException {
    if (expected != null && load(mm, addr) != expected) {
      throw new ErrnoException(Errno.EAGAIN);
    }
    int woken = wake(mm, addr, n, -1);
    List<Waiter> q = queues.get(new Key(mm, addr));
    int moved = 0;
    if (q != null) {
      List<Waiter> dst = queues.computeIfAbsent(new Key(mm, addr2), k -> new ArrayList<>());
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
}
