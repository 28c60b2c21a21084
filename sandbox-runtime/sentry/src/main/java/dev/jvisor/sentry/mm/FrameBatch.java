package dev.jvisor.sentry.mm;

import java.util.Arrays;

/** A growable list of guest-physical frame addresses, to release or invalidate in one batch. */
final class FrameBatch {
  private long[] frames = new long[64];
  private int size;

  void add(long gpa) {
    if (size == frames.length) {
      frames = Arrays.copyOf(frames, size * 2);
    }
    frames[size++] = gpa;
  }

  long[] frames() {
    return frames;
  }

  int size() {
    return size;
  }
}
