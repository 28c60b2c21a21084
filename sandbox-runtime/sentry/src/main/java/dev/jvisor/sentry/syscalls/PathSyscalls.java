package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallHandler;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import dev.jvisor.sentry.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Syscalls that name files by path: open, stat, access, readlink, directories, links, permissions. */
final class PathSyscalls {
  static final int O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_NOFOLLOW = 0400000;

  private PathSyscalls() {}

  static void register(SyscallTable t) {
    t.full("open", "sxo", (k, p, fl, mode, a, b, c) -> open(k, Args.AT_FDCWD, Args.path(k, p), fl, mode));
    t.full("openat", "fsxo", (k, dfd, p, fl, mode, a, b) -> open(k, dfd, Args.path(k, p), fl, mode));
    t.full("creat", "so", (k, p, mode, a, b, c, d) -> open(k, Args.AT_FDCWD, Args.path(k, p),
        1 | O_CREAT | O_TRUNC, mode));
    t.full("stat", "sp", (k, p, buf, a, b, c, d) -> stat(k, Args.AT_FDCWD, p, buf, 0));
    t.full("lstat", "sp", (k, p, buf, a, b, c, d) -> stat(k, Args.AT_FDCWD, p, buf, Args.AT_SYMLINK_NOFOLLOW));
    t.full("newfstatat", "fspx", (k, dfd, p, buf, fl, a, b) -> stat(k, dfd, p, buf, fl));
    t.full("statx", "fsxxp", PathSyscalls::statx);
    t.partial("access", "so", "Checks existence and execute bits; the sandbox runs as root.",
        (k, p, mode, a, b, c, d) -> access(k, Args.AT_FDCWD, Args.path(k, p), mode, 0));
    t.partial("faccessat", "fso", "As access.", (k, dfd, p, mode, a, b, c) -> access(k, dfd, Args.path(k, p),
        mode, 0));
    t.partial("faccessat2", "fsox", "As access.", (k, dfd, p, mode, fl, a, b) -> access(k, dfd, Args.path(k, p),
        mode, fl));
    t.full("readlink", "spd", (k, p, buf, n, a, b, c) -> readlink(k, Args.AT_FDCWD, p, buf, n));
    t.full("readlinkat", "fspd", (k, dfd, p, buf, n, a, b) -> readlink(k, dfd, p, buf, n));
    t.full("getcwd", "pd", (k, buf, size, a, b, c, d) -> {
      byte[] cwd = (k.cwd() + "\0").getBytes(StandardCharsets.UTF_8);
      if (size < cwd.length) {
        throw new ErrnoException(Errno.ERANGE);
      }
      Args.write(k, buf, cwd);
      return cwd.length;
    });
    t.full("chdir", "s", (k, p, a, b, c, d, e) -> chdir(k, k.vfs().resolve(
        Vfs.absolute(k.cwd(), Args.path(k, p)), true)));
    t.full("fchdir", "f", (k, fd, a, b, c, d, e) -> {
      FileDescription f = Args.fd(k, fd);
      return chdir(k, k.vfs().resolve(f.path(), true));
    });
    t.full("mkdir", "so", (k, p, mode, a, b, c, d) -> mkdir(k, Args.AT_FDCWD, p, mode));
    t.full("mkdirat", "fso", (k, dfd, p, mode, a, b, c) -> mkdir(k, dfd, p, mode));
    t.full("rmdir", "s", (k, p, a, b, c, d, e) -> unlink(k, Args.AT_FDCWD, p, Args.AT_REMOVEDIR));
    t.full("unlink", "s", (k, p, a, b, c, d, e) -> unlink(k, Args.AT_FDCWD, p, 0));
    t.full("unlinkat", "fsx", (k, dfd, p, fl, a, b, c) -> unlink(k, dfd, p, fl));
    t.partial("rename", "ss", "Directories that exist in the image cannot move (EXDEV), like "
        + "overlayfs; in a read-write bind anything can. Between two mounts: EXDEV.",
        (k, o, n, a, b, c, d) -> rename(k, Args.AT_FDCWD, o, Args.AT_FDCWD, n));
    t.partial("renameat", "fsfs", "As rename.", (k, od, o, nd, n, a, b) -> rename(k, od, o, nd, n));
    t.partial("renameat2", "fsfsx", "As rename; flags other than 0 give EINVAL.", (k, od, o, nd, n, fl, b) -> {
      if (fl != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return rename(k, od, o, nd, n);
    });
    t.full("symlink", "ss", (k, target, p, a, b, c, d) -> symlink(k, target, Args.AT_FDCWD, p));
    t.full("symlinkat", "sfs", (k, target, dfd, p, a, b, c) -> symlink(k, target, dfd, p));
    t.error("link", Errno.EPERM, "Hard links are not supported: EPERM.");
    t.error("linkat", Errno.EPERM, "Hard links are not supported: EPERM.");
    t.full("chmod", "so", (k, p, mode, a, b, c, d) -> chmod(k, Args.AT_FDCWD, p, mode));
    t.full("fchmodat", "fso", (k, dfd, p, mode, a, b, c) -> chmod(k, dfd, p, mode));
    t.full("fchmod", "fo", (k, fd, mode, a, b, c, d) -> {
      Args.fd(k, fd).chmod((int) mode);
      return 0;
    });
    String owners = "Owners are recorded in the overlay (the image's file never changes), or set on the host "
        + "file in a read-write bind; the sandbox runs as root, so any uid/gid is allowed (the host may refuse "
        + "one: EPERM). Host-only trees (/proc, /dev) and read-only binds give EROFS.";
    t.partial("chown", "sdd", owners, (k, p, u, g, a, b, c) -> chown(k, Args.AT_FDCWD, p, u, g, 0));
    t.partial("lchown", "sdd", owners, (k, p, u, g, a, b, c) ->
        chown(k, Args.AT_FDCWD, p, u, g, Args.AT_SYMLINK_NOFOLLOW));
    t.partial("fchownat", "fsddx", owners, (k, dfd, p, u, g, fl, c) -> chown(k, dfd, p, u, g, fl));
    t.partial("fchown", "fdd", owners + " Pipes and anonymous files accept it.", (k, fd, u, g, a, b, c) -> {
      Args.fd(k, fd).chown((int) u, (int) g);
      return 0;
    });
    t.full("truncate", "sd", (k, p, len, a, b, c, d) -> {
      if (len < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      k.vfs().resolve(Vfs.absolute(k.cwd(), Args.path(k, p)), true).node().truncate(len);
      return 0;
    });
    t.partial("utimensat", "fspx", "Times are recorded in the overlay (a host file is copied up "
        + "first), or set on the host file in a read-write bind; a read-only bind gives EROFS.",
        (k, dfd, p, times, fl, a, b) -> {
          if ((fl & ~Args.AT_SYMLINK_NOFOLLOW) != 0) {
            throw new ErrnoException(Errno.EINVAL);
          }
          long[] ns = {UTIME_NOW, UTIME_NOW};
          if (times != 0) {
            long[] v = Args.readLongs(k, times, 4);
            for (int i = 0; i < 2; i++) {
              long sec = v[2 * i];
              long nsec = v[2 * i + 1];
              if (nsec == UTIME_NOW || nsec == UTIME_OMIT) {
                ns[i] = nsec;
              } else if (nsec < 0 || nsec >= 1_000_000_000L || sec < 0 || sec > Long.MAX_VALUE / 1_000_000_000L - 1) {
                throw new ErrnoException(Errno.EINVAL);
              } else {
                ns[i] = sec * 1_000_000_000L + nsec;
              }
            }
          }
          if (p == 0) { // utimensat(fd, NULL, ...) is futimens
            return setTimes(Args.fd(k, dfd)::setTimes, ns[0], ns[1]);
          }
          Node n = k.vfs().resolve(Args.at(k, dfd, Args.path(k, p)), (fl & Args.AT_SYMLINK_NOFOLLOW) == 0).node();
          return setTimes(n::setTimes, ns[0], ns[1]);
        });
    t.partial("utimes", "sp", "As utimensat (microseconds).", (k, p, tv, a, b, c, d) ->
        utimes(k, Args.AT_FDCWD, p, tv));
    t.partial("futimesat", "fsp", "As utimensat (microseconds).", (k, dfd, p, tv, a, b, c) -> utimes(k, dfd, p, tv));
    t.partial("utime", "sp", "As utimensat (seconds).", (k, p, buf, a, b, c, d) -> {
      Node n = k.vfs().resolve(Vfs.absolute(k.cwd(), Args.path(k, p)), true).node();
      if (buf == 0) {
        return setTimes(n::setTimes, UTIME_NOW, UTIME_NOW);
      }
      long[] v = Args.readLongs(k, buf, 2);
      return setTimes(n::setTimes, v[0] * 1_000_000_000L, v[1] * 1_000_000_000L);
    });
    t.partial("statfs", "sp", "Reports a synthetic filesystem.", (k, p, buf, a, b, c, d) -> {
      k.vfs().resolve(Vfs.absolute(k.cwd(), Args.path(k, p)), true);
      return statfs(k, buf);
    });
    t.partial("fstatfs", "fp", "Reports a synthetic filesystem.", (k, fd, buf, a, b, c, d) -> {
      Args.fd(k, fd);
      return statfs(k, buf);
    });
    // No filesystem here stores extended attributes, but the name still has to resolve first: a missing file is
    // ENOENT (and a bad fd EBADF) before the attribute question arises.
    String[][] xattr = {{"getxattr", "lgetxattr", "fgetxattr"}, {"setxattr", "lsetxattr", "fsetxattr"},
        {"removexattr", "lremovexattr", "fremovexattr"}, {"listxattr", "llistxattr", "flistxattr"}};
    for (String[] family : xattr) {
      boolean list = family[0].equals("listxattr");
      String note = list ? "No extended attributes: an empty list (after resolving the file)."
          : "Extended attributes are not supported: EOPNOTSUPP (after resolving the file).";
      for (int i = 0; i < 3; i++) {
        int form = i;
        SyscallHandler h = (k, p, a, b, c, d, e) -> {
          if (form == 2) {
            Args.fd(k, p);
          } else {
            k.vfs().resolve(Vfs.absolute(k.cwd(), Args.path(k, p)), form == 0);
          }
          if (!list) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
          }
          return 0;
        };
        t.register(family[i], list ? dev.jvisor.sentry.kernel.Support.PARTIAL : dev.jvisor.sentry.kernel.Support.ERROR,
            note, form == 2 ? "fpd" : "spd", h);
      }
    }
    t.error("mknod", Errno.EPERM, "Device nodes cannot be created: EPERM.");
    t.error("mknodat", Errno.EPERM, "Device nodes cannot be created: EPERM.");
    t.error("chroot", Errno.EPERM, "EPERM: the sandbox root is fixed.");
  }

  static long open(Task k, long dirfd, String path, long flags, long mode) throws ErrnoException {
    Vfs vfs = k.vfs();
    String abs = Args.at(k, dirfd, path);
    int fl = (int) flags;
    boolean follow = (fl & O_NOFOLLOW) == 0;
    Node node;
    String resolvedPath = null;
    if ((fl & O_CREAT) != 0) {
      Vfs.Parent parent = vfs.resolveParent(abs);
      Node existing = null;
      try {
        existing = vfs.resolve(abs, (fl & O_EXCL) == 0).node();
      } catch (ErrnoException e) {
        if (e.errno() != Errno.ENOENT) {
          throw e;
        }
      }
      if (existing != null) {
        if ((fl & O_EXCL) != 0) {
          throw new ErrnoException(Errno.EEXIST);
        }
        node = existing;
      } else {
        node = parent.dir().create(parent.name(), (int) mode & ~k.umask());
      }
    } else {
      Vfs.Resolved r = vfs.resolve(abs, follow);
      node = r.node();
      resolvedPath = r.path();
    }
    NodeType type = node.type();
    if (type == NodeType.SYMLINK && (fl & FileDescription.O_PATH) == 0) {
      throw new ErrnoException(Errno.ELOOP);
    }
    if ((fl & FileDescription.O_DIRECTORY) != 0 && type != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    if (type == NodeType.DIRECTORY && (fl & FileDescription.O_ACCMODE) != 0) {
      throw new ErrnoException(Errno.EISDIR);
    }
    FileDescription f = node.open(fl & ~FileDescription.O_CLOEXEC);
    if (f instanceof dev.jvisor.sentry.fs.mem.MergedDirFd d && resolvedPath != null && d.path().equals("/proc")
        && resolvedPath.startsWith("/proc/")) {
      // /proc's directories all open as "/proc"; a /proc/PID directory fd must know its own path (openat relative
      // to it, /proc/self/fd links, and its use as a pidfd).
      f = new dev.jvisor.sentry.fs.mem.MergedDirFd(node, fl & ~FileDescription.O_CLOEXEC, resolvedPath);
    }
    return FileSyscalls.install(k, f, 0, (fl & FileDescription.O_CLOEXEC) != 0);
  }

  private static Stat lookupStat(Task k, long dirfd, long p, long flags) throws ErrnoException {
    String path = Args.path(k, p);
    if (path.isEmpty()) {
      if ((flags & Args.AT_EMPTY_PATH) == 0) {
        throw new ErrnoException(Errno.ENOENT);
      }
      return (int) dirfd == Args.AT_FDCWD
          ? k.vfs().resolve(k.cwd(), true).node().stat()
          : Args.fd(k, dirfd).stat();
    }
    return k.vfs().resolve(Args.at(k, dirfd, path), (flags & Args.AT_SYMLINK_NOFOLLOW) == 0).node()
        .stat();
  }

  private static long stat(Task k, long dirfd, long p, long buf, long flags) throws ErrnoException {
    Args.write(k, buf, lookupStat(k, dirfd, p, flags).toBytes());
    return 0;
  }

  private static long statx(Task k, long dirfd, long p, long flags, long mask, long buf, long unused)
      throws ErrnoException {
    Args.write(k, buf, lookupStat(k, dirfd, p, flags).toStatx());
    return 0;
  }

  private static long access(Task k, long dirfd, String path, long mode, long flags) throws ErrnoException {
    if ((mode & ~7) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Stat st = k.vfs().resolve(Args.at(k, dirfd, path), (flags & Args.AT_SYMLINK_NOFOLLOW) == 0).node()
        .stat();
    if ((mode & 1) != 0 && st.type() != NodeType.DIRECTORY && (st.mode() & 0111) == 0) {
      throw new ErrnoException(Errno.EACCES);
    }
    return 0;
  }

  private static long readlink(Task k, long dirfd, long p, long buf, long n) throws ErrnoException {
    if (n <= 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    String path = Args.path(k, p);
    Node node = path.isEmpty() ? Args.fd(k, dirfd).node() : k.vfs().resolve(Args.at(k, dirfd, path),
        false).node();
    if (node == null) {
      throw new ErrnoException(Errno.ENOENT);
    }
    byte[] target = node.readlink().getBytes(StandardCharsets.UTF_8);
    int len = (int) Math.min(n, target.length);
    byte[] out = java.util.Arrays.copyOf(target, len);
    Args.write(k, buf, out);
    return len;
  }

  private static long chdir(Task k, Vfs.Resolved r) throws ErrnoException {
    if (r.node().type() != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    k.setCwd(r.path());
    return 0;
  }

  private static long mkdir(Task k, long dirfd, long p, long mode) throws ErrnoException {
    Vfs.Parent parent = k.vfs().resolveParent(Args.at(k, dirfd, Args.path(k, p)));
    parent.dir().mkdir(parent.name(), (int) mode & ~k.umask());
    return 0;
  }

  private static long unlink(Task k, long dirfd, long p, long flags) throws ErrnoException {
    if ((flags & ~Args.AT_REMOVEDIR) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Vfs.Parent parent = k.vfs().resolveParent(Args.at(k, dirfd, Args.path(k, p)));
    parent.dir().unlink(parent.name(), (flags & Args.AT_REMOVEDIR) != 0);
    return 0;
  }

  private static long rename(Task k, long od, long o, long nd, long n) throws ErrnoException {
    Vfs vfs = k.vfs();
    Vfs.Parent from = vfs.resolveParent(Args.at(k, od, Args.path(k, o)));
    Vfs.Parent to = vfs.resolveParent(Args.at(k, nd, Args.path(k, n)));
    from.dir().lookup(from.name());
    from.dir().rename(from.name(), to.dir(), to.name());
    return 0;
  }

  private static long symlink(Task k, long target, long dirfd, long p) throws ErrnoException {
    String t = Args.path(k, target);
    if (t.isEmpty()) {
      throw new ErrnoException(Errno.ENOENT);
    }
    Vfs.Parent parent = k.vfs().resolveParent(Args.at(k, dirfd, Args.path(k, p)));
    parent.dir().symlink(parent.name(), t);
    return 0;
  }

  private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

  /** Where utimensat's times go: a named node, or an open file's own inode (futimens). */
  private interface TimesTarget {
    void setTimes(long atimeNs, long mtimeNs) throws ErrnoException;
  }

  private static long setTimes(TimesTarget n, long atime, long mtime) throws ErrnoException {
    if (atime == UTIME_OMIT && mtime == UTIME_OMIT) {
      return 0;
    }
    java.time.Instant i = java.time.Instant.now();
    long now = i.getEpochSecond() * 1_000_000_000L + i.getNano();
    n.setTimes(atime == UTIME_NOW ? now : atime == UTIME_OMIT ? Node.OMIT : atime,
        mtime == UTIME_NOW ? now : mtime == UTIME_OMIT ? Node.OMIT : mtime);
    return 0;
  }

  private static long utimes(Task k, long dirfd, long p, long tv) throws ErrnoException {
    Node n = k.vfs().resolve(Args.at(k, dirfd, Args.path(k, p)), true).node();
    if (tv == 0) {
      return setTimes(n::setTimes, UTIME_NOW, UTIME_NOW);
    }
    long[] v = Args.readLongs(k, tv, 4);
    if (v[1] < 0 || v[1] >= 1_000_000 || v[3] < 0 || v[3] >= 1_000_000 || v[0] < 0 || v[2] < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return setTimes(n::setTimes, v[0] * 1_000_000_000L + v[1] * 1000, v[2] * 1_000_000_000L + v[3] * 1000);
  }

  private static long chown(Task k, long dirfd, long p, long uid, long gid, long flags) throws ErrnoException {
    if ((flags & ~(Args.AT_SYMLINK_NOFOLLOW | Args.AT_EMPTY_PATH)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    String path = Args.path(k, p);
    Node n;
    if (path.isEmpty()) {
      if ((flags & Args.AT_EMPTY_PATH) == 0) {
        throw new ErrnoException(Errno.ENOENT);
      }
      if ((int) dirfd != Args.AT_FDCWD) {
        Args.fd(k, dirfd).chown((int) uid, (int) gid);
        return 0;
      }
      n = k.vfs().resolve(k.cwd(), true).node();
    } else {
      n = k.vfs().resolve(Args.at(k, dirfd, path), (flags & Args.AT_SYMLINK_NOFOLLOW) == 0).node();
    }
    n.chown((int) uid, (int) gid);
    return 0;
  }

  private static long chmod(Task k, long dirfd, long p, long mode) throws ErrnoException {
    k.vfs().resolve(Args.at(k, dirfd, Args.path(k, p)), true).node().chmod((int) mode);
    return 0;
  }

  private static long statfs(Task k, long buf) throws ErrnoException {
    ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
    long total = k.kernel().memTotalBytes() / 4096;
    long free = Math.max(0, total - k.kernel().memUsedBytes() / 4096);
    b.putLong(0, 0x01021994L).putLong(8, 4096).putLong(16, total).putLong(24, free).putLong(32, free)
        .putLong(40, 1 << 20).putLong(48, 1 << 19).putLong(64, 255).putLong(72, 4096);
    Args.write(k, buf, b.array());
    return 0;
  }
}
