package dev.jvisor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Entry point for using jvisor as containerd's runc ({@code BinaryName}, {@code ctr run --runc-binary}): runc's
 * shim puts the global flags before the command ({@code --root R --log L --log-format json create ...}), while
 * {@code jvisor} takes them after it. This moves them and runs {@link Main}; runc globals jvisor has no use for
 * ({@code --rootless}, {@code --criu}) are dropped.
 */
public final class RuncCompat {
  static final Set<String> WITH_VALUE = Set.of("--root", "--log", "--log-format", "--criu", "--rootless");
  static final Set<String> KNOWN = Set.of("--root", "--log", "--log-format", "--debug", "--systemd-cgroup");

  private RuncCompat() {}

  public static void main(String[] args) {
    System.exit(Main.run(reorder(args).toArray(String[]::new)));
  }

  static List<String> reorder(String[] args) {
    List<String> globals = new ArrayList<>();
    int i = 0;
    while (i < args.length && args[i].startsWith("-") && !args[i].equals("--")) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      boolean takesValue = !a.contains("=") && WITH_VALUE.contains(name) && i + 1 < args.length;
      if (KNOWN.contains(name)) {
        globals.add(a);
        if (takesValue) {
          globals.add(args[i + 1]);
        }
      }
      i += takesValue ? 2 : 1;
    }
    List<String> out = new ArrayList<>();
    if (i < args.length) {
      out.add(args[i]);
      out.addAll(globals);
      out.addAll(List.of(args).subList(i + 1, args.length));
    } else {
      out.addAll(globals);
    }
    return out;
  }
}
