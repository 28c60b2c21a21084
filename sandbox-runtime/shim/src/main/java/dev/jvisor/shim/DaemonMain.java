package dev.jvisor.shim;

import java.nio.file.Path;

/**
 * The pod daemon's own entry point, which the launcher's shell {@code start} spawns: it parses exactly the
 * Go-style flags it is given and skips the CLI's command-line framework, whose start-up sits on every pod's
 * critical path. {@code jvisor shim ... daemon} does the same through the CLI.
 */
public final class DaemonMain {
  private DaemonMain() {}

  public static void main(String[] args) throws Exception {
    String namespace = null;
    String address = null;
    String publishBinary = null;
    String id = null;
    String socket = null;
    boolean debug = false;
    String action = "";
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      boolean hasValue = i + 1 < args.length;
      switch (flag) {
        case "-namespace" -> namespace = hasValue ? args[++i] : null;
        case "-address" -> address = hasValue ? args[++i] : null;
        case "-publish-binary" -> publishBinary = hasValue ? args[++i] : null;
        case "-id" -> id = hasValue ? args[++i] : null;
        case "-socket" -> socket = hasValue ? args[++i] : null;
        case "-debug" -> debug = true;
        default -> action = flag;
      }
    }
    ShimArgs a;
    try {
      a = new ShimArgs(namespace, address, publishBinary, id, (Path) null, debug, socket, ShimArgs.action(action));
    } catch (IllegalArgumentException e) {
      System.err.println("jvisor shim: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (a.action() != ShimArgs.Action.DAEMON) {
      System.err.println("jvisor shim: DaemonMain only runs the daemon");
      System.exit(2);
    }
    System.exit(Shim.daemon(a));
  }
}
