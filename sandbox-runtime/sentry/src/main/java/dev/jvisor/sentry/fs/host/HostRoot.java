package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The host directory a sandbox's files come from, held as an O_PATH fd. */
public final class HostRoot implements AutoCloseable {
  private static final long RESOLVE = LibC.RESOLVE_IN_ROOT | LibC.RESOLVE_NO_MAGICLINKS;
  private final int fd;
  private final Path path;

  public HostRoot(Path path) throws ErrnoException {
    this.path = path;
    int r = LibC.open(path.toString(), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
    if (r < 0) {
      throw new ErrnoException(LibC.errno());
    }
    this.fd = r;
  }

  public Path path() {
    return path;
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

  @Override
  public void close() {
    LibC.close(fd);
  }
}
