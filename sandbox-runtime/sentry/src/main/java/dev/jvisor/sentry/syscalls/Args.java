package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Argument decoding shared by the families. */
final class Args {
  static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

  private Args() {}

  static String path(Task t, long va) throws ErrnoException {
    if (va == 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    String s = t.mm().readCString(va, Vfs.PATH_MAX);
    if (s == null) {
      throw new ErrnoException(Errno.EFAULT);
    }
    return s;
  }

  static FileDescription fd(Task t, long fd) throws ErrnoException {
    if (fd < 0 || fd > Integer.MAX_VALUE) {
      throw new ErrnoException(Errno.EBADF);
    }
    return t.fds().get((int) fd);
  }

  /** The absolute sandbox path {@code path} names relative to {@code dirfd} (openat semantics). */
  static String at(Task t, long dirfd, String path) throws ErrnoException {
    if (path.startsWith("/")) {
      return path;
    }
    if ((int) dirfd == AT_FDCWD) {
      return Vfs.absolute(t.cwd(), path);
    }
    FileDescription d = fd(t, (int) dirfd);
    String base = d.path();
    if (!base.startsWith("/")) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    return path.isEmpty() ? base : Vfs.absolute(base, path);
  }

  static long[] readLongs(Task t, long va, int n) throws ErrnoException {
    byte[] b = new byte[8 * n];
    if (t.mm().copyIn(va, b, 0, b.length) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = bb.getLong();
    }
    return out;
  }

  static void write(Task t, long va, byte[] data) throws ErrnoException {
    if (t.mm().copyOut(va, data, 0, data.length) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
  }

  static void writeLongs(Task t, long va, long... values) throws ErrnoException {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    write(t, va, b.array());
  }

  static void writeInt(Task t, long va, int v) throws ErrnoException {
    if (t.mm().writeInt(va, v) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
  }

  static long checkLen(long len) throws ErrnoException {
    if (len < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return Math.min(len, FileDescription.MAX_RW);
  }
}
