package dev.jvisor.shim;

import com.google.protobuf.Timestamp;
import dev.jvisor.host.Errno;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.events.TtrpcEventPublisher;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.proto.task.DeleteRequest;
import dev.jvisor.shim.proto.task.DeleteResponse;
import dev.jvisor.shim.proto.task.KillRequest;
import dev.jvisor.shim.task.TaskService;
import dev.jvisor.shim.task.Tasks;
import dev.jvisor.shim.ttrpc.CallContext;
import dev.jvisor.shim.ttrpc.TtrpcClient;
import dev.jvisor.shim.ttrpc.TtrpcServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The three shim modes. {@code start} finds or spawns the pod's daemon and prints its address; {@code delete}
 * cleans up after a task whose daemon is gone; the daemon serves the Task service until Shutdown finds no container.
 */
public final class Shim {
  /** containerd waits for start's output; a daemon that is not listening by then has failed. */
  static final Duration DAEMON_READY_TIMEOUT = Duration.ofSeconds(20);
  /** delete must finish well inside containerd's 5 s. */
  static final Duration DELETE_CALL_TIMEOUT = Duration.ofSeconds(1);
  /** Lets the Shutdown answer reach containerd before the daemon exits. */
  static final Duration EXIT_GRACE = Duration.ofMillis(200);
  /** runc's delete reports a SIGKILLed process. */
  static final int DELETE_EXIT_STATUS = 128 + 9;
  static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Logger LOG = Logger.getLogger(Shim.class.getName());

  private Shim() {}

  /**
   * start: prints {@code unix://...} for the pod's daemon, spawning it first unless one already serves.
   *
   * @param self the command that re-enters this JVM's shim entry point (java, options, main class, "shim")
   */
  public static int start(ShimArgs a, List<String> self, PrintStream out, PrintStream err) {
    Path bundleDir = a.bundleDir();
    String group = a.id();
    try {
      group = Bundle.read(bundleDir).groupId(a.id());
    } catch (Bundle.BundleException e) {
      err.println("jvisor shim: " + e.getMessage() + "; grouping by task id");
    }
    Path socket = ShimSocket.forGroup(a.address(), a.namespace(), group);
    String address = ShimSocket.SCHEME + socket;
    try {
      if (!ShimSocket.serving(socket)) {
        Files.deleteIfExists(socket);
        spawnDaemon(a, self, bundleDir, socket);
      }
      Files.writeString(bundleDir.resolve("address"), address);
    } catch (IOException e) {
      err.println("jvisor shim: start failed: " + e.getMessage());
      return 1;
    }
    out.print(address);
    out.flush();
    return 0;
  }

