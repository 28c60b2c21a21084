package dev.jvisor.cli;

import java.util.Locale;

/** Parses sizes such as {@code 512M}, {@code 2G}, {@code 1048576}. */
final class Sizes {
  private Sizes() {}

  static long parse(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        default -> unit = 1;
      }
    }
    String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
    try {
      long v = Long.parseLong(digits);
      if (v <= 0 || v > (64L << 30) / unit) {
        throw new IllegalArgumentException("size out of range: " + s);
      }
      return v * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size: '" + s + "' (try 512M or 2G)");
    }
  }
}
