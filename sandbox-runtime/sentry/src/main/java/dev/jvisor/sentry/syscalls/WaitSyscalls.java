package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.anon.EpollFd;
import dev.jvisor.sentry.fs.anon.EventFd;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/** select, pselect6, epoll and eventfd: readiness waits, polled every millisecond while nothing is ready. */
final class WaitSyscalls {
  private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
  private static final int MAX_EVENTS = 1 << 16;

  private WaitSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("select", "dpppp", "As poll: pipes report real readiness, other files are always ready.",
        (k, n, r, w, e, tv, f) -> select(k, n, r, w, e, tv == 0 ? -1 : timeval(k, tv)));
    t.partial("pselect6", "dppppp", "As select; the signal mask argument is ignored.",
        (k, n, r, w, e, ts, f) -> select(k, n, r, w, e, ts == 0 ? -1 : timespec(k, ts)));
    t.partial("epoll_create1", "x", "Level-triggered, EPOLLET and EPOLLONESHOT; readiness is checked every "
        + "millisecond while waiting.", (k, flags, a, b, c, d, e) -> {
          if ((flags & ~FileDescription.O_CLOEXEC) != 0) {
            throw new ErrnoException(Errno.EINVAL);
          }
          return FileSyscalls.install(k, new EpollFd(2), 0, (flags & FileDescription.O_CLOEXEC) != 0);
        });
    t.partial("epoll_create", "d", "As epoll_create1.", (k, size, a, b, c, d, e) -> {
      if (size <= 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return FileSyscalls.install(k, new EpollFd(2), 0, false);
    });
    t.partial("epoll_ctl", "fdfp", "As epoll_create1.", WaitSyscalls::epollCtl);
    t.partial("epoll_wait", "fpdd", "As epoll_create1.", (k, ep, ev, max, timeout, a, b) ->
        epollWait(k, ep, ev, max, timeout < 0 ? -1 : timeout * 1_000_000L));
    t.partial("epoll_pwait", "fpddp", "As epoll_wait; the signal mask argument is ignored.",
        (k, ep, ev, max, timeout, a, b) -> epollWait(k, ep, ev, max, timeout < 0 ? -1 : timeout * 1_000_000L));
    t.full("eventfd2", "dx", (k, init, flags, a, b, c, d) -> {
      if ((flags & ~(1 | FileDescription.O_NONBLOCK | FileDescription.O_CLOEXEC)) != 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return FileSyscalls.install(k, new EventFd(init & 0xffffffffL, (int) flags), 0,
          (flags & FileDescription.O_CLOEXEC) != 0);
    });
    t.full("eventfd", "d", (k, init, a, b, c, d, e) -> FileSyscalls.install(k, new EventFd(init & 0xffffffffL, 0),
        0, false));
  }

  private static long timeval(Task k, long tv) throws ErrnoException {
    long[] v = Args.readLongs(k, tv, 2);
    if (v[0] < 0 || v[1] < 0 || v[1] >= 1_000_000) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return v[0] * 1_000_000_000L + v[1] * 1000;
  }

  private static long timespec(Task k, long ts) throws ErrnoException {
    long[] v = Args.readLongs(k, ts, 2);
    if (v[0] < 0 || v[1] < 0 || v[1] >= 1_000_000_000L) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return v[0] * 1_000_000_000L + v[1];
  }

  /** Sleeps one millisecond between readiness checks; EINTR when a signal is pending. */
  private static void pause(Task k) throws ErrnoException {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      throw new ErrnoException(Errno.EINTR);
    }
    if (k.signalPending()) {
      throw new ErrnoException(Errno.EINTR);
    }
  }

