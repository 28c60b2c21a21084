package dev.jvisor.sentry.kernel;

import java.util.List;

/** The boot lines syslog(2) and dmesg show first: jvisor's own, timestamped like the kernel's. */
public final class BootLog {
  private BootLog() {}

  private static final List<String> LINES = List.of(
      "Starting jvisor...",
      "Teaching the JIT to speak x86-64...",
      "Mapping guest memory from a sparse memfd...",
      "Pointing LSTAR somewhere safe...",
      "Counting file descriptors twice...",
      "Reticulating page tables...",
      "Ready!");

  /** Log levels of printk (the "<N>" prefix syslog(2) returns and dmesg strips). */
  static final int KERN_ERR = 3, KERN_INFO = 6;

  /** The log text, one "<6>[seconds.micros] line" per line. */
  public static String text() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < LINES.size(); i++) {
      sb.append(line(KERN_INFO, stamp(i), LINES.get(i)));
    }
    return sb.toString();
  }

  /** The stamp of the last boot line: what the kernel logs later is stamped after it. */
  static double readySeconds() {
    return stamp(LINES.size() - 1);
  }

  /**
   * One line as syslog(2) returns it: "<6>[    4.350000] message". dmesg reads the level prefix; without it
   * util-linux's dmesg took every line after the first for a continuation and indented it.
   */
  static String line(int level, double seconds, String message) {
    return String.format("<%d>[%12.6f] %s%n", level, seconds, message);
  }

  private static double stamp(int line) {
    double t = 0;
    for (int i = 0; i < line; i++) {
      t += 0.3 + 0.17 * i;
    }
    return t;
  }
}
