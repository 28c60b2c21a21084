package dev.jvisor.sentry.fs.pipe;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pipe: 64 KiB of buffer, writes of at most PIPE_BUF (4096) bytes are atomic, readers see EOF once every
 * write end is closed, writers get EPIPE (and the caller raises SIGPIPE) once every read end is closed.
 */
public final class Pipe {
  public static final int CAPACITY = 65536;
  /** /proc/sys/fs/pipe-max-size. */
  public static final int MAX_CAPACITY = 1 << 20;
  public static final int PIPE_BUF = 4096;
  private static final AtomicLong INODES = new AtomicLong(50_000);

  private byte[] ring = new byte[CAPACITY];
  private final long ino = INODES.incrementAndGet();
  private int head;
  private int size;
  private int readers = 1;
  private int writers = 1;

  public FileDescription readEnd(int flags) {
    return new End(this, false, flags);
  }

  public FileDescription writeEnd(int flags) {
    return new End(this, true, flags | 1);
  }

  public synchronized int capacity() {
    return ring.length;
  }

  /** F_SETPIPE_SZ: rounds up to a power of two pages; EBUSY if the data would not fit, EPERM past the maximum. */
  public synchronized long resize(long requested) {
    if (requested > MAX_CAPACITY) {
      return -Errno.EPERM;
    }
    int n = 4096;
    while (n < requested) {
      n <<= 1;
    }
    if (n < size) {
      return -Errno.EBUSY;
    }
    byte[] next = new byte[n];
    for (int i = 0; i < size; i++) {
      next[i] = ring[(head + i) % ring.length];
    }
    ring = next;
    head = 0;
    notifyAll();
    return n;
  }

  synchronized int available() {
    return size;
  }

  synchronized boolean hasWriters() {
    return writers > 0;
  }

  synchronized boolean hasReaders() {
    return readers > 0;
  }

  private synchronized long read(MemoryManager mm, long va, long len, boolean nonblock) throws InterruptedException {
    long ready = awaitData(nonblock);
    if (ready <= 0) {
      return ready;
    }
    int n = (int) Math.min(len, size);
    byte[] out = new byte[n];
    copyFromRing(out, n);
    if (mm.copyOut(va, out, 0, n) < 0) {
      return -Errno.EFAULT;
    }
    consume(n);
    return n;
  }

  /** Waits while the pipe is empty: 1 when there is data, 0 at EOF (no writers left), -EAGAIN when nonblock. */
  private long awaitData(boolean nonblock) throws InterruptedException {
    while (size == 0) {
      if (writers == 0) {
        return 0;
      }
      if (nonblock) {
        return -Errno.EAGAIN;
      }
      wait();
    }
    return 1;
  }

