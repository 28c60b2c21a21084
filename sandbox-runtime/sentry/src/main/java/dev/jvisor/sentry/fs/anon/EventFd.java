package dev.jvisor.sentry.fs.anon;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;

/** eventfd(2): a 64-bit counter; reads take it (or 1 with EFD_SEMAPHORE), writes add to it. */
public final class EventFd extends FileDescription {
  private static final int EFD_SEMAPHORE = 1;
  private static final long MAX = 0xfffffffffffffffeL;
  private final boolean semaphore;
  private long count;

  public EventFd(long initial, int flags) {
    super(2 | (flags & O_NONBLOCK));
    this.count = initial;
    this.semaphore = (flags & EFD_SEMAPHORE) != 0;
  }

  @Override
  public String path() {
    return "anon_inode:[eventfd]";
  }

  @Override
  public Stat stat() {
    return Stat.synthetic(8, NodeType.REGULAR, 0600, 0, 0);
  }

  @Override
  public boolean isStream() {
    return true;
  }

  @Override
  public synchronized long read(MemoryManager mm, long va, long len) {
    if (len < CounterIo.SIZE) {
      return -Errno.EINVAL;
    }
    long waited = CounterIo.await(this, () -> count != 0, (flags & O_NONBLOCK) != 0);
    if (waited < 0) {
      return waited;
    }
    long v = semaphore ? 1 : count;
    if (!CounterIo.copyOut(mm, va, v)) {
      return -Errno.EFAULT;
    }
    count -= v;
    notifyAll();
    return CounterIo.SIZE;
  }

  @Override
  public synchronized long write(MemoryManager mm, long va, long len) {
    if (len < CounterIo.SIZE) {
      return -Errno.EINVAL;
    }
    Long value = CounterIo.copyIn(mm, va);
    if (value == null) {
      return -Errno.EFAULT;
    }
    long v = value;
    if (v == -1L) {
      return -Errno.EINVAL;
    }
    // The counter is unsigned and tops out at 0xfffffffffffffffe; a write that would pass it blocks (or EAGAIN).
    long waited = CounterIo.await(this, () -> Long.compareUnsigned(v, MAX - count) <= 0, (flags & O_NONBLOCK) != 0);
    if (waited < 0) {
      return waited;
    }
    count += v;
    notifyAll();
    return CounterIo.SIZE;
  }

  @Override
  public synchronized int readiness() {
    return (count != 0 ? 1 : 0) | (Long.compareUnsigned(count, MAX) < 0 ? 4 : 0);
  }
}
