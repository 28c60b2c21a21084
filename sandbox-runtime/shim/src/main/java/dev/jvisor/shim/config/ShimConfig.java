package dev.jvisor.shim.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * jvisor's options for one shim, from a TOML file such as
 * <pre>
 * debug = false
 * strace = false
 * log_path = "/var/log/jvisor/%ID%.log"
 * kernel_release = "4.4.0"
 * memory_overhead = "64M"      # added to the container's memory limit to size guest memory
 * default_memory = "2G"        # guest memory when the container sets no limit
 * </pre>
 * Unknown keys are reported in {@link #warnings()}, never silently dropped.
 */
public record ShimConfig(boolean debug, boolean strace, String logPath, String kernelRelease, long memoryOverhead,
    long defaultMemory, List<String> warnings) {
  public static final long DEFAULT_OVERHEAD = 64L << 20;
  public static final long DEFAULT_MEMORY = 2L << 30;
  public static final String DEFAULT_KERNEL_RELEASE = "4.4.0";
  /** The options file is small; anything larger is a mistake or an attack. */
  static final long MAX_FILE_BYTES = 1 << 20;
  static final Set<String> KEYS = Set.of("debug", "strace", "log_path", "kernel_release", "memory_overhead",
      "default_memory");

  public ShimConfig {
    warnings = List.copyOf(warnings);
  }

  public static ShimConfig defaults() {
    return new ShimConfig(false, false, "", DEFAULT_KERNEL_RELEASE, DEFAULT_OVERHEAD, DEFAULT_MEMORY, List.of());
  }

  public static ShimConfig load(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return parse(Files.readString(file), file.toString());
  }

  /** Parses TOML text; {@code source} names it in error messages. */
  public static ShimConfig parse(String toml, String source) throws IOException {
    TomlParseResult r = Toml.parse(toml);
    if (r.hasErrors()) {
      throw new IOException(source + ": " + r.errors().get(0).toString());
    }
    List<String> warnings = new ArrayList<>();
    for (String key : r.keySet()) {
      if (!KEYS.contains(key)) {
        warnings.add(source + ": unknown option '" + key + "' ignored");
      }
    }
    try {
      return new ShimConfig(
          bool(r, "debug"), bool(r, "strace"),
          r.getString("log_path", () -> ""),
          r.getString("kernel_release", () -> DEFAULT_KERNEL_RELEASE),
          size(r, "memory_overhead", DEFAULT_OVERHEAD),
          size(r, "default_memory", DEFAULT_MEMORY),
          warnings);
    } catch (IllegalArgumentException | org.tomlj.TomlInvalidTypeException e) {
      throw new IOException(source + ": " + e.getMessage(), e);
    }
  }

  private static boolean bool(TomlParseResult r, String key) {
    return r.getBoolean(key, () -> false);
  }

  /** A size is an integer of bytes or a string like "64M", "2G". */
  private static long size(TomlParseResult r, String key, long fallback) {
    if (!r.contains(key)) {
      return fallback;
    }
    if (r.isLong(key)) {
      long v = r.getLong(key);
      if (v < 0) {
        throw new IllegalArgumentException(key + " must not be negative");
      }
      return v;
    }
    if (r.isString(key)) {
      return parseSize(key, r.getString(key));
    }
    throw new IllegalArgumentException(key + " must be a byte count or a string like \"64M\"");
  }

  static long parseSize(String key, String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
      mult = switch (t.charAt(t.length() - 1)) {
        case 'K' -> 1L << 10;
        case 'M' -> 1L << 20;
        default -> 1L << 30;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t);
      if (v < 0 || v > (1L << 50) / mult) {
        throw new IllegalArgumentException(key + " = \"" + s + "\" is out of range");
      }
      return v * mult;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = \"" + s + "\" is not a size like 64M or 2G");
    }
  }
}
