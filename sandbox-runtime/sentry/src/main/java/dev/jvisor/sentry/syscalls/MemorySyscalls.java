package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.Vma;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;

/** The address-space syscalls. */
final class MemorySyscalls {
  private static final int MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;

  private MemorySyscalls() {}

  static void register(SyscallTable t) {
    t.partial("mmap", "xdxxfx", "File mappings are private copies: writes to a MAP_SHARED file mapping are not "
        + "written back to the file, so a read-write bind's host files refuse a MAP_SHARED mapping of an fd open "
        + "for writing with ENODEV (one of an fd open read-only cannot be made writable: EACCES, as Linux).", MemorySyscalls::mmap);
    t.full("munmap", "xd", (k, addr, len, a, b, c, d) -> k.mm().munmap(addr, len));
    t.full("mprotect", "xdx", (k, addr, len, prot, a, b, c) -> {
      if ((prot & ~7) != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return k.mm().mprotect(addr, len, (int) prot);
    });
    t.full("brk", "x", (k, addr, a, b, c, d, e) -> k.mm().brk(addr));
    t.full("mremap", "xddxx", (k, old, oldLen, newLen, flags, newAddr, a) -> k.mm().mremap(old, oldLen, newLen,
        (int) flags, newAddr));
    t.partial("madvise", "xdd", "MADV_DONTNEED, MADV_FREE and MADV_REMOVE drop the pages; other advice is "
        + "accepted and ignored.", (k, addr, len, advice, a, b, c) -> {
          if ((addr & 0xfff) != 0 || len < 0) {
            throw new ErrnoException(Errno.EINVAL);
          }
          if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE) {
            return k.mm().dontNeed(addr, len);
          }
          return 0;
        });
    t.partial("msync", "xdx", "Mappings are private: nothing to write back.", (k, a, b, c, d, e, f) -> 0);
    t.partial("mlock", "xd", "Guest memory is never swapped: accepted.", (k, a, b, c, d, e, f) -> 0);
    t.partial("munlock", "xd", "Accepted.", (k, a, b, c, d, e, f) -> 0);
    t.partial("mlockall", "x", "Accepted.", (k, a, b, c, d, e, f) -> 0);
    t.partial("munlockall", "", "Accepted.", (k, a, b, c, d, e, f) -> 0);
  }

  private static long mmap(Task k, long addr, long len, long prot, long flags, long fd, long off)
      throws ErrnoException {
    int fl = (int) flags;
    int type = fl & 3;
    boolean shared = type == 1 || type == 3; // MAP_SHARED, MAP_SHARED_VALIDATE
    if (type == 0 || (prot & ~7) != 0 || len <= 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Vma.Backing backing = null;
    String name = null;
    boolean writeLocked = false;
    if ((fl & MemoryManager.MAP_ANONYMOUS) == 0) {
      FileDescription f = Args.fd(k, fd);
      if (!f.readable()) {
        throw new ErrnoException(Errno.EACCES);
      }
      if (shared && (prot & Vma.PROT_WRITE) != 0 && !f.writable()) {
        throw new ErrnoException(Errno.EACCES); // a writable shared mapping needs an fd open for writing
      }
      if (shared && f.writable() && f.sharedWritesLost()) {
        throw new ErrnoException(Errno.ENODEV); // could be written (now or after mprotect): refused, not dropped
      }
      backing = f.mmapBacking();
      if (backing == null) {
        throw new ErrnoException(Errno.ENODEV);
      }
      name = f.path();
      writeLocked = shared && !f.writable();
    }
    int mmFlags = (type == 1 && backing == null ? MemoryManager.MAP_SHARED : MemoryManager.MAP_PRIVATE)
        | (fl & (MemoryManager.MAP_FIXED | MemoryManager.MAP_FIXED_NOREPLACE | MemoryManager.MAP_POPULATE
            | MemoryManager.MAP_GROWSDOWN | MemoryManager.MAP_ANONYMOUS))
        | (writeLocked ? MemoryManager.MAP_WRITE_LOCKED : 0);
    return k.mm().mmap(addr, len, (int) prot, mmFlags, backing, backing == null ? 0 : off, name);
  }
}
