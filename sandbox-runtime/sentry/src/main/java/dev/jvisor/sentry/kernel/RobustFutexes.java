package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.mm.BadAddressException;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;

/**
 * The robust futex list of a dying task (set_robust_list): every futex the task still owns gets FUTEX_OWNER_DIED
 * and one waiter is woken, so a robust mutex's next locker sees EOWNERDEAD instead of waiting forever. Walked as
 * Linux's exit_robust_list does, with the same bound, treating every pointer as hostile: a bad one ends the walk.
 */
final class RobustFutexes {
  static final int FUTEX_WAITERS = 0x8000_0000, FUTEX_OWNER_DIED = 0x4000_0000, FUTEX_TID_MASK = 0x3fff_ffff;
  /** Linux's ROBUST_LIST_LIMIT: a circular or endless list cannot keep the exit busy. */
  static final int LIMIT = 2048;
  /** struct robust_list_head: next, futex_offset, list_op_pending. */
  static final int HEAD_SIZE = 24;

  private RobustFutexes() {}

  static void release(Kernel kernel, MemoryManager mm, long head, int tid) {
    if (head == 0) {
      return;
    }
    try {
      long entry = mm.readLong(head) & ~1L; // bit 0 marks PI futexes
      long offset = mm.readLong(head + 8);
      long pending = mm.readLong(head + 16) & ~1L;
      for (int n = 0; entry != head && n < LIMIT; n++) {
        long next = mm.readLong(entry) & ~1L;
        if (entry != pending) {
          ownerDied(kernel, mm, entry + offset, tid);
        }
        entry = next;
      }
      if (pending != 0) {
        ownerDied(kernel, mm, pending + offset, tid);
      }
    } catch (BadAddressException e) {
      // a corrupt list: stop here, as Linux does
    }
  }

  private static void ownerDied(Kernel kernel, MemoryManager mm, long uaddr, int tid) throws BadAddressException {
    if ((uaddr & 3) != 0) {
      return;
    }
    int[] old = new int[1];
    mm.atomicUpdateInt(uaddr, w -> {
      old[0] = w;
      return (w & FUTEX_TID_MASK) == tid ? (w & FUTEX_WAITERS) | FUTEX_OWNER_DIED : w;
    });
    if ((old[0] & FUTEX_TID_MASK) == tid && (old[0] & FUTEX_WAITERS) != 0) {
      try {
        kernel.futexes().wake(mm, uaddr, true, 1, -1);
      } catch (ErrnoException e) {
        // aligned above: cannot happen
      }
    }
  }
}
