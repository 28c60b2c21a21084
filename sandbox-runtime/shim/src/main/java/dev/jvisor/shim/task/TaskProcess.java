package dev.jvisor.shim.task;

import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.shim.oci.Spec;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One process of a container: the init process (execId "") or an exec. State changes happen under this object's
 * lock; {@link #awaitExit} lets any number of Wait calls block until it is STOPPED.
 */
final class TaskProcess {
  final String containerId;
  final String execId;
  final Spec.Process spec;
  final IoPaths io;
  private TaskState state = TaskState.CREATED;
  private int pid;
  private int exitStatus;
  private Instant exitedAt;
  private SandboxProcess process;
  private TerminalIo terminal;
  private final CountDownLatch exited = new CountDownLatch(1);

  TaskProcess(String containerId, String execId, Spec.Process spec, IoPaths io) {
    this.containerId = containerId;
    this.execId = execId;
    this.spec = spec;
    this.io = io;
  }

  boolean isInit() {
    return execId.isEmpty();
  }

  synchronized TaskState state() {
    return state;
  }

  synchronized int pid() {
    return pid;
  }

  synchronized int exitStatus() {
    return exitStatus;
  }

  synchronized Instant exitedAt() {
    return exitedAt;
  }

  synchronized SandboxProcess process() {
    return process;
  }

  /** The terminal pump of a terminal=true process once started, else null. */
  synchronized TerminalIo terminal() {
    return terminal;
  }

  synchronized void attachTerminal(TerminalIo t) {
    terminal = t;
  }

  private boolean startClaimed;

  /** The one caller that gets true may start the process; later Start calls are refused. */
  synchronized boolean claimStart() {
    if (startClaimed || state != TaskState.CREATED) {
      return false;
    }
    startClaimed = true;
    return true;
  }

  /** CREATED -> RUNNING; {@code p} is null for the pause container, which runs nothing. */
  synchronized void started(SandboxProcess p, int newPid) {
    if (state != TaskState.CREATED) {
      return;
    }
    process = p;
    pid = newPid;
    state = TaskState.RUNNING;
  }

  /** Records the end (first call wins) and wakes every waiter. Returns false if it had already ended. */
  synchronized boolean exited(int status) {
    if (state == TaskState.STOPPED) {
      return false;
    }
    state = TaskState.STOPPED;
    exitStatus = status;
    exitedAt = Instant.now();
    exited.countDown();
    return true;
  }

  /** True once STOPPED; false if {@code timeout} passed first. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return exited.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void awaitExit() throws InterruptedException {
    exited.await();
  }
}
