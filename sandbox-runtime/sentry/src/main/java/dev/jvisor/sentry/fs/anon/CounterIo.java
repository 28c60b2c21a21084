package dev.jvisor.sentry.fs.anon;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;

/**
 * What eventfd and timerfd share: a read or write moves one 8-byte little-endian counter, and blocks on the file's
 * own monitor until the counter allows it.
 */
final class CounterIo {
  static final int SIZE = 8;

  private CounterIo() {}

  /**
   * Waits on {@code monitor}, which the caller holds, until {@code ready}: 0, or -EAGAIN for a non-blocking file,
   * or -EINTR when a signal comes first.
   */
  static long await(Object monitor, BooleanSupplier ready, boolean nonblock) {
    try {
      while (!ready.getAsBoolean()) {
        if (nonblock) {
          return -Errno.EAGAIN;
        }
        monitor.wait();
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -Errno.EINTR;
    }
  }

  /** Writes {@code v} to the guest at {@code va}; false if that memory is not writable. */
  static boolean copyOut(MemoryManager mm, long va, long v) {
    byte[] b = new byte[SIZE];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    return mm.copyOut(va, b, 0, SIZE) >= 0;
  }

  /** The guest's 8 bytes at {@code va}, or null if that memory is not readable. */
  static Long copyIn(MemoryManager mm, long va) {
    byte[] b = new byte[SIZE];
    if (mm.copyIn(va, b, 0, SIZE) < 0) {
      return null;
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
