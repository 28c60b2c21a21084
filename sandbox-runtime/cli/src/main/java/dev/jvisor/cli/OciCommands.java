package dev.jvisor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.shim.OciDaemon;
import dev.jvisor.shim.ShimSocket;
import dev.jvisor.shim.TaskClient;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.proto.task.ProcessInfo;
import dev.jvisor.shim.proto.task.StateResponse;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The OCI runtime commands, shaped like runc's so containerd's runc shim can drive jvisor ({@code BinaryName}).
 * {@code create} spawns one daemon JVM per container ({@link OciDaemon}): it is the pid in --pid-file, holds the
 * Sentry, inherits the container's stdio, and exits with the init's status. The other commands talk to it.
 */
final class OciCommands {
  /** A daemon that does not serve by then has failed (JVM start plus Sentry boot take a few seconds). */
  static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DELETE_KILL_WAIT = Duration.ofSeconds(5);

  private OciCommands() {}

  /** Runs a command body, turning bad input and daemon errors into runc-style messages and exit codes. */
  abstract static class Base implements Callable<Integer> {
    @Mixin OciGlobalOptions globals;

    abstract int run() throws Exception;

    @Override
    public Integer call() {
      try {
        return run();
      } catch (IllegalArgumentException | TtrpcException | Bundle.BundleException e) {
        return OciGlobalOptions.error(e.getMessage());
      } catch (IOException e) {
        return OciGlobalOptions.error("I/O: " + e.getMessage());
      } catch (Exception e) {
        if (OciGlobalOptions.debug()) {
          e.printStackTrace();
        }
        return OciGlobalOptions.error("internal error: " + e);
      }
    }
  }

  static void writePidFile(Path pidFile, long pid) throws IOException {
    if (pidFile != null) {
      Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(pid));
      Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  @Command(name = "create", description = "Create a container (OCI): boots its sandbox, does not start it.")
  static final class Create extends Base {
    @Option(names = {"--bundle", "-b"}, defaultValue = ".", description = "Bundle directory.")
    Path bundle;

    @Option(names = "--pid-file", description = "Write the container's pid here.")
    Path pidFile;

    @Option(names = "--console-socket", description = "Unix socket to send the terminal's pty master to (runc's).")
    String consoleSocket;

    @Option(names = {"--no-pivot", "--no-new-keyring"}, description = "Accepted for runc compatibility.")
    boolean ignored;

    @Option(names = "--preserve-fds", defaultValue = "0", description = "Extra fds to pass (only 0 supported).")
    int preserveFds;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      if (preserveFds != 0) {
        return OciGlobalOptions.error("--preserve-fds is not supported");
      }
      Path dir = OciContainer.dir(id);
      if (Files.exists(dir)) {
        return OciGlobalOptions.error("container " + id + " already exists");
      }
      Path b = bundle.toAbsolutePath().normalize();
      Bundle.read(b).existingRoot(); // clear errors before a JVM is spawned
      Path socket = OciContainer.socketFor(id);
      Files.createDirectories(socket.getParent());
      Files.deleteIfExists(socket);
      Files.createDirectories(dir);
      List<String> cmd = new ArrayList<>(ShimCommand.selfCommand());
      cmd.remove(cmd.size() - 1); // "shim"
      cmd.addAll(List.of("oci-daemon", "--bundle", b.toString(), "--socket", socket.toString()));
      if (OciGlobalOptions.log() != null) {
        cmd.addAll(List.of("--log", OciGlobalOptions.log().toAbsolutePath().toString()));
      }
      if (consoleSocket != null) {
        cmd.addAll(List.of("--console", Console.handOver(consoleSocket)));
      }
      cmd.add(id);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(b.toFile()).inheritIO();
      if (consoleSocket != null) {
        // The container talks through the pty; and go-runc waits for create's stdout to close, so the daemon
        // must not hold it (without a terminal, those pipes are the container's stdio and must be inherited).
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
      }
      Process p = pb.start();
      Instant end = Instant.now().plus(CREATE_TIMEOUT);
      while (!ShimSocket.serving(socket)) {
        if (!p.isAlive() || Instant.now().isAfter(end)) {
          p.destroyForcibly();
          new OciContainer(id, b.toString(), p.pid(), "", socket.toString()).remove();
          return OciGlobalOptions.error("create " + id + " failed" + (p.isAlive() ? ": timed out after "
              + CREATE_TIMEOUT : " (daemon exit " + p.waitFor() + ")"));
        }
        Thread.sleep(20);
      }
      new OciContainer(id, b.toString(), p.pid(), Instant.now().toString(), socket.toString()).save();
      writePidFile(pidFile, p.pid());
      return 0;
    }
  }

  /** Internal: the per-container daemon that create spawns. */
  @Command(name = "oci-daemon", hidden = true)
  static final class Daemon implements Callable<Integer> {
    @Option(names = "--bundle", required = true)
    Path bundle;

