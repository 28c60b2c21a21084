package dev.jvisor.cli;

import dev.jvisor.shim.Shim;
import dev.jvisor.shim.ShimArgs;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jvisor shim}: what the installed {@code containerd-shim-jvisor-v1} launcher runs. Takes containerd's
 * Go-style single-dash flags verbatim, then {@code start} or {@code delete}.
 */
@Command(name = "shim", description = "containerd shim v2 (containerd-shim-jvisor-v1): start | delete.")
final class ShimCommand implements Callable<Integer> {
  @Option(names = "-namespace", description = "containerd namespace.")
  String namespace;

  @Option(names = "-address", description = "containerd's grpc socket.")
  String address;

  @Option(names = "-publish-binary", description = "containerd binary (event publishing fallback).")
  String publishBinary;

  @Option(names = "-id", description = "Task id.")
  String id;

  @Option(names = "-bundle", description = "Bundle directory (delete).")
  Path bundle;

  @Option(names = "-debug", description = "Debug logging.")
  boolean debug;

  @Option(names = "-socket", hidden = true, description = "Internal: the socket the daemon binds.")
  String socket;

  @Option(names = {"-v", "-version"}, description = "Print the version.")
  boolean version;

  @Parameters(arity = "0..1", paramLabel = "ACTION", description = "start or delete")
  String action;

  @Override
  public Integer call() throws Exception {
    if (version) {
      System.out.println("containerd-shim-jvisor-v1: jvisor 0.1.0");
      return 0;
    }
    ShimArgs a;
    try {
      a = new ShimArgs(namespace, address, publishBinary, id, bundle, debug, socket,
          ShimArgs.action(action == null ? "" : action));
    } catch (IllegalArgumentException e) {
      System.err.println("jvisor shim: " + e.getMessage());
      return 2;
    }
    return switch (a.action()) {
      case START -> Shim.start(a, selfCommand(), System.out, System.err);
      case DELETE -> Shim.delete(a, System.out, System.err);
      case DAEMON -> Shim.daemon(a);
    };
  }

  /** How to re-enter this entry point in a new JVM: same java, same JVM options, same class path. */
  static List<String> selfCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Debug agents would fight over their port; everything else (native access, GC, CDS) carries over.
      if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "shim"));
    return cmd;
  }
}
