package dev.jvisor.shim;

import dev.jvisor.sentry.Sandbox;
import dev.jvisor.shim.proto.task.CreateTaskRequest;
import dev.jvisor.shim.task.TaskService;
import dev.jvisor.shim.task.Tasks;
import dev.jvisor.shim.ttrpc.TtrpcException;
import dev.jvisor.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The process behind one container of the OCI CLI ({@code jvisor create}): it is the container's "init" as the
 * runc shim sees it (the pid in --pid-file), holds the Sentry, serves the Task service on a private socket for
 * start/kill/exec/state, and exits with the init process's status when it ends, as runc's init would.
 */
public final class OciDaemon {
  /** The Task service wants a namespace; the OCI CLI has none. */
  public static final String NAMESPACE = "jvisor-oci";
  /** The container's stdio are this process's own fds 0-2, inherited from create (the runc shim's pipes). */
  static final String STDIN = Tasks.INHERITED_FD + 0;
  static final String STDOUT = Tasks.INHERITED_FD + 1;
  static final String STDERR = Tasks.INHERITED_FD + 2;

  private OciDaemon() {}

  /** {@code jvisor run}: create, start and wait in this process, stdio inherited; returns the exit status. */
  public static int runForeground(String id, Path bundle) throws InterruptedException {
    Tasks tasks = new Tasks(Sandbox::create, TaskService.NO_EVENTS, () -> { }, System.err);
    try {
      tasks.createForCli(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toAbsolutePath().toString())
          .setStdin(STDIN).setStdout(STDOUT).setStderr(STDERR).build());
      tasks.startForCli(id, "");
      return tasks.awaitInit(id);
    } catch (TtrpcException e) {
      System.err.println("jvisor: run " + id + ": " + e.getMessage());
      return 125;
    } finally {
      tasks.closeAll();
    }
  }

  /**
   * Creates the container, serves {@code socket}, returns the init's exit status once it ends. This process's
   * stderr is the container's, so logs go to {@code logFile} (runc's --log) or nowhere, never to stderr.
   */
  public static int run(String id, Path bundle, Path socket, Path logFile) throws IOException, InterruptedException {
    return run(id, bundle, socket, logFile, null);
  }

  /**
   * As above; with {@code console} (a host pty slave whose master went to --console-socket) the container's init
   * runs on a Sentry terminal bridged to it instead of on this process's stdio.
   */
  public static int run(String id, Path bundle, Path socket, Path logFile, String console)
      throws IOException, InterruptedException {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    java.io.PrintStream sentryLog = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    if (logFile != null) {
      ShimLogging.addFile(logFile.toString(), id, false);
      sentryLog = new java.io.PrintStream(new java.io.FileOutputStream(logFile.toFile(), true), true);
    }
    CountDownLatch unused = new CountDownLatch(1);
    Tasks tasks = new Tasks(Sandbox::create, TaskService.NO_EVENTS, unused::countDown, sentryLog);
    CreateTaskRequest.Builder create = CreateTaskRequest.newBuilder().setId(id)
        .setBundle(bundle.toAbsolutePath().toString());
    if (console != null) {
      create.setTerminal(true).setStdin(console).setStdout(console);
    } else {
      create.setStdin(STDIN).setStdout(STDOUT).setStderr(STDERR);
    }
    try {
      tasks.createForCli(create.build());
    } catch (TtrpcException e) {
      System.err.println("jvisor: create " + id + ": " + e.getMessage());
      return 1;
    }
    try (TtrpcServer server = new TtrpcServer(List.of(new TaskService(TaskService.NAME, tasks)))) {
      server.bind(socket);
      int status = tasks.awaitInit(id);
      tasks.closeAll();
      return status;
    }
  }
}
