package dev.jvisor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.shim.TaskClient;
import dev.jvisor.shim.ttrpc.Code;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jvisor exec} and the waiter process that stands for a detached exec (runc's shim waits on its pid). */
final class OciExecCommands {
  /** How long a detached exec's waiter tolerates "not added yet" from the daemon. */
  static final Duration EXEC_ATTACH_TIMEOUT = Duration.ofSeconds(10);

  private OciExecCommands() {}

  @Command(name = "exec", description = "Run a process in a running container.")
  static final class Exec extends OciCommands.Base {
    @Option(names = {"--process", "-p"}, description = "OCI process JSON (else CMD and --env/--cwd).")
    Path process;

    @Option(names = {"--detach", "-d"}, description = "Do not wait; --pid-file names a process that ends with it.")
    boolean detach;

    @Option(names = "--pid-file", description = "Write the pid of the process standing for the exec.")
    Path pidFile;

    @Option(names = {"--tty", "-t"}, description = "Terminal (needs --console-socket, as runc's shim gives).")
    boolean tty;

    @Option(names = "--console-socket", description = "Unix socket to send the terminal's pty master to (runc's).")
    String consoleSocket;

    @Option(names = "--cwd", defaultValue = "/", description = "Working directory.")
    String cwd;

    @Option(names = {"--env", "-e"}, description = "Environment K=V (repeatable).")
    List<String> env = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "CMD")
    List<String> cmd = new ArrayList<>();

    @Override
    int run() throws Exception {
      if (tty && consoleSocket == null) {
        return OciGlobalOptions.error("--tty needs --console-socket (a terminal for this command's own stdio is "
            + "not supported)");
      }
      byte[] json;
      if (process != null) {
        json = Files.readAllBytes(process);
      } else if (!cmd.isEmpty()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("args", cmd);
        List<String> e = new ArrayList<>(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        e.addAll(env);
        p.put("env", e);
        p.put("cwd", cwd);
        json = new ObjectMapper().writeValueAsBytes(p);
      } else {
        return OciGlobalOptions.error("exec needs --process or a command");
      }
      OciContainer c = OciContainer.require(id);
      String execId = "exec-" + UUID.randomUUID().toString().substring(0, 12);
      String console = consoleSocket == null ? null : Console.handOver(consoleSocket);
      if (!detach) {
        long self = ProcessHandle.current().pid();
        try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
          if (console != null) {
            t.execOnTerminal(id, execId, json, console);
          } else {
            t.exec(id, execId, json, fd(self, 0), fd(self, 1), fd(self, 2));
          }
          t.start(id, execId);
          OciCommands.writePidFile(pidFile, self);
          int status = t.await(id, execId).getExitStatus();
          t.delete(id, execId);
          return status;
        }
      }
      // Detached: a small waiter process holds the stdio and ends with the exec's status (runc's shim reaps it).
      List<String> w = new ArrayList<>(ShimCommand.selfCommand());
      w.remove(w.size() - 1);
      w.addAll(List.of("oci-exec-wait", "--socket", c.socket(), "--parent",
          Long.toString(ProcessHandle.current().pid()), id, execId));
      ProcessBuilder wb = new ProcessBuilder(w).inheritIO();
      if (console != null) {
        // As for create: go-runc waits for exec's stdout to close; with a terminal the waiter needs no stdio.
        wb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
      }
      Process waiter = wb.start();
      try (TaskClient t = TaskClient.connect(Path.of(c.socket()))) {
        if (console != null) {
          t.execOnTerminal(id, execId, json, console);
        } else {
          t.exec(id, execId, json, fd(waiter.pid(), 0), fd(waiter.pid(), 1), fd(waiter.pid(), 2));
        }
        t.start(id, execId);
      } catch (IOException | TtrpcException e) {
        waiter.destroyForcibly();
        throw e;
      }
      OciCommands.writePidFile(pidFile, waiter.pid());
      return 0;
    }

    static String fd(long pid, int n) {
      return "/proc/" + pid + "/fd/" + n;
    }
  }

  /** Internal: stands for a detached exec; exits with its status. */
  /**
   * runc's shim learns this process's pid from --pid-file only after {@code exec} returns; containerd 1.6.20's
   * shim loses the exit of a pid that ended before it knew it (fixed upstream later), and ctr then waits forever.
   * So a quick exec's waiter stays until the exec command is gone, plus a moment for the shim to read the file.
   */
  static final Duration PID_FILE_GRACE = Duration.ofMillis(300);

  @Command(name = "oci-exec-wait", hidden = true)
  static final class ExecWait implements Callable<Integer> {
    @Option(names = "--socket", required = true)
    Path socket;

    @Option(names = "--parent", description = "The exec command's pid: outlive it (see below).")
    long parent;

    @Parameters(index = "0")
    String id;

    @Parameters(index = "1")
    String execId;

    @Override
    public Integer call() throws Exception {
      Instant end = Instant.now().plus(EXEC_ATTACH_TIMEOUT);
      try (TaskClient t = TaskClient.connect(socket)) {
        while (true) {
          try {
            int status = t.await(id, execId).getExitStatus();
            outliveTheExecCommand();
            return status;
          } catch (TtrpcException e) {
            if (e.code() != Code.NOT_FOUND || Instant.now().isAfter(end)) {
              System.err.println("jvisor: exec " + execId + ": " + e.getMessage());
              return 255;
            }
            Thread.sleep(20); // the exec is not added yet
          }
        }
      }
    }

    private void outliveTheExecCommand() throws InterruptedException {
      if (parent > 0) {
        ProcessHandle.of(parent).ifPresent(ph -> {
          try {
            ph.onExit().get(EXEC_ATTACH_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            // gone or stuck: either way, waiting longer helps no one
          }
        });
      }
      Thread.sleep(PID_FILE_GRACE.toMillis());
    }
  }
}
