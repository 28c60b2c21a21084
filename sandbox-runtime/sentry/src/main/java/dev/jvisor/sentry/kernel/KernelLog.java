package dev.jvisor.sentry.kernel;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sandbox's kernel message buffer (what syslog(2) and so dmesg read): the boot lines, then what the kernel
 * reported since (the OOM killer's "Out of memory: Killed process ..."). Later lines are stamped with the time since
 * boot after the last boot line's stamp, so the log reads in order. Bounded like Linux's ring buffer: the oldest
 * later lines go first, the boot lines stay.
 */
final class KernelLog {
  /** Lines kept after the boot lines. */
  static final int MAX_LINES = 1024;

  private final long bootNanos;
  private final String boot = BootLog.text();
  private final Deque<String> lines = new ArrayDeque<>();

  KernelLog(long bootNanos) {
    this.bootNanos = bootNanos;
  }

  /** Appends a line at printk level {@code level} ({@link BootLog#KERN_ERR}...). */
  synchronized void log(int level, String message) {
    double seconds = BootLog.readySeconds() + (System.nanoTime() - bootNanos) / 1e9;
    if (lines.size() == MAX_LINES) {
      lines.removeFirst();
    }
    lines.addLast(BootLog.line(level, seconds, message));
  }

  synchronized String text() {
    StringBuilder sb = new StringBuilder(boot);
    for (String l : lines) {
      sb.append(l);
    }
    return sb.toString();
  }
}
