package dev.jvisor.sentry.fs.socket;

/**
 * The bytes of one send or receive: a guest iovec list (the syscall layer) or a plain array (tests, read/write).
 * Offsets are relative to the start of the whole buffer.
 */
public interface GuestBuffer {
  long length();

  /** Copies {@code n} bytes at {@code off} into {@code dst}; false for a bad guest address. */
  boolean get(long off, byte[] dst, int dstOff, int n);

  /** Copies {@code n} bytes of {@code src} to {@code off}; false for a bad guest address. */
  boolean put(long off, byte[] src, int srcOff, int n);

  static GuestBuffer of(byte[] b) {
    return new GuestBuffer() {
      @Override
      public long length() {
        return b.length;
      }

      @Override
      public boolean get(long off, byte[] dst, int dstOff, int n) {
        System.arraycopy(b, (int) off, dst, dstOff, n);
        return true;
      }

      @Override
      public boolean put(long off, byte[] src, int srcOff, int n) {
        System.arraycopy(src, srcOff, b, (int) off, n);
        return true;
      }
    };
  }
}
