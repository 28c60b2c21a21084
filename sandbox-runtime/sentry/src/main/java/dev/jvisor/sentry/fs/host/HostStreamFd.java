package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.GuestIo;
import dev.jvisor.sentry.vfs.Stat;

/**
 * A host file descriptor the sandbox was handed (its stdio: a terminal, pipe, fifo or file). The sandbox owns a
 * dup of it. Only terminal ioctls with fixed-size arguments are passed through (TCGETS/TCSETS*, TIOCGWINSZ,
 * TIOCSWINSZ, FIONREAD); process-group ioctls are answered by the Sentry.
 */
public final class HostStreamFd extends FileDescription {
  public static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
      TIOCGPGRP = 0x540F, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541B;
  private static final int TERMIOS_SIZE = 36, WINSIZE_SIZE = 8;

  private final int fd;
  private final String name;
  private final boolean seekable;

  /** Takes ownership of {@code hostFd} (a dup made for the sandbox). */
  public HostStreamFd(int hostFd, int flags, String name) {
    super(flags);
    this.fd = hostFd;
    this.name = name;
    this.seekable = LibC.lseek(hostFd, 0, 1) >= 0;
  }

  public static HostStreamFd dupOf(int hostFd, int accmode, String name) {
    int d = LibC.fcntl(hostFd, 1030 /* F_DUPFD_CLOEXEC */, 3);
    if (d < 0) {
      throw new IllegalArgumentException("cannot dup host fd " + hostFd + ": " + Errno.name(LibC.errno()));
    }
    return new HostStreamFd(d, accmode, name);
  }

  @Override
  public String path() {
    return name;
  }

  @Override
  public Stat stat() throws ErrnoException {
    return HostRoot.fstat(fd);
  }

  @Override
  public boolean isStream() {
    return !seekable;
  }

  @Override
  public long read(MemoryManager mm, long va, long len) {
    return GuestIo.transfer(mm, va, len, -1, true, (h, n, o) -> LibC.orNegErrno(LibC.read(fd, h, n)));
  }

  @Override
  public long write(MemoryManager mm, long va, long len) {
    return GuestIo.transfer(mm, va, len, -1, false, (h, n, o) -> LibC.orNegErrno(LibC.write(fd, h, n)));
  }

  @Override
  public long readBytes(byte[] dst, int len, long off) {
    int n = Math.min(len, dst.length);
    long buf = LibC.allocate(Math.max(1, n));
    try {
      long r = LibC.orNegErrno(off < 0 ? LibC.read(fd, buf, n) : seekable ? LibC.pread(fd, buf, n, off) : -2);
      if (r == -2) {
        return -Errno.ESPIPE;
      }
      if (r > 0) {
        LibC.copyOut(buf, dst, 0, (int) r);
      }
      return r;
    } finally {
      LibC.free(buf);
    }
  }

  @Override
  public long writeBytes(byte[] src, int len, long off) {
    if (off >= 0 && !seekable) {
      return -Errno.ESPIPE;
    }
    long buf = LibC.allocate(Math.max(1, len));
    try {
      LibC.copyIn(buf, src, 0, len);
      long done = 0;
      while (done < len) {
        long r = LibC.orNegErrno(off < 0 ? LibC.write(fd, buf + done, len - done)
            : LibC.pwrite(fd, buf + done, len - done, off + done));
        if (r <= 0) {
          return done > 0 ? done : r;
        }
        done += r;
      }
      return done;
    } finally {
      LibC.free(buf);
    }
  }

  @Override
  public long pread(MemoryManager mm, long va, long len, long off) {
    if (!seekable) {
      return -Errno.ESPIPE;
    }
    return GuestIo.transfer(mm, va, len, off, true, (h, n, o) -> LibC.orNegErrno(LibC.pread(fd, h, n, o)));
  }

  @Override
  public long pwrite(MemoryManager mm, long va, long len, long off) {
    if (!seekable) {
      return -Errno.ESPIPE;
    }
    return GuestIo.transfer(mm, va, len, off, false, (h, n, o) -> LibC.orNegErrno(LibC.pwrite(fd, h, n, o)));
  }

  @Override
  public long lseek(long off, int whence) {
    if (!seekable) {
      return -Errno.ESPIPE;
    }
    long r = LibC.lseek(fd, off, whence);
    return r < 0 ? -LibC.errno() : r;
  }

  @Override
  public long ioctl(MemoryManager mm, int request, long arg) {
    int size;
    boolean in;
    switch (request) {
      case TCGETS -> {
        size = TERMIOS_SIZE;
        in = false;
      }
      case TCSETS, TCSETSW, TCSETSF -> {
        size = TERMIOS_SIZE;
        in = true;
      }
      case TIOCGWINSZ -> {
        size = WINSIZE_SIZE;
        in = false;
      }
      case TIOCSWINSZ -> {
        size = WINSIZE_SIZE;
        in = true;
      }
      case FIONREAD -> {
        size = 4;
        in = false;
      }
      default -> {
        return -Errno.ENOTTY;
      }
    }
    byte[] buf = new byte[size];
    if (in && mm.copyIn(arg, buf, 0, size) < 0) {
      return -Errno.EFAULT;
    }
    int rc = HostFiles.ioctl(fd, request, buf);
    if (rc < 0) {
      return rc;
    }
    if (!in && mm.copyOut(arg, buf, 0, size) < 0) {
      return -Errno.EFAULT;
    }
    return rc;
  }

  public boolean isTerminal() {
    return LibC.isatty(fd) == 1;
  }

  @Override
  protected void release() {
    LibC.close(fd);
  }
}
