package dev.jvisor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * runc's global options ({@code --root --log --log-format --debug --systemd-cgroup}). A mixin of every OCI command;
 * the setters store into one place so the same mixin on the top-level command (runc puts them before the
 * subcommand) and on the subcommand agree.
 */
public final class OciGlobalOptions {
  static final Path DEFAULT_ROOT = Path.of("/run/jvisor");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile Path root = DEFAULT_ROOT;
  private static volatile Path log;
  private static volatile boolean jsonLog;
  private static volatile boolean debug;

  @Option(names = "--root", paramLabel = "DIR", description = "State directory (default /run/jvisor).")
  void setRoot(Path r) {
    root = r;
  }

  @Option(names = "--log", paramLabel = "FILE", description = "Also log errors to FILE.")
  void setLog(Path l) {
    log = l;
  }

  @Option(names = "--log-format", paramLabel = "text|json", description = "Log format (runc's shim uses json).")
  void setLogFormat(String f) {
    jsonLog = "json".equals(f);
  }

  @Option(names = "--debug", description = "Debug output.")
  void setDebug(boolean d) {
    debug = d;
  }

  @Option(names = "--systemd-cgroup", description = "Accepted for runc compatibility; jvisor sets no host cgroups.")
  void setSystemdCgroup(boolean ignored) {
    // the Sentry is the boundary; host cgroups are containerd's business
  }

  static Path root() {
    return root;
  }

  /** --log, or null. */
  static Path log() {
    return log;
  }

  static boolean debug() {
    return debug;
  }

  /** Reports an error on stderr and, with --log, as a line runc's shim can read back (it shows the last one). */
  static int error(String message) {
    System.err.println("jvisor: " + message);
    Path l = log;
    if (l != null) {
      try {
        String line;
        if (jsonLog) {
          Map<String, String> m = new LinkedHashMap<>();
          m.put("level", "error");
          m.put("msg", message);
          m.put("time", Instant.now().toString());
          line = JSON.writeValueAsString(m);
        } else {
          line = Instant.now() + " error: " + message;
        }
        Files.writeString(l, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        System.err.println("jvisor: cannot write log " + l + ": " + e.getMessage());
      }
    }
    return 1;
  }
}
