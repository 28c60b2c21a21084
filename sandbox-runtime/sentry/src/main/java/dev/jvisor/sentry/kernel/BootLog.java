package dev.jvisor.sentry.kernel;

import java.util.List;

/** What syslog(2) and dmesg show: jvisor's own boot log, timestamped like the kernel's. */
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

  /** The log text, one "[seconds.micros] line" per line. */
  public static String text() {
    StringBuilder sb = new StringBuilder();
    double t = 0;
    for (int i = 0; i < LINES.size(); i++) {
      sb.append(String.format("[%12.6f] %s%n", t, LINES.get(i)));
      t += 0.3 + 0.17 * i;
    }
    return sb.toString();
  }
}