  /** The first {@code n} buffered bytes into {@code dst}, left in the pipe. */
  private void copyFromRing(byte[] dst, int n) {
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, dst, 0, first);
    System.arraycopy(ring, 0, dst, first, n - first);
  }

  /** Drops the first {@code n} buffered bytes and wakes writers waiting for room. */
  private void consume(int n) {
    head = (head + n) % ring.length;
    size -= n;
    notifyAll();
  }

  private synchronized long write(MemoryManager mm, long va, long len, boolean nonblock)
      throws InterruptedException {
    long done = 0;
    while (done < len) {
      if (readers == 0) {
        return done > 0 ? done : -Errno.EPIPE;
      }
      int free = ring.length - size;
      long want = len - done;
      // Writes of up to PIPE_BUF bytes go in whole or not at all.
      if (free == 0 || (len <= PIPE_BUF && free < want)) {
        if (nonblock) {
          return done > 0 ? done : -Errno.EAGAIN;
        }
        wait();
        continue;
      }
      int n = (int) Math.min(want, free);
      byte[] in = new byte[n];
      if (mm.copyIn(va + done, in, 0, n) < 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      int tail = (head + size) % ring.length;
      int first = Math.min(n, ring.length - tail);
      System.arraycopy(in, 0, ring, tail, first);
      System.arraycopy(in, first, ring, 0, n - first);
      size += n;
      done += n;
      notifyAll();
    }
    return done;
  }

  /**
   * splice/tee from this pipe: copies up to {@code max} buffered bytes into {@code dst}, consuming them unless
   * {@code peek}. Blocks while empty (0 at EOF: no writers left); -EAGAIN when {@code nonblock}.
   */
  public synchronized long take(byte[] dst, int max, boolean nonblock, boolean peek) throws InterruptedException {
    long ready = awaitData(nonblock);
    if (ready <= 0) {
      return ready;
    }
    int n = Math.min(Math.min(max, size), dst.length);
    copyFromRing(dst, n);
    if (!peek) {
      consume(n);
    }
    return n;
  }

  /** splice into this pipe: waits for free space and returns how much there is, or -EAGAIN / -EPIPE. */
  public synchronized long awaitSpace(boolean nonblock) throws InterruptedException {
    while (true) {
      if (readers == 0) {
        return -Errno.EPIPE;
      }
      if (size < ring.length) {
        return ring.length - size;
      }
      if (nonblock) {
        return -Errno.EAGAIN;
      }
      wait();
    }
  }

  /** splice/tee into this pipe: appends as much of {@code src[0, len)} as fits now; returns bytes or -EPIPE. */
  public synchronized long put(byte[] src, int len) {
    if (readers == 0) {
      return -Errno.EPIPE;
    }
    int n = Math.min(len, ring.length - size);
    int tail = (head + size) % ring.length;
    int first = Math.min(n, ring.length - tail);
    System.arraycopy(src, 0, ring, tail, first);
    System.arraycopy(src, first, ring, 0, n - first);
    size += n;
    notifyAll();
    return n;
  }

  private synchronized void close(boolean writeEnd) {
    if (writeEnd) {
      writers--;
    } else {
      readers--;
    }
    notifyAll();
  }

  /** One end of the pipe. */
  public static final class End extends FileDescription {
    private final Pipe pipe;
    private final boolean writeEnd;

    End(Pipe pipe, boolean writeEnd, int flags) {
      super(flags);
      this.pipe = pipe;
      this.writeEnd = writeEnd;
    }

    public Pipe pipe() {
      return pipe;
    }

    public boolean isWriteEnd() {
      return writeEnd;
    }

    @Override
    public String path() {
      return "pipe:[" + pipe.ino + "]";
    }

    @Override
    public Stat stat() {
      return Stat.synthetic(pipe.ino, NodeType.FIFO, 0600, 0, 0);
    }

    @Override
    public boolean isStream() {
      return true;
    }

    @Override
    public long read(MemoryManager mm, long va, long len) {
      if (writeEnd) {
        return -Errno.EBADF;
      }
      try {
        return pipe.read(mm, va, len, (flags & O_NONBLOCK) != 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR;
      }
    }

    @Override
    public long write(MemoryManager mm, long va, long len) {
      if (!writeEnd) {
        return -Errno.EBADF;
      }
      try {
        return pipe.write(mm, va, len, (flags & O_NONBLOCK) != 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR;
      }
    }

    @Override
    public long pread(MemoryManager mm, long va, long len, long off) {
      return -Errno.ESPIPE;
    }

    @Override
    public long readBytes(byte[] dst, int len, long off) {
      if (writeEnd) {
        return -Errno.EBADF;
      }
      if (off >= 0) {
        return -Errno.ESPIPE;
      }
      try {
        return pipe.take(dst, len, (flags & O_NONBLOCK) != 0, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR;
      }
    }

    /** Blocking (unless O_NONBLOCK) write of all {@code len} bytes, as write(2) on a pipe. */
    @Override
    public long writeBytes(byte[] src, int len, long off) {
      if (!writeEnd) {
        return -Errno.EBADF;
      }
      if (off >= 0) {
        return -Errno.ESPIPE;
      }
      long done = 0;
      try {
        while (done < len) {
          long space = pipe.awaitSpace((flags & O_NONBLOCK) != 0);
          if (space < 0) {
            return done > 0 ? done : space;
          }
          byte[] chunk = java.util.Arrays.copyOfRange(src, (int) done, len);
          long r = pipe.put(chunk, chunk.length);
          if (r < 0) {
            return done > 0 ? done : r;
          }
          done += r;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done > 0 ? done : -Errno.EINTR;
      }
      return done;
    }

    @Override
    public long ioctl(MemoryManager mm, int request, long arg) {
      if (request == 0x541B) { // FIONREAD
        return mm.writeInt(arg, pipe.available()) < 0 ? -Errno.EFAULT : 0;
      }
      return -Errno.ENOTTY;
    }

    @Override
    public int readiness() {
      if (writeEnd) {
        return !pipe.hasReaders() ? 8 : (pipe.available() < pipe.capacity() ? 4 : 0);
      }
      int r = pipe.available() > 0 ? 1 : 0;
      return pipe.hasWriters() ? r : r | 16;
    }

    @Override
    protected void release() {
      pipe.close(writeEnd);
    }

    @Override
    public void truncate(long size) throws ErrnoException {
      throw new ErrnoException(Errno.EINVAL);
    }
  }
}
