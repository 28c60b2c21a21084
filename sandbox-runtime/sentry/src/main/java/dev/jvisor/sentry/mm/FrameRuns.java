package dev.jvisor.sentry.mm;

import dev.jvisor.sentry.arch.X86;
import java.util.Arrays;

/**
 * Sorts guest-physical frame addresses and visits them as runs of adjacent frames, so that a host call that takes
 * a range (a punch, an madvise) is made once per run instead of once per frame.
 */
public final class FrameRuns {
  /** One run: {@code length} bytes from {@code gpa}. */
  public interface Visitor {
    void run(long gpa, long length);
  }

  private FrameRuns() {}

  /** Sorts {@code gpas[0..n)} in place and visits its runs; a frame listed twice counts once. */
  public static void forEach(long[] gpas, int n, Visitor visitor) {
    Arrays.sort(gpas, 0, n);
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && gpas[j] <= gpas[j - 1] + X86.PAGE_SIZE) {
        j++;
      }
      visitor.run(gpas[i], gpas[j - 1] + X86.PAGE_SIZE - gpas[i]);
      i = j;
    }
  }
}
