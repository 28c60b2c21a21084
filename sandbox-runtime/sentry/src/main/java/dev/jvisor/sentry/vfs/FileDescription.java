package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.Vma;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open file (Linux "struct file"): an offset, status flags and the operations. Reads and writes move bytes
 * between the file and guest memory named by a guest address; every length is bounded by the caller
 * ({@link #MAX_RW}) before it gets here.
 */
public abstract class FileDescription {
  public static final int MAX_RW = 0x7ffff000; // Linux MAX_RW_COUNT
  public static final int O_ACCMODE = 3, O_APPEND = 02000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000,
      O_CLOEXEC = 02000000, O_PATH = 010000000;

  private final AtomicInteger refs = new AtomicInteger(1);
  protected volatile int flags;
  protected long offset;

  protected FileDescription(int flags) {
    this.flags = flags;
  }

  public int flags() {
    return flags;
  }

  public void setStatusFlags(int f) {
    int settable = O_APPEND | O_NONBLOCK;
    flags = (flags & ~settable) | (f & settable);
  }

  public boolean readable() {
    return (flags & O_PATH) == 0 && (flags & O_ACCMODE) != 1;
  }

  public boolean writable() {
    return (flags & O_PATH) == 0 && (flags & O_ACCMODE) != 0;
  }

  /** What /proc/self/fd shows as the link target. */
  public abstract String path();

  public abstract Stat stat() throws ErrnoException;

  /** Reads into guest memory at {@code va}; returns bytes read or -errno. */
  public long read(MemoryManager mm, long va, long len) {
    long n = pread(mm, va, len, offset);
    if (n > 0) {
      offset += n;
    }
    return n;
  }

  public long write(MemoryManager mm, long va, long len) {
    if ((flags & O_APPEND) != 0) {
      try {
        offset = stat().size();
      } catch (ErrnoException e) {
        return -e.errno();
      }
    }
    long n = pwrite(mm, va, len, offset);
    if (n > 0) {
      offset += n;
    }
    return n;
  }

  public long pread(MemoryManager mm, long va, long len, long off) {
    return -Errno.EINVAL;
  }

  public long pwrite(MemoryManager mm, long va, long len, long off) {
    return -Errno.EINVAL;
  }

  /**
   * Kernel-internal read into a Java array (splice, sendfile): at {@code off}, or at and advancing the file
   * position when {@code off} is negative. Bytes read, 0 at end of file, or -errno (EINVAL: this file cannot).
   */
  public long readBytes(byte[] dst, int len, long off) {
    return -Errno.EINVAL;
  }

  /** Kernel-internal write from a Java array, as {@link #readBytes}. */
  public long writeBytes(byte[] src, int len, long off) {
    return -Errno.EINVAL;
  }

  /** True for pipes, ttys, sockets: lseek gives ESPIPE, pread EPIPE. */
  public boolean isStream() {
    return false;
  }

  public long lseek(long off, int whence) {
    if (isStream()) {
      return -Errno.ESPIPE;
    }
    long base;
    switch (whence) {
      case 0 -> base = 0;
      case 1 -> base = offset;
      case 2 -> {
        try {
          base = stat().size();
        } catch (ErrnoException e) {
          return -e.errno();
        }
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
    long n = base + off;
    if (n < 0) {
      return -Errno.EINVAL;
    }
    offset = n;
    return n;
  }

  public long offset() {
    return offset;
  }

  /** Directory listing for getdents64; null when this is not a directory. */
  public java.util.List<DirEntry> entries() throws ErrnoException {
    throw new ErrnoException(Errno.ENOTDIR);
  }

  /** The node this description was opened from (fstat, fchdir, *at with a dirfd); null for anonymous files. */
  public Node node() {
    return null;
  }

  /** poll(2) readiness: POLLIN 1, POLLOUT 4, POLLERR 8, POLLHUP 16. Files and devices are always ready. */
  public int readiness() {
    return 1 | 4;
  }

  public long ioctl(MemoryManager mm, int request, long arg) {
    return -Errno.ENOTTY;
  }

  /** Backing for a private file mapping, or null when this file cannot be mapped (ENODEV). */
  public Vma.Backing mmapBacking() {
    return null;
  }

  public void truncate(long size) throws ErrnoException {
    throw new ErrnoException(Errno.EINVAL);
  }

  /**
   * fchmod: the open file's own inode (a host file by its fd, not by a name that may since have been renamed or
   * replaced). EBADF for anonymous files.
   */
  public void chmod(int mode) throws ErrnoException {
    Node n = node();
    if (n == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    n.chmod(mode);
  }

  /** fchown, as {@link #chmod}; anonymous files (pipes) accept it and keep no owner. */
  public void chown(int uid, int gid) throws ErrnoException {
    Node n = node();
    if (n != null) {
      n.chown(uid, gid);
    }
  }

  /** futimens, as {@link #chown}; {@link Node#OMIT} leaves a time unchanged. */
  public void setTimes(long atimeNs, long mtimeNs) throws ErrnoException {
    Node n = node();
    if (n != null) {
      n.setTimes(atimeNs, mtimeNs);
    }
  }

  /** fsync/fdatasync: 0 or -errno. Only host files have anything to flush. */
  public long sync(boolean dataOnly) {
    return 0;
  }

  /**
   * True when writes through a MAP_SHARED mapping of this file would not reach it (mappings are private copies)
   * and the file is one the host sees, so mmap must refuse a writable shared mapping rather than drop writes.
   */
  public boolean sharedWritesLost() {
    return false;
  }

  public void incRef() {
    refs.incrementAndGet();
  }

  /** Drops one reference; the last one releases the file. */
  public void decRef() {
    if (refs.decrementAndGet() == 0) {
      release();
    }
  }

  protected void release() {}
}
