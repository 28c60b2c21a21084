package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The host directory a sandbox's files come from, held as an O_PATH fd. Read-only unless made {@link #writable}
 * (a read-write bind): then the mutations below change the host directory.
 *
 * <p>Every mutation names its target by the parent directory's path relative to the root plus one name. The
 * parent is opened with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so no symlink or ".." the guest (or
 * anyone) planted can lead it outside the root, and the call itself is a *at call on that single name that
 * never follows a final symlink: a guest's {@code x -> /etc/shadow} is removed, renamed or re-timed as the link
 * it is, and is never opened for writing ({@link #open} adds O_NOFOLLOW: ELOOP).
 */
public final class HostRoot implements AutoCloseable {
  private static final long RESOLVE = LibC.RESOLVE_IN_ROOT | LibC.RESOLVE_NO_MAGICLINKS;
  private final int fd;
  private final Path path;
  private final boolean writable;

  /** A read-only root. */
  public HostRoot(Path path) throws ErrnoException {
    this(path, false);
  }

  public HostRoot(Path path, boolean writable) throws ErrnoException {
    this.path = path;
    this.writable = writable;
    int r = LibC.open(path.toString(), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
    if (r < 0) {
      throw new ErrnoException(LibC.errno());
    }
    this.fd = r;
  }

  public Path path() {
    return path;
  }

  /** True for a read-write bind: the sandbox's changes go to the host directory. */
  public boolean writable() {
    return writable;
  }

  /** Opens {@code rel} (relative to the root, "" for the root itself) without following a final symlink. */
  public int open(String rel, int flags) throws ErrnoException {
    int r = HostFiles.openat2(fd, rel.isEmpty() ? "." : rel, flags | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0, RESOLVE);
    if (r < 0) {
      throw new ErrnoException(-r);
    }
    return r;
  }

  /** lstat of {@code rel}: an O_PATH open (no symlink followed at the end) then fstat. */
  public Stat lstat(String rel) throws ErrnoException {
    int f = open(rel, LibC.O_PATH);
    try {
      return fstat(f);
    } finally {
      LibC.close(f);
    }
  }

  public static Stat fstat(int f) throws ErrnoException {
    int[] err = new int[1];
    ByteBuffer b = HostFiles.fstat(f, err);
    if (b == null) {
      throw new ErrnoException(err[0]);
    }
    return Stat.fromHost(b);
  }

  public String readlink(String rel) throws ErrnoException {
    int f = open(rel, LibC.O_PATH);
    try {
      String t = HostFiles.readlink(f);
      if (t == null) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return t;
    } finally {
      LibC.close(f);
    }
  }

  /** One *at call on a name in an opened parent directory: 0 or -errno. */
  private interface AtCall {
    int call(int dirfd, String name);
  }

  /**
   * Runs {@code call} on the last component of {@code rel} inside its parent directory, opened O_PATH inside the
   * root. The root itself ("") is named "." in the root. EROFS unless writable.
   */
  private void at(String rel, AtCall call) throws ErrnoException {
    if (!writable) {
      throw new ErrnoException(Errno.EROFS);
    }
    int slash = rel.lastIndexOf('/');
    String name = rel.isEmpty() ? "." : rel.substring(slash + 1);
    int dir = open(slash < 0 ? "" : rel.substring(0, slash), LibC.O_PATH | LibC.O_DIRECTORY);
    try {
      int r = call.call(dir, name);
      if (r < 0) {
        throw new ErrnoException(-r);
      }
    } finally {
      LibC.close(dir);
    }
  }

  /**
   * Creates the regular file {@code rel} (O_CREAT|O_EXCL: an existing name, a symlink included, is EEXIST) with
   * exactly {@code mode}: the JVM's umask must not apply, the guest's already did.
   */
  public void createFile(String rel, int mode) throws ErrnoException {
    at(rel, (dir, name) -> {
      int f = HostFiles.openat(dir, name, LibC.O_CREAT | LibC.O_EXCL | LibC.O_WRONLY | LibC.O_NOFOLLOW
          | LibC.O_CLOEXEC, mode & 07777);
      if (f < 0) {
        return f;
      }
      try {
        return exactMode(f, mode);
      } finally {
        LibC.close(f);
      }
    });
  }

  /** fchmod to {@code mode} if the host's umask took permission bits away: 0 or -errno. */
  private static int exactMode(int f, int mode) {
    try {
      if ((fstat(f).mode() & 0777) == (mode & 0777)) {
        return 0;
      }
    } catch (ErrnoException e) {
      return -e.errno();
    }
    return LibC.fchmod(f, mode & 07777) == 0 ? 0 : -LibC.errno();
  }

  /** mkdir with exactly {@code mode} (as {@link #createFile}; a setgid bit inherited from the parent stays). */
  public void mkdir(String rel, int mode) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.mkdirat(dir, name, mode & 07777));
    if ((lstat(rel).mode() & 0777) != (mode & 0777)) {
      chmod(rel, mode);
    }
  }

  public void symlink(String rel, String target) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.symlinkat(target, dir, name));
  }

  /** unlink, or rmdir when {@code directory}. A symlink is removed itself, never what it points to. */
  public void unlink(String rel, boolean directory) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.unlinkat(dir, name, directory ? LibC.AT_REMOVEDIR : 0));
  }

  /** Renames {@code from} to {@code to}, both under this root (renameat: neither name is followed). */
  public void rename(String from, String to) throws ErrnoException {
    if (from.isEmpty() || to.isEmpty()) {
      throw new ErrnoException(Errno.EBUSY); // the bind's root is a mount point
    }
    at(from, (fromDir, fromName) -> {
      try {
        at(to, (toDir, toName) -> HostFiles.renameat(fromDir, fromName, toDir, toName));
        return 0;
      } catch (ErrnoException e) {
        return -e.errno();
      }
    });
  }

  /** chmod of {@code rel} itself: a symlink (never the target of the Vfs's chmod) gives EOPNOTSUPP as lchmod. */
  public void chmod(String rel, int mode) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.fchmodat(dir, name, mode & 07777, LibC.AT_SYMLINK_NOFOLLOW));
  }

  /** chown of {@code rel} itself (lchown); -1 leaves the uid or gid unchanged. */
  public void chown(String rel, int uid, int gid) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.fchownat(dir, name, uid, gid, LibC.AT_SYMLINK_NOFOLLOW));
  }

  /** utimensat of {@code rel} itself with AT_SYMLINK_NOFOLLOW; {@link HostFiles#OMIT} leaves a time unchanged. */
  public void setTimes(String rel, long atimeNs, long mtimeNs) throws ErrnoException {
    at(rel, (dir, name) -> HostFiles.utimensat(dir, name, atimeNs, mtimeNs, LibC.AT_SYMLINK_NOFOLLOW));
  }

  /** truncate(2) through an fd opened O_WRONLY|O_NOFOLLOW|O_NONBLOCK (a fifo must not block the Sentry). */
  public void truncate(String rel, long size) throws ErrnoException {
    if (!writable) {
      throw new ErrnoException(Errno.EROFS);
    }
    int f = open(rel, LibC.O_WRONLY | LibC.O_NONBLOCK);
    try {
      if (LibC.ftruncate(f, size) != 0) {
        throw new ErrnoException(LibC.errno());
      }
    } finally {
      LibC.close(f);
    }
  }

  @Override
  public void close() {
    LibC.close(fd);
  }
}