  private static long select(Task k, long n, long rp, long wp, long ep, long timeoutNs) throws ErrnoException {
    if (n < 0 || n > 1024) {
      throw new ErrnoException(Errno.EINVAL);
    }
    int words = (int) ((n + 63) / 64);
    long[] r = rp == 0 || words == 0 ? new long[words] : Args.readLongs(k, rp, words);
    long[] w = wp == 0 || words == 0 ? new long[words] : Args.readLongs(k, wp, words);
    long deadline = timeoutNs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
    while (true) {
      long[] ro = new long[words];
      long[] wo = new long[words];
      int ready = 0;
      for (int fd = 0; fd < n; fd++) {
        long bit = 1L << (fd % 64);
        boolean wantR = (r[fd / 64] & bit) != 0;
        boolean wantW = (w[fd / 64] & bit) != 0;
        if (!wantR && !wantW) {
          continue;
        }
        int rd = k.fds().get(fd).readiness(); // EBADF for a closed fd, as Linux
        if (wantR && (rd & (1 | 16 | 8)) != 0) {
          ro[fd / 64] |= bit;
          ready++;
        }
        if (wantW && (rd & (4 | 8)) != 0) {
          wo[fd / 64] |= bit;
          ready++;
        }
      }
      if (ready > 0 || System.nanoTime() >= deadline) {
        if (rp != 0 && words > 0) {
          Args.writeLongs(k, rp, ro);
        }
        if (wp != 0 && words > 0) {
          Args.writeLongs(k, wp, wo);
        }
        if (ep != 0 && words > 0) {
          Args.writeLongs(k, ep, new long[words]);
        }
        return ready;
      }
      pause(k);
    }
  }

  private static EpollFd epoll(Task k, long fd) throws ErrnoException {
    if (!(Args.fd(k, fd) instanceof EpollFd e)) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return e;
  }

  private static long epollCtl(Task k, long epfd, long op, long fd, long event, long a, long b)
      throws ErrnoException {
    EpollFd ep = epoll(k, epfd);
    FileDescription f = Args.fd(k, fd);
    if (f == ep) {
      throw new ErrnoException(Errno.EINVAL);
    }
    synchronized (ep) {
      Map<Integer, EpollFd.Interest> m = ep.interests();
      switch ((int) op) {
        case EPOLL_CTL_ADD -> {
          if (m.containsKey((int) fd)) {
            throw new ErrnoException(Errno.EEXIST);
          }
          long[] ev = readEvent(k, event);
          ep.add((int) fd, f, (int) ev[0], ev[1]);
        }
        case EPOLL_CTL_MOD -> {
          EpollFd.Interest i = m.get((int) fd);
          if (i == null) {
            throw new ErrnoException(Errno.ENOENT);
          }
          long[] ev = readEvent(k, event);
          i.events = (int) ev[0];
          i.data = ev[1];
          i.reported = false;
          i.disarmed = false;
        }
        case EPOLL_CTL_DEL -> {
          if (m.remove((int) fd) == null) {
            throw new ErrnoException(Errno.ENOENT);
          }
        }
        default -> throw new ErrnoException(Errno.EINVAL);
      }
    }
    return 0;
  }

  /** struct epoll_event is packed on x86-64: u32 events, u64 data (12 bytes). */
  private static long[] readEvent(Task k, long va) throws ErrnoException {
    byte[] b = new byte[12];
    if (k.mm().copyIn(va, b, 0, 12) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    return new long[] {bb.getInt(0), bb.getLong(4)};
  }

  private static long epollWait(Task k, long epfd, long events, long max, long timeoutNs) throws ErrnoException {
    if (max <= 0 || max > MAX_EVENTS) {
      throw new ErrnoException(Errno.EINVAL);
    }
    EpollFd ep = epoll(k, epfd);
    long deadline = timeoutNs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
    while (true) {
      ByteBuffer out = ByteBuffer.allocate((int) (12 * max)).order(ByteOrder.LITTLE_ENDIAN);
      int n = 0;
      synchronized (ep) {
        for (EpollFd.Interest i : ep.interests().values()) {
          if (n >= max) {
            break;
          }
          int r = i.file.readiness() & (i.events | EpollFd.EPOLLERR | EpollFd.EPOLLHUP);
          if (r == 0) {
            i.reported = false;
            continue;
          }
          if (i.disarmed || ((i.events & EpollFd.EPOLLET) != 0 && i.reported)) {
            continue;
          }
          i.reported = true;
          if ((i.events & EpollFd.EPOLLONESHOT) != 0) {
            i.disarmed = true;
          }
          out.putInt(12 * n, r).putLong(12 * n + 4, i.data);
          n++;
        }
      }
      if (n > 0 || System.nanoTime() >= deadline) {
        if (n > 0 && k.mm().copyOut(events, out.array(), 0, 12 * n) < 0) {
          throw new ErrnoException(Errno.EFAULT);
        }
        return n;
      }
      pause(k);
    }
  }
}
