package dev.jvisor.shim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One log line the way containerd's shims write theirs ({@code time="..." level=... msg="..." runtime=...}).
 * Hand-built rather than a SimpleFormatter pattern: SimpleFormatter's first use loads the time-zone database
 * and java.util.Formatter, ~15 ms of every pod daemon's start before it could listen.
 */
final class ContainerdLogFormatter extends Formatter {
  @Override
  public String format(LogRecord r) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(r.getInstant().getEpochSecond(), r.getInstant().getNano(),
        ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(128).append("time=\"").append(t.getYear()).append('-');
    two(b, t.getMonthValue()).append('-');
    two(b, t.getDayOfMonth()).append('T');
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond()).append('.');
    int ms = t.getNano() / 1_000_000;
    b.append(ms < 100 ? (ms < 10 ? "00" : "0") : "").append(ms).append("Z\" level=").append(r.getLevel().getName())
        .append(" msg=\"").append(formatMessage(r));
    if (r.getThrown() != null) {
      StringWriter trace = new StringWriter();
      try (PrintWriter w = new PrintWriter(trace)) {
        w.println();
        r.getThrown().printStackTrace(w);
      }
      b.append(trace);
    }
    return b.append("\" runtime=io.containerd.jvisor.v1").append(System.lineSeparator()).toString();
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return b.append(v < 10 ? "0" : "").append(v);
  }
}
