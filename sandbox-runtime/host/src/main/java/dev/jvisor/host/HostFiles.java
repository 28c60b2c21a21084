package dev.jvisor.host;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Friendly wrappers over the file calls the Sentry's host filesystem needs. Raw results follow the syscall
 * convention (-errno on failure) so callers can hand them to the guest unchanged.
 */
public final class HostFiles {
  private HostFiles() {}

  private static final ThreadLocal<Memory> SCRATCH = ThreadLocal.withInitial(() -> new Memory(65536));

  private static Memory scratch() {
    return SCRATCH.get();
  }

  /**
   * openat2(dirfd, path, {flags, mode, resolve}). With RESOLVE_IN_ROOT every symlink and ".." in {@code path}
   * resolves as if {@code dirfd} were "/": a host symlink can never lead outside it.
   */
  public static int openat2(int dirfd, String path, long flags, long mode, long resolve) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length >= 4096) {
      return -Errno.ENAMETOOLONG;
    }
    Memory m = scratch();
    m.setLong(0, flags);
    m.setLong(8, mode);
    m.setLong(16, resolve);
    m.write(64, p, 0, p.length);
    m.setByte(64 + p.length, (byte) 0);
    long rc = LibC.syscall(LibC.SYS_openat2, dirfd, peer(m) + 64, peer(m), 24);
    return rc < 0 ? -LibC.errno() : (int) rc;
  }

  private static long peer(Memory m) {
    return com.sun.jna.Pointer.nativeValue(m);
  }

  /** A time argument of {@link #utimensat} that leaves the time unchanged (UTIME_OMIT). */
  public static final long OMIT = Long.MIN_VALUE;

  /** Longest single name a directory entry can have (NAME_MAX), in bytes. */
  public static final int NAME_MAX = 255;
  /** Scratch layout for the *at calls: first name at 0, second at 4096, a timespec pair at 8192. */
  private static final int NAME2 = 4096, TIMES = 8192;

  /**
   * Writes {@code name} NUL-terminated at {@code at} of the scratch buffer; false if it is not one plain
   * component (empty, ".", "..", containing '/' or NUL, longer than NAME_MAX bytes).
   */
  private static boolean putName(Memory m, long at, String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (!isName(name) || b.length > NAME_MAX) {
      return false;
    }
    m.write(at, b, 0, b.length);
    m.setByte(at + b.length, (byte) 0);
    return true;
  }

  /** True for a single path component that names an entry of a directory (not "." or ".."). */
  public static boolean isName(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && name.indexOf('\0') < 0;
  }

  private static int badName(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX ? -Errno.ENAMETOOLONG : -Errno.EINVAL;
  }

  private static int rc(int r) {
    return r < 0 ? -LibC.errno() : r;
  }

  /** openat(dirfd, name, flags, mode) of one name in {@code dirfd}: the new fd or -errno. */
  public static int openat(int dirfd, String name, int flags, int mode) {
    Memory m = scratch();
    return putName(m, 0, name) ? rc(LibC.openat(dirfd, peer(m), flags, mode)) : badName(name);
  }

  /** mkdirat(dirfd, name, mode): 0 or -errno. */
  public static int mkdirat(int dirfd, String name, int mode) {
    Memory m = scratch();
    return putName(m, 0, name) ? rc(LibC.mkdirat(dirfd, peer(m), mode)) : badName(name);
  }

  /** unlinkat(dirfd, name, flags) (AT_REMOVEDIR for rmdir): 0 or -errno. */
  public static int unlinkat(int dirfd, String name, int flags) {
    Memory m = scratch();
    return putName(m, 0, name) ? rc(LibC.unlinkat(dirfd, peer(m), flags)) : badName(name);
  }

  /** renameat(fromDir, from, toDir, to): 0 or -errno. */
  public static int renameat(int fromDir, String from, int toDir, String to) {
    Memory m = scratch();
    if (!putName(m, 0, from)) {
      return badName(from);
    }
    if (!putName(m, NAME2, to)) {
      return badName(to);
    }
    return rc(LibC.renameat(fromDir, peer(m), toDir, peer(m) + NAME2));
  }

  /** symlinkat(target, dirfd, name): the target is stored as given (any text below PATH_MAX); 0 or -errno. */
  public static int symlinkat(String target, int dirfd, String name) {
    Memory m = scratch();
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    if (t.length == 0 || t.length >= 4096 || target.indexOf('\0') >= 0) {
      return t.length == 0 ? -Errno.ENOENT : -Errno.ENAMETOOLONG;
    }
    if (!putName(m, 0, name)) {
      return badName(name);
    }
    m.write(NAME2, t, 0, t.length);
    m.setByte(NAME2 + t.length, (byte) 0);
    return rc(LibC.symlinkat(peer(m) + NAME2, dirfd, peer(m)));
  }

  /** fchownat(fd, "", uid, gid, AT_EMPTY_PATH): the fd's own file, also for an O_PATH fd. 0 or -errno. */
  public static int fchown(int fd, int uid, int gid) {
    Memory m = scratch();
    m.setByte(0, (byte) 0);
    return rc(LibC.fchownat(fd, peer(m), uid, gid, LibC.AT_EMPTY_PATH));
  }

  /** futimens(fd, {atime, mtime}), times as {@link #utimensat}: 0 or -errno. */
  public static int futimens(int fd, long atimeNs, long mtimeNs) {
    Memory m = scratch();
    putTimes(m, atimeNs, mtimeNs);
    return rc(LibC.futimens(fd, peer(m) + TIMES));
  }

  /** Two struct timespec at TIMES in the scratch buffer; {@link #OMIT} becomes UTIME_OMIT. */
  private static void putTimes(Memory m, long atimeNs, long mtimeNs) {
    long[] ns = {atimeNs, mtimeNs};
    for (int i = 0; i < 2; i++) {
      boolean omit = ns[i] == OMIT;
      m.setLong(TIMES + 16L * i, omit ? 0 : Math.floorDiv(ns[i], 1_000_000_000L));
      m.setLong(TIMES + 16L * i + 8, omit ? LibC.UTIME_OMIT : Math.floorMod(ns[i], 1_000_000_000L));
    }
  }

  /**
   * The attribute calls below also accept "." (the directory {@code dirfd} itself: the root of a bind has no
   * parent inside it). Writes that name at 0 of the scratch buffer; false when it is neither.
   */
  private static boolean putNameOrSelf(Memory m, String name) {
    if (name.equals(".")) {
      m.setByte(0, (byte) '.');
      m.setByte(1, (byte) 0);
      return true;
    }
    return putName(m, 0, name);
  }

  /** fchmodat(dirfd, name, mode, flags); with AT_SYMLINK_NOFOLLOW a symlink gives EOPNOTSUPP. 0 or -errno. */
  public static int fchmodat(int dirfd, String name, int mode, int flags) {
    Memory m = scratch();
    return putNameOrSelf(m, name) ? rc(LibC.fchmodat(dirfd, peer(m), mode, flags)) : badName(name);
  }

  /** fchownat(dirfd, name, uid, gid, flags) (-1 leaves one unchanged): 0 or -errno. */
  public static int fchownat(int dirfd, String name, int uid, int gid, int flags) {
    Memory m = scratch();
    return putNameOrSelf(m, name) ? rc(LibC.fchownat(dirfd, peer(m), uid, gid, flags)) : badName(name);
  }

  /**
   * utimensat(dirfd, name, {atime, mtime}, flags) with times in nanoseconds since the epoch, {@link #OMIT} in
   * place of a time to leave it unchanged: 0 or -errno.
   */
  public static int utimensat(int dirfd, String name, long atimeNs, long mtimeNs, int flags) {
    Memory m = scratch();
    if (!putNameOrSelf(m, name)) {
      return badName(name);
    }
    putTimes(m, atimeNs, mtimeNs);
    return rc(LibC.utimensat(dirfd, peer(m), peer(m) + TIMES, flags));
  }

  /** fstat(fd) as the raw 144-byte struct stat, or null with {@code errnoOut[0]} set. */
  public static ByteBuffer fstat(int fd, int[] errnoOut) {
    Memory m = scratch();
    if (LibC.fstat(fd, peer(m)) != 0) {
      errnoOut[0] = LibC.errno();
      return null;
    }
    byte[] b = new byte[144];
    m.read(0, b, 0, 144);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** readlinkat(fd, "") on an O_PATH|O_NOFOLLOW symlink fd; null on error. */
  public static String readlink(int fd) {
    Memory m = scratch();
    long n = LibC.readlinkat(fd, "", peer(m), 4096);
    if (n < 0) {
      return null;
    }
    return new String(m.getByteArray(0, (int) n), StandardCharsets.UTF_8);
  }

  /** One getdents64 batch into a Java array: the raw linux_dirent64 records; length 0 at the end, null on error. */
  public static byte[] getdents64(int fd) {
    Memory m = scratch();
    long n = LibC.syscall(LibC.SYS_getdents64, fd, peer(m), m.size(), 0);
    if (n < 0) {
      return null;
    }
    return m.getByteArray(0, (int) n);
  }

  /** Reads a whole host file descriptor from offset 0, at most {@code max} bytes; null on error or if larger. */
  public static byte[] readAll(int fd, long max) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Memory m = scratch();
    long off = 0;
    while (true) {
      long n = LibC.pread(fd, peer(m), m.size(), off);
      if (n < 0) {
        return null;
      }
      if (n == 0) {
        return out.toByteArray();
      }
      if (off + n > max) {
        return null;
      }
      out.write(m.getByteArray(0, (int) n), 0, (int) n);
      off += n;
    }
  }

  /** ioctl with a small in/out buffer (terminal ioctls): returns -errno or the result, filling {@code inout}. */
  public static int ioctl(int fd, long request, byte[] inout) {
    Memory m = scratch();
    m.write(0, inout, 0, inout.length);
    int rc = LibC.ioctl(fd, request, peer(m));
    if (rc < 0) {
      return -LibC.errno();
    }
    m.read(0, inout, 0, inout.length);
    return rc;
  }

  /** Fills {@code dst} with random bytes from the host kernel (getrandom(2)). */
  public static void getrandom(byte[] dst) {
    Memory m = scratch();
    int done = 0;
    while (done < dst.length) {
      int want = Math.min(dst.length - done, (int) m.size());
      long n = LibC.syscall(318, peer(m), want, 0, 0);
      if (n <= 0) {
        throw new HostException("getrandom", LibC.errno());
      }
      m.read(0, dst, done, (int) n);
      done += (int) n;
    }
  }

  private static final int EINTR = 4;

  /** read(2) of at most {@code len} bytes into {@code dst}: the count, 0 at end of file, or -errno (EINTR retried). */
  public static int read(int fd, byte[] dst, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, dst.length);
    Memory m = scratch();
    while (true) {
      long n = LibC.read(fd, peer(m), Math.min(len, m.size()));
      if (n >= 0) {
        m.read(0, dst, off, (int) n);
        return (int) n;
      }
      if (LibC.errno() != EINTR) {
        return -LibC.errno();
      }
    }
  }

  /** write(2) of all {@code len} bytes (short writes continued, EINTR retried): 0, or -errno. */
  public static int writeAll(int fd, byte[] src, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, src.length);
    Memory m = scratch();
    int done = 0;
    while (done < len) {
      int chunk = (int) Math.min(len - done, m.size());
      m.write(0, src, off + done, chunk);
      long n = LibC.write(fd, peer(m), chunk);
      if (n < 0) {
        if (LibC.errno() == EINTR) {
          continue;
        }
        return -LibC.errno();
      }
      done += (int) n;
    }
    return 0;
  }

  public static final short POLLIN = 1, POLLERR = 8, POLLHUP = 16;

  /** poll(2) of one fd for input: its revents (0 when {@code timeoutMs} passed), or -errno. */
  public static int pollIn(int fd, int timeoutMs) {
    Memory m = scratch();
    m.setInt(0, fd);
    m.setShort(4, POLLIN);
    m.setShort(6, (short) 0);
    int rc = LibC.poll(peer(m), 1, timeoutMs);
    if (rc < 0) {
      return LibC.errno() == EINTR ? 0 : -LibC.errno();
    }
    return rc == 0 ? 0 : m.getShort(6) & 0xffff;
  }
}
