package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** Syscalls on open file descriptors: read/write family, dup, fcntl, ioctl, getdents64, fstat, poll. */
final class FileSyscalls {
  static final int IOV_MAX = 1024;
  private static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
      F_SETLK = 6, F_SETLKW = 7, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
  private static final int FIOCLEX = 0x5451, FIONCLEX = 0x5450, FIONBIO = 0x5421, TIOCGPGRP = 0x540F,
      TIOCSPGRP = 0x5410;
  /** getdents64 positions: the listing taken at the first call, indexed by the file offset. */
  private static final Map<FileDescription, List<DirEntry>> LISTINGS = new WeakHashMap<>();

  private FileSyscalls() {}

  static void register(SyscallTable t) {
    t.full("read", "fpd", (k, fd, buf, n, a, b, c) -> Args.fd(k, fd).read(k.mm(), buf, Args.checkLen(n)));
    t.full("write", "fpd", (k, fd, buf, n, a, b, c) -> epipe(k, Args.fd(k, fd).write(k.mm(), buf,
        Args.checkLen(n))));
    t.full("pread64", "fpdd", (k, fd, buf, n, off, b, c) -> positioned(k, fd, buf, n, off, true));
    t.full("pwrite64", "fpdd", (k, fd, buf, n, off, b, c) -> positioned(k, fd, buf, n, off, false));
    t.full("readv", "fpd", (k, fd, iov, cnt, a, b, c) -> vector(k, fd, iov, cnt, -1, true));
    t.full("writev", "fpd", (k, fd, iov, cnt, a, b, c) -> epipe(k, vector(k, fd, iov, cnt, -1, false)));
    t.full("preadv", "fpdd", (k, fd, iov, cnt, off, b, c) -> vector(k, fd, iov, cnt, off, true));
    t.full("pwritev", "fpdd", (k, fd, iov, cnt, off, b, c) -> vector(k, fd, iov, cnt, off, false));
    t.full("close", "f", (k, fd, a, b, c, d, e) -> {
      if (fd < 0 || fd > Integer.MAX_VALUE) {
        throw new ErrnoException(Errno.EBADF);
      }
      k.fds().close((int) fd);
      return 0;
    });
    t.full("close_range", "ddx", (k, first, last, flags, a, b, c) -> {
      for (int fd : k.fds().numbers()) {
        if (Integer.toUnsignedLong(fd) >= (first & 0xffffffffL) && Integer.toUnsignedLong(fd) <= (last & 0xffffffffL)) {
          if ((flags & 4) != 0) {
            k.fds().setCloexec(fd, true);
          } else {
            k.fds().close(fd);
          }
        }
      }
      return 0;
    });
    t.full("lseek", "fdd", (k, fd, off, whence, a, b, c) -> Args.fd(k, fd).lseek(off, (int) whence));
    t.full("dup", "f", (k, fd, a, b, c, d, e) -> {
      FileDescription f = Args.fd(k, fd);
      f.incRef();
      return install(k, f, 0, false);
    });
    t.full("dup2", "ff", (k, fd, nfd, a, b, c, d) -> {
      FileDescription f = Args.fd(k, fd);
      if (fd == nfd) {
        return nfd;
      }
      f.incRef();
      k.fds().installAt((int) nfd, f, false);
      return nfd;
    });
    t.full("dup3", "ffx", (k, fd, nfd, flags, a, b, c) -> {
      if (fd == nfd || (flags & ~FileDescription.O_CLOEXEC) != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      FileDescription f = Args.fd(k, fd);
      f.incRef();
      k.fds().installAt((int) nfd, f, (flags & FileDescription.O_CLOEXEC) != 0);
      return nfd;
    });
    t.partial("fcntl", "fdx", "Record locks (F_GETLK/F_SETLK/F_SETLKW) always succeed: one sandbox, no sharing.",
        FileSyscalls::fcntl);
    t.partial("ioctl", "fxx", "Sentry pseudo-terminals: termios, window size, job control (TIOCSCTTY, "
        + "TIOCGPGRP/TIOCSPGRP, TIOCGSID), FIONREAD; fixed-size terminal ioctls on host stdio; FIONBIO, "
        + "FIOCLEX/FIONCLEX.",
        FileSyscalls::ioctl);
    t.full("getdents64", "fpd", FileSyscalls::getdents64);
    t.full("fstat", "fp", (k, fd, buf, a, b, c, d) -> {
      Args.write(k, buf, Args.fd(k, fd).stat().toBytes());
      return 0;
    });
    t.full("ftruncate", "fd", (k, fd, len, a, b, c, d) -> {
      if (len < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      FileDescription f = Args.fd(k, fd);
      if (!f.writable()) {
        throw new ErrnoException(Errno.EINVAL);
      }
      f.truncate(len);
      return 0;
    });
    t.full("fsync", "f", (k, fd, a, b, c, d, e) -> Args.fd(k, fd).sync(false));
    t.full("fdatasync", "f", (k, fd, a, b, c, d, e) -> Args.fd(k, fd).sync(true));
    t.partial("flock", "fd", "Always granted: one sandbox, no sharing.", (k, fd, a, b, c, d, e) -> {
      Args.fd(k, fd);
      return 0;
    });
    t.partial("fadvise64", "fddd", "Advice is accepted and ignored.", (k, fd, a, b, c, d, e) -> {
      Args.fd(k, fd);
      return 0;
    });
    t.partial("poll", "pdd", "Pipes report real readiness; files, devices and host stdio are always ready.",
        (k, fds, n, timeout, a, b, c) -> poll(k, fds, n, timeout < 0 ? -1 : timeout * 1_000_000L));
    t.partial("ppoll", "pdpp", "As poll; the signal mask argument is ignored.", (k, fds, n, ts, a, b, c) -> {
      long ns = -1;
      if (ts != 0) {
        long[] v = Args.readLongs(k, ts, 2);
        if (v[0] < 0 || v[1] < 0 || v[1] >= 1_000_000_000L) {
          throw new ErrnoException(Errno.EINVAL);
        }
        ns = v[0] * 1_000_000_000L + v[1];
      }
      return poll(k, fds, n, ns);
    });
    t.partial("sync", "", "Nothing to flush: in-memory files have no backing store; a read-write bind's "
        + "host files are flushed by fsync.", (k, a, b, c, d, e, f) -> 0);
    t.partial("syncfs", "f", "As sync.", (k, fd, a, b, c, d, e) -> {
      Args.fd(k, fd);
      return 0;
    });
    t.partial("fallocate", "fddd", "Mode 0 extends in-memory files; other modes EOPNOTSUPP.", (k, fd, mode, off,
        len, a, b) -> {
      FileDescription f = Args.fd(k, fd);
      if (off < 0 || len <= 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      if (mode != 0) {
        throw new ErrnoException(Errno.EOPNOTSUPP);
      }
      if (!f.writable()) {
        throw new ErrnoException(Errno.EBADF);
      }
      if (f.stat().size() < off + len) {
        f.truncate(off + len);
      }
      return 0;
    });
    t.error("copy_file_range", Errno.ENOSYS, "Returns ENOSYS so callers fall back to read/write.");
  }

  /** A write to a pipe nobody reads raises SIGPIPE as well as returning EPIPE. */
  private static long epipe(Task k, long r) {
    if (r == -Errno.EPIPE) {
      k.sendSignal(dev.jvisor.sentry.kernel.Signals.SIGPIPE, null);
    }
    return r;
  }

  static long install(Task k, FileDescription f, int min, boolean cloexec) throws ErrnoException {
    try {
      return k.fds().install(f, min, cloexec);
    } catch (ErrnoException e) {
      f.decRef();
      throw e;
    }
  }

  private static long positioned(Task k, long fd, long buf, long n, long off, boolean read) throws ErrnoException {
    if (off < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    FileDescription f = Args.fd(k, fd);
    if (f.isStream()) {
      throw new ErrnoException(Errno.ESPIPE);
    }
    if (read && !f.readable() || !read && !f.writable()) {
      throw new ErrnoException(Errno.EBADF);
    }
    long len = Args.checkLen(n);
    return read ? f.pread(k.mm(), buf, len, off) : f.pwrite(k.mm(), buf, len, off);
  }

  /** readv/writev (off -1) and preadv/pwritev (off >= 0) for other families (preadv2/pwritev2). */
  static long vectorIo(Task k, long fd, long iov, long cnt, long off, boolean read) throws ErrnoException {
    return read ? vector(k, fd, iov, cnt, off, true) : epipe(k, vector(k, fd, iov, cnt, off, false));
  }

  private static long vector(Task k, long fd, long iov, long cnt, long off, boolean read) throws ErrnoException {
    if (cnt < 0 || cnt > IOV_MAX) {
      throw new ErrnoException(Errno.EINVAL);
    }
    FileDescription f = Args.fd(k, fd);
    if (off < 0 && f instanceof dev.jvisor.sentry.fs.socket.UnixSocket s) {
      return SocketSyscalls.vectorIo(k, s, iov, cnt, read); // one message per call, not one per iovec
    }
    long[] v = cnt == 0 ? new long[0] : Args.readLongs(k, iov, (int) (2 * cnt));
    long total = 0;
    for (int i = 0; i < cnt; i++) {
      long base = v[2 * i];
      long len = v[2 * i + 1];
      if (len < 0 || total + len < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      if (len == 0) {
        continue;
      }
      long r;
      if (off >= 0) {
        r = read ? f.pread(k.mm(), base, len, off + total) : f.pwrite(k.mm(), base, len, off + total);
      } else {
        r = read ? f.read(k.mm(), base, len) : f.write(k.mm(), base, len);
      }
      if (r < 0) {
        return total > 0 ? total : r;
      }
      total += r;
      if (r < len) {
        break;
      }
    }
    return total;
  }

  private static long fcntl(Task k, long fd, long cmd, long arg, long a, long b, long c) throws ErrnoException {
    FileDescription f = Args.fd(k, fd);
    switch ((int) cmd) {
      case F_DUPFD, F_DUPFD_CLOEXEC -> {
        if (arg < 0 || arg >= k.fds().limit()) {
          throw new ErrnoException(Errno.EINVAL);
        }
        f.incRef();
        return install(k, f, (int) arg, cmd == F_DUPFD_CLOEXEC);
      }
      case F_GETFD -> {
        return k.fds().cloexec((int) fd) ? 1 : 0;
      }
      case F_SETFD -> {
        k.fds().setCloexec((int) fd, (arg & 1) != 0);
        return 0;
      }
      case F_GETFL -> {
        return f.flags() & ~FileDescription.O_CLOEXEC;
      }
      case F_SETFL -> {
        f.setStatusFlags((int) arg);
        return 0;
      }
      case F_GETLK -> {
        // struct flock: l_type is the first short; F_UNLCK (2) says "no conflicting lock".
        byte[] two = {2, 0};
        Args.write(k, arg, two);
        return 0;
      }
      case F_SETLK, F_SETLKW, 37 /* F_OFD_SETLK */, 38 /* F_OFD_SETLKW */ -> {
        return 0;
      }
      case 36 /* F_OFD_GETLK */ -> {
        Args.write(k, arg, new byte[] {2, 0});
        return 0;
      }
      case 8, 9, 10, 11, 1026 -> { // F_SETOWN, F_GETOWN, F_SETSIG, F_GETSIG, F_NOTIFY: no async notification
        return 0;
      }
      case F_GETPIPE_SZ -> {
        if (!(f instanceof dev.jvisor.sentry.fs.pipe.Pipe.End e)) {
          throw new ErrnoException(Errno.EBADF);
        }
        return e.pipe().capacity();
      }
      case F_SETPIPE_SZ -> {
        if (!(f instanceof dev.jvisor.sentry.fs.pipe.Pipe.End e)) {
          throw new ErrnoException(Errno.EBADF);
        }
        return e.pipe().resize(arg);
      }
      default -> throw new ErrnoException(Errno.EINVAL);
    }
  }

  private static long ioctl(Task k, long fd, long req, long arg, long a, long b, long c) throws ErrnoException {
    FileDescription f = Args.fd(k, fd);
    switch ((int) req) {
      case FIOCLEX -> {
        k.fds().setCloexec((int) fd, true);
        return 0;
      }
      case FIONCLEX -> {
        k.fds().setCloexec((int) fd, false);
        return 0;
      }
      case FIONBIO -> {
        byte[] v = new byte[4];
        if (k.mm().copyIn(arg, v, 0, 4) < 0) {
          throw new ErrnoException(Errno.EFAULT);
        }
        boolean on = (v[0] | v[1] | v[2] | v[3]) != 0;
        f.setStatusFlags(on ? f.flags() | FileDescription.O_NONBLOCK : f.flags() & ~FileDescription.O_NONBLOCK);
        return 0;
      }
      case TIOCGPGRP -> {
        if (f instanceof dev.jvisor.sentry.fs.tty.SlaveFd) {
          return f.ioctl(k.mm(), (int) req, arg); // a Sentry terminal keeps its own foreground group
        }
        long r = f.ioctl(k.mm(), 0x5401, 0); // only terminals have a foreground process group
        if (r == -Errno.ENOTTY) {
          throw new ErrnoException(Errno.ENOTTY);
        }
        Args.writeInt(k, arg, k.threadGroup().pid());
        return 0;
      }
      case TIOCSPGRP -> {
        if (f instanceof dev.jvisor.sentry.fs.tty.SlaveFd) {
          return f.ioctl(k.mm(), (int) req, arg);
        }
        return 0;
      }
      default -> {
        return f.ioctl(k.mm(), (int) req, arg);
      }
    }
  }

  private static long getdents64(Task k, long fd, long buf, long len, long a, long b, long c)
      throws ErrnoException {
    FileDescription f = Args.fd(k, fd);
    List<DirEntry> list;
    synchronized (LISTINGS) {
      list = LISTINGS.get(f);
      if (list == null || f.offset() == 0) {
        list = new ArrayList<>();
        long ino = f.stat().ino();
        list.add(new DirEntry(".", ino, dev.jvisor.sentry.vfs.NodeType.DIRECTORY));
        list.add(new DirEntry("..", ino, dev.jvisor.sentry.vfs.NodeType.DIRECTORY));
        list.addAll(f.entries());
        LISTINGS.put(f, list);
      }
    }
    if (len < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    int cap = (int) Math.min(len, 1 << 20);
    ByteBuffer out = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
    int i = (int) f.offset();
    while (i < list.size()) {
      DirEntry e = list.get(i);
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      int reclen = (19 + name.length + 1 + 7) & ~7;
      if (out.position() + reclen > cap) {
        if (out.position() == 0) {
          throw new ErrnoException(Errno.EINVAL);
        }
        break;
      }
      int at = out.position();
      out.putLong(e.ino()).putLong(i + 1).putShort((short) reclen).put((byte) e.type().dtype).put(name);
      out.position(at + reclen);
      i++;
    }
    byte[] data = new byte[out.position()];
    out.get(0, data);
    Args.write(k, buf, data);
    f.lseek(i, 0);
    return data.length;
  }

  /** Polls until something is ready or {@code timeoutNs} (-1 forever) passes; re-checks every millisecond. */
  private static long poll(Task k, long fds, long n, long timeoutNs) throws ErrnoException {
    long deadline = timeoutNs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
    while (true) {
      long ready = pollOnce(k, fds, n);
      if (ready != 0 || System.nanoTime() >= deadline) {
        return ready;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ErrnoException(Errno.EINTR);
      }
      if (k.signalPending()) {
        throw new ErrnoException(Errno.EINTR);
      }
    }
  }

  private static long pollOnce(Task k, long fds, long n) throws ErrnoException {
    if (n < 0 || n > k.fds().limit()) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] b = new byte[(int) (8 * n)];
    if (n > 0 && k.mm().copyIn(fds, b, 0, b.length) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int ready = 0;
    for (int i = 0; i < n; i++) {
      int fd = bb.getInt(8 * i);
      short events = bb.getShort(8 * i + 4);
      short revents = 0;
      if (fd >= 0) {
        try {
          int r = k.fds().get(fd).readiness();
          revents = (short) ((events & r) | (r & (8 | 16))); // POLLERR and POLLHUP are always reported
        } catch (ErrnoException e) {
          revents = 0x020; // POLLNVAL
        }
      }
      bb.putShort(8 * i + 6, revents);
      if (revents != 0) {
        ready++;
      }
    }
    if (n > 0) {
      Args.write(k, fds, b);
    }
    return ready;
  }
}
