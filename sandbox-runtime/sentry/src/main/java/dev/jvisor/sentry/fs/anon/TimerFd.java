package dev.jvisor.sentry.fs.anon;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.function.LongSupplier;

/**
 * timerfd_create(2): a timer whose expirations are read as a 64-bit count (reading resets it) and that polls
 * readable while the count is non-zero. Settings go through {@link #timer()}.
 */
public final class TimerFd extends FileDescription {
  private final IntervalTimer timer;
  private final int clockId;
  private long expirations;

  public TimerFd(int clockId, LongSupplier clock, int flags) {
    super(flags & O_NONBLOCK);
    this.clockId = clockId;
    this.timer = new IntervalTimer(clock, this::expired);
  }

  public IntervalTimer timer() {
    return timer;
  }

  public int clockId() {
    return clockId;
  }

  private synchronized void expired(long n) {
    expirations = IntervalTimer.saturatingAdd(expirations, n);
    notifyAll();
  }

  /** A new setting drops expirations not yet read, as timerfd_settime does. */
  public synchronized long[] set(long valueNs, long intervalNs, boolean absolute) {
    expirations = 0;
    return timer.set(valueNs, intervalNs, absolute);
  }

  @Override
  public String path() {
    return "anon_inode:[timerfd]";
  }

  @Override
  public Stat stat() {
    return Stat.synthetic(10, NodeType.REGULAR, 0600, 0, 0);
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
    long waited = CounterIo.await(this, () -> expirations != 0, (flags & O_NONBLOCK) != 0);
    if (waited < 0) {
      return waited;
    }
    if (!CounterIo.copyOut(mm, va, expirations)) {
      return -Errno.EFAULT;
    }
    expirations = 0;
    return CounterIo.SIZE;
  }

  @Override
  public long write(MemoryManager mm, long va, long len) {
    return -Errno.EINVAL;
  }

  @Override
  public synchronized int readiness() {
    return expirations != 0 ? 1 : 0;
  }

  @Override
  protected void release() {
    timer.cancel();
  }
}
