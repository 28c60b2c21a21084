package dev.jvisor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** /proc helpers for the ITs. */
final class PrivateContainerdAccess {
  private PrivateContainerdAccess() {}

  /** The sockets jvisor shim daemons among {@code pids} serve (their "-socket PATH" argument). */
  static java.util.List<Path> jvisorSockets(java.util.List<Long> pids) {
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (long pid : pids) {
      String[] args = cmdline(pid).split(" ");
      for (int i = 0; i + 1 < args.length; i++) {
        if (args[i].equals("-socket")) {
          out.add(Path.of(args[i + 1]));
        }
      }
    }
    return out;
  }

  static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