  private static void spawnDaemon(ShimArgs a, List<String> self, Path bundleDir, Path socket) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      cmd.add(SETSID.toString()); // own session: containerd's signals to start's group must not reach the daemon
    }
    cmd.addAll(self);
    cmd.addAll(List.of("-namespace", a.namespace(), "-id", a.id(), "-address", a.address(),
        "-publish-binary", a.publishBinary(), "-socket", socket.toString()));
    if (a.debug()) {
      cmd.add("-debug");
    }
    cmd.add("daemon");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(bundleDir.toFile());
    // Not start's stdout/stderr: containerd reads those until every holder closes them.
    Path logFifo = bundleDir.resolve("log");
    pb.redirectError(LogFifo.hasReader(logFifo) ? ProcessBuilder.Redirect.appendTo(logFifo.toFile())
        : ProcessBuilder.Redirect.appendTo(new File(bundleDir.toFile(), "shim.log")));
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    // The daemon writes one byte once it listens; EOF instead means it died.
    CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = p.getInputStream()) {
        return in.read();
      } catch (IOException e) {
        return -1;
      }
    });
    try {
      ready.get(DAEMON_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      p.destroyForcibly();
      throw new IOException("the shim daemon did not listen within " + DAEMON_READY_TIMEOUT);
    } catch (InterruptedException | ExecutionException e) {
      p.destroyForcibly();
      throw new IOException("waiting for the shim daemon: " + e);
    }
    if (!p.isAlive() || !ShimSocket.serving(socket)) {
      throw new IOException("the shim daemon exited before serving " + socket
          + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")") + "; see " + bundleDir.resolve("log"));
    }
  }

  /**
   * delete: asks a still-running daemon (by {@code <bundle>/address}) to kill and delete the task, unmounts
   * {@code <bundle>/rootfs}, and writes a binary DeleteResponse. Idempotent; every step is bounded.
   */
  public static int delete(ShimArgs a, OutputStream out, PrintStream err) throws IOException {
    Path bundleDir = a.bundleDir();
    Path addressFile = bundleDir.resolve("address");
    int pid = 0;
    if (Files.isRegularFile(addressFile) && Files.size(addressFile) < 4096) {
      Path socket = ShimSocket.path(Files.readString(addressFile).trim());
      Map<String, String> md = Map.of(CallContext.NAMESPACE_KEY, a.namespace());
      try (TtrpcClient c = TtrpcClient.connect(socket)) {
        try {
          c.call(TaskService.NAME, "Kill", KillRequest.newBuilder().setId(a.id()).setSignal(9).setAll(true).build()
              .toByteArray(), md, DELETE_CALL_TIMEOUT);
        } catch (RuntimeException ignored) {
          // NotFound: nothing left to kill
        }
        pid = DeleteResponse.parseFrom(c.call(TaskService.NAME, "Delete", DeleteRequest.newBuilder()
            .setId(a.id()).build().toByteArray(), md, DELETE_CALL_TIMEOUT)).getPid();
      } catch (IOException | RuntimeException e) {
        err.println("jvisor shim: delete: daemon not reachable or task gone: " + e.getMessage());
      }
    }
    Path rootfs = bundleDir.resolve("rootfs");
    if (isMountPoint(rootfs)) {
      Process u = new ProcessBuilder("umount", "-l", "--", rootfs.toString()).redirectErrorStream(true).start();
      try {
        if (!u.waitFor(DELETE_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          u.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Instant now = Instant.now();
    DeleteResponse.newBuilder().setPid(pid).setExitStatus(DELETE_EXIT_STATUS)
        .setExitedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build().writeTo(out);
    out.flush();
    return 0;
  }

  static boolean isMountPoint(Path p) {
    try {
      String want = p.toAbsolutePath().normalize().toString();
      return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(l -> l.split(" ")).anyMatch(f -> f.length > 4 && f[4].equals(want));
    } catch (IOException e) {
      return false;
    }
  }

  /** The daemon: binds {@code -socket}, writes one byte to stdout to signal readiness, serves until Shutdown. */
  public static int daemon(ShimArgs a) throws IOException, InterruptedException {
    // First of all: the pod sandbox's Create comes the moment we listen, and its cold decode, config.json parse
    // and first event were ~60 ms of every pod's start; the second core does them meanwhile. JNA
    // (releaseStdout) and leaving the bundle (chdir) wait for that Create to be answered, like the rest of the
    // warm-up.
    AtomicReference<Tasks> serving = new AtomicReference<>();
    WarmUp.inBackground(() -> serving.get() != null && serving.get().containerCount() > 0, Shim::leaveStartBehind);
    ShimLogging.configure(a.debug());
    Path socket = Path.of(a.socket());
    String ttrpc = System.getenv("TTRPC_ADDRESS");
    if ((ttrpc == null || ttrpc.isEmpty()) && !a.address().isEmpty()) {
      ttrpc = a.address() + ".ttrpc";
    }
    EventPublisher events = ClassDataTraining.watch(ttrpc == null || ttrpc.isEmpty() ? TaskService.NO_EVENTS
        : new TtrpcEventPublisher(ShimSocket.path(ttrpc), a.namespace()));
    CountDownLatch done = new CountDownLatch(1);
    Tasks tasks = new Tasks(Sandbox::create, events, done::countDown, System.err);
    serving.set(tasks);
    tasks.onConfigured(c -> ShimLogging.addFile(c.logPath(), a.id(), a.debug() || c.debug()));
    TtrpcServer server = new TtrpcServer(List.of(new TaskService(TaskService.NAME, tasks),
        new TaskService(TaskService.NAME_V3, tasks)));
    server.bind(socket);
    // SIGTERM (containerd giving up on us): release sandboxes and mounts, and leave no socket behind.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      tasks.closeAll();
      server.close();
    }, "shim-shutdown"));
    // Ready: one byte on stdout ends start's wait. The rest (the log line, JNA for releaseStdout) comes after,
    // off the pod's start path.
    System.out.write('\n');
    System.out.flush();
    LOG.info("jvisor shim " + a.id() + " serving " + socket + " for namespace " + a.namespace() + ", pid "
        + ProcessHandle.current().pid());
    done.await();
    Thread.sleep(EXIT_GRACE.toMillis());
    try {
      tasks.closeAll();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing tasks", e);
    }
    server.close();
    events.close();
    LOG.info("jvisor shim " + a.id() + " exits");
    return 0;
  }

  /** What start's environment leaves the daemon holding: the readiness pipe on fd 1 and the bundle as cwd. */
  private static void leaveStartBehind() {
    releaseStdout();
    // containerd starts us in the first container's bundle and removes it when that container goes; a process
    // whose cwd is gone cannot start a JVM (the AOT cache assembler at exit is one) and confuses tools it runs.
    if (LibC.chdir("/") != 0) {
      LOG.warning("chdir /: " + Errno.name(LibC.errno()));
    }
  }

  /**
   * Lets go of start's readiness pipe: /dev/null takes fd 1's place. Not a plain close, because a closed fd 1 is
   * handed to the next open (a guest's file, a socket); and not the pipe left as it is, because once start has
   * gone the JVM's own prints to fd 1 (the AOT cache assembler's at exit) would meet a pipe without a reader.
   */
  private static void releaseStdout() {
    System.out.flush();
    int devNull = LibC.open("/dev/null", LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
    if (devNull != 1 && (devNull < 0 || LibC.dup3(devNull, 1, 0) < 0)) {
      System.out.close(); // fd 1 may be reused then, but no writer meets a broken pipe
    }
    if (devNull > 1) {
      LibC.close(devNull);
    }
  }

  /** Test helper text for logs: what a command line looked like. */
  static String describe(List<String> cmd) {
    return String.join(" ", cmd).getBytes(StandardCharsets.UTF_8).length > 400 ? cmd.get(0) + " ..."
        : String.join(" ", cmd);
  }
}
