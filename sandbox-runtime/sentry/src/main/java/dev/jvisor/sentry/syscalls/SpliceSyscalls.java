package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.pipe.Pipe;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;

/**
 * Moving bytes between files inside the kernel: splice (one side a pipe), tee (pipe to pipe, not consuming) and
 * sendfile. The Sentry has no page cache to share, so each call copies through one bounded Java buffer; like
 * Linux, one call moves at most what the pipe can hold (or {@link #CHUNK} for sendfile rounds).
 */
final class SpliceSyscalls {
  static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
  /** Largest single copy: a full pipe at its maximum size. */
  static final int CHUNK = Pipe.MAX_CAPACITY;

  private SpliceSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("splice", "fpfpdx", "Copies through the Sentry (no page sharing); pipe<->file, pipe<->pipe and "
        + "pipe<->host stdio.", SpliceSyscalls::splice);
    t.partial("tee", "ffdx", "Copies without consuming, as Linux; both ends must be pipes.", SpliceSyscalls::tee);
    t.partial("sendfile", "ffpd", "Copies through the Sentry in 1 MiB rounds; the source must be a file or pipe "
        + "the Sentry can read.", SpliceSyscalls::sendfile);
  }

  private static Pipe.End pipeEnd(FileDescription f) {
    return f instanceof Pipe.End e ? e : null;
  }

  /** Reads the loff_t at {@code va} (EFAULT, EINVAL when negative). */
  private static long offsetAt(Task k, long va) throws ErrnoException {
    long off = Args.readLongs(k, va, 1)[0];
    if (off < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return off;
  }

  private static long splice(Task k, long fdIn, long offIn, long fdOut, long offOut, long len, long flags)
      throws ErrnoException {
    if ((flags & ~(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    FileDescription in = Args.fd(k, fdIn);
    FileDescription out = Args.fd(k, fdOut);
    if (!in.readable() || !out.writable()) {
      throw new ErrnoException(Errno.EBADF);
    }
    Pipe.End pin = pipeEnd(in);
    Pipe.End pout = pipeEnd(out);
    if (pin == null && pout == null) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (pin != null && offIn != 0 || pout != null && offOut != 0) {
      throw new ErrnoException(Errno.ESPIPE);
    }
    if (pin != null && pout != null && pin.pipe() == pout.pipe()) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (pout == null && (out.flags() & FileDescription.O_APPEND) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long inPos = offIn != 0 ? offsetAt(k, offIn) : -1;
    long outPos = offOut != 0 ? offsetAt(k, offOut) : -1;
    if (len == 0) {
      return 0;
    }
    int max = len < 0 ? CHUNK : (int) Math.min(len, CHUNK); // size_t: a "negative" length is huge
    try {
      long n;
      if (pin != null) {
        boolean nonblock = (flags & SPLICE_F_NONBLOCK) != 0 || (in.flags() & FileDescription.O_NONBLOCK) != 0;
        byte[] buf = new byte[Math.min(max, pin.pipe().capacity())];
        n = pin.pipe().take(buf, buf.length, nonblock, true); // peek: consume only what the writer took
        if (n <= 0) {
          return check(n);
        }
        long w;
        if (pout != null) {
          long space = pout.pipe().awaitSpace(nonblock
              || (out.flags() & FileDescription.O_NONBLOCK) != 0);
          if (space < 0) {
            return epipe(k, space);
          }
          w = pout.pipe().put(buf, (int) Math.min(n, space));
        } else {
          w = out.writeBytes(buf, (int) n, outPos);
        }
        if (w <= 0) {
          return epipe(k, w);
        }
        pin.pipe().take(new byte[(int) w], (int) w, true, false);
        n = w;
        if (outPos >= 0) {
          Args.writeLongs(k, offOut, outPos + n);
        }
      } else {
        boolean nonblock = (flags & SPLICE_F_NONBLOCK) != 0 || (out.flags() & FileDescription.O_NONBLOCK) != 0;
        long space = pout.pipe().awaitSpace(nonblock);
        if (space < 0) {
          return epipe(k, space);
        }
        byte[] buf = new byte[(int) Math.min(max, space)];
        n = in.readBytes(buf, buf.length, inPos);
        if (n <= 0) {
          return check(n);
        }
        long w = pout.pipe().put(buf, (int) n);
        if (w < 0) {
          return epipe(k, w);
        }
        n = w;
        if (inPos >= 0) {
          Args.writeLongs(k, offIn, inPos + n);
        }
      }
      return n;
    } catch (InterruptedException e) {
      throw new ErrnoException(Errno.EINTR);
    }
  }

  private static long check(long r) throws ErrnoException {
    if (r < 0) {
      throw new ErrnoException((int) -r);
    }
    return r;
  }

  private static long epipe(Task k, long r) throws ErrnoException {
    if (r == -Errno.EPIPE) {
      k.sendSignal(dev.jvisor.sentry.kernel.Signals.SIGPIPE, null);
    }
    return check(r);
  }

  private static long tee(Task k, long fdIn, long fdOut, long len, long flags, long a, long b)
      throws ErrnoException {
    if ((flags & ~(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Pipe.End in = pipeEnd(Args.fd(k, fdIn));
    Pipe.End out = pipeEnd(Args.fd(k, fdOut));
    if (in == null || out == null || in.isWriteEnd() || !out.isWriteEnd() || in.pipe() == out.pipe()) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (len == 0) {
      return 0;
    }
    boolean nonblock = (flags & SPLICE_F_NONBLOCK) != 0;
    try {
      byte[] buf = new byte[(int) Math.min(len < 0 ? CHUNK : len, in.pipe().capacity())];
      long n = in.pipe().take(buf, buf.length, nonblock, true);
      if (n <= 0) {
        return check(n);
      }
      long space = out.pipe().awaitSpace(nonblock);
      if (space < 0) {
        return epipe(k, space);
      }
      return check(out.pipe().put(buf, (int) Math.min(n, space)));
    } catch (InterruptedException e) {
      throw new ErrnoException(Errno.EINTR);
    }
  }

  private static long sendfile(Task k, long outFd, long inFd, long offp, long count, long a, long b)
      throws ErrnoException {
    FileDescription in = Args.fd(k, inFd);
    FileDescription out = Args.fd(k, outFd);
    if (!in.readable() || !out.writable()) {
      throw new ErrnoException(Errno.EBADF);
    }
    if ((out.flags() & FileDescription.O_APPEND) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long pos = -1;
    if (offp != 0) {
      if (pipeEnd(in) != null) {
        throw new ErrnoException(Errno.ESPIPE);
      }
      pos = offsetAt(k, offp);
    }
    long want = Math.min(Args.checkLen(count), FileDescription.MAX_RW);
    long done = 0;
    byte[] buf = new byte[(int) Math.min(want, 64 * 1024)];
    while (done < want) {
      int n = (int) Math.min(buf.length, want - done);
      long r = in.readBytes(buf, n, pos < 0 ? -1 : pos + done);
      if (r < 0) {
        if (done > 0) {
          break;
        }
        return check(r);
      }
      if (r == 0) {
        break;
      }
      long w = out.writeBytes(buf, (int) r, -1);
      if (w < 0) {
        if (done > 0) {
          break;
        }
        return epipe(k, w);
      }
      done += w;
      if (w < r || r < n) {
        break;
      }
    }
    if (offp != 0) {
      Args.writeLongs(k, offp, pos + done);
    }
    return done;
  }
}
