package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.mm.MemoryManager;

/** Moves bytes between guest memory and a host fd page by page, with no intermediate Java copy. */
public final class GuestIo {
  private GuestIo() {}

  /** A host call over one page-contiguous chunk: (hostAddress, length, fileOffset) -> bytes or -errno. */
  public interface Chunk {
    long transfer(long hostAddress, long length, long offset);
  }

  /**
   * Runs {@code op} over [va, va+len) split at guest page boundaries. {@code intoGuest} says whether the guest
   * memory is written (a read syscall). Stops at the first short transfer; returns bytes moved or -errno.
   */
  public static long transfer(MemoryManager mm, long va, long len, long offset, boolean intoGuest, Chunk op) {
    long done = 0;
    while (done < len) {
      long h = mm.hostAddress(va + done, intoGuest);
      if (h < 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      long n = Math.min(len - done, X86.PAGE_SIZE - ((va + done) & ~X86.PAGE_MASK));
      long r = op.transfer(h, n, offset < 0 ? -1 : offset + done);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      done += r;
      if (r < n) {
        break;
      }
    }
    return done;
  }

  /** Copies a Java array into guest memory at va; -EFAULT on a bad pointer. */
  public static long copyOut(MemoryManager mm, long va, byte[] data, int off, int len) {
    int r = mm.copyOut(va, data, off, len);
    return r < 0 ? r : len;
  }
}