    @Option(names = "--socket", required = true)
    Path socket;

    @Option(names = "--log")
    Path log;

    @Option(names = "--console", description = "Host pty slave the container's terminal is bridged to.")
    String console;

    @Parameters(index = "0")
    String id;

    @Override
    public Integer call() throws Exception {
      return OciDaemon.run(id, bundle, socket, log, console);
    }
  }

  @Command(name = "start", description = "Start a created container.")
  static final class Start extends Base {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      OciContainer c = OciContainer.require(id);
      try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
        t.start(id, "");
      }
      return 0;
    }
  }

  @Command(name = "state", description = "Print a container's state as JSON.")
  static final class State extends Base {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      OciContainer c = OciContainer.require(id);
      String status = "stopped";
      if (c.daemonAlive()) {
        try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
          StateResponse s = t.state(id);
          status = switch (s.getStatus()) {
            case CREATED -> "created";
            case RUNNING -> "running";
            case PAUSED -> "paused";
            default -> "stopped";
          };
        } catch (IOException | TtrpcException e) {
          status = "stopped";
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ociVersion", "1.0.2");
      m.put("id", id);
      m.put("pid", "stopped".equals(status) ? 0 : c.pid());
      m.put("status", status);
      m.put("bundle", c.bundle());
      m.put("rootfs", Path.of(c.bundle(), "rootfs").toString());
      m.put("created", c.created());
      m.put("owner", "");
      System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
      return 0;
    }
  }

  @Command(name = "kill", description = "Send a signal to a container's init (or, with --all, every process).")
  static final class Kill extends Base {
    @Option(names = {"--all", "-a"}, description = "Signal every process of the container.")
    boolean all;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", defaultValue = "SIGTERM", paramLabel = "SIGNAL")
    String signal;

    @Override
    int run() throws Exception {
      int sig = Signals.parse(signal);
      OciContainer c = OciContainer.require(id);
      if (!c.daemonAlive()) {
        return OciGlobalOptions.error("container " + id + " is not running");
      }
      try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
        t.kill(id, sig, all);
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a container's state (--force kills it first).")
  static final class Delete extends Base {
    @Option(names = {"--force", "-f"}, description = "Kill a running container first.")
    boolean force;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      var loaded = OciContainer.load(id);
      if (loaded.isEmpty()) {
        return force ? 0 : OciGlobalOptions.error("container " + id + " does not exist");
      }
      OciContainer c = loaded.get();
      if (c.daemonAlive()) {
        boolean running;
        try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
          running = t.state(id).getStatus() == dev.jvisor.shim.proto.task.Status.RUNNING;
          if (running && !force) {
            return OciGlobalOptions.error("container " + id + " is running; stop it first or use --force");
          }
          t.kill(id, 9, true);
        } catch (IOException | TtrpcException e) {
          // the daemon is on its way out
        }
        ProcessHandle.of(c.pid()).ifPresent(ph -> {
          try {
            ph.onExit().get(DELETE_KILL_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            ph.destroyForcibly();
          }
        });
      }
      c.remove();
      return 0;
    }
  }

  @Command(name = "ps", description = "List a container's processes (pids inside its sandbox).")
  static final class Ps extends Base {
    @Option(names = {"--format", "-f"}, defaultValue = "table", description = "table or json")
    String format;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      OciContainer c = OciContainer.require(id);
      List<Integer> pids = new ArrayList<>();
      if (c.daemonAlive()) {
        try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
          for (ProcessInfo p : t.pids(id).getProcessesList()) {
            pids.add(p.getPid());
          }
        }
      }
      if ("json".equals(format)) {
        System.out.println(new ObjectMapper().writeValueAsString(pids));
      } else {
        System.out.println("PID");
        pids.forEach(System.out::println);
      }
      return 0;
    }
  }

  @Command(name = "run", description = "Create, start and wait for a container in the foreground.")
  static final class Run extends Base {
    @Option(names = {"--bundle", "-b"}, defaultValue = ".", description = "Bundle directory.")
    Path bundle;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run() throws Exception {
      OciContainer.dir(id);
      return OciDaemon.runForeground(id, bundle.toAbsolutePath().normalize());
    }
  }

  @Command(name = "spec", description = "Write a starter config.json (runs sh in ./rootfs).")
  static final class Spec extends Base {
    @Option(names = {"--bundle", "-b"}, defaultValue = ".", description = "Where to write config.json.")
    Path bundle;

    @Override
    int run() throws Exception {
      Path out = bundle.resolve("config.json");
      if (Files.exists(out)) {
        return OciGlobalOptions.error(out + " already exists");
      }
      Files.writeString(out, Signals.STARTER_SPEC);
      return 0;
    }
  }
}
