package dev.jvisor.shim.task;

import static dev.jvisor.shim.task.TaskService.timestamp;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import dev.jvisor.sentry.Terminal;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.oci.Bundle.BundleException;
import dev.jvisor.shim.oci.Rlimits;
import dev.jvisor.shim.oci.Spec;
import dev.jvisor.shim.proto.events.TaskExit;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.time.Duration;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Running processes in a container's sandbox: opening their stdio, starting them, a waiter thread per process,
 * signals, and the exit bookkeeping (with its TaskExit event) that Wait and Delete depend on.
 */
final class Processes {
  /** Signals after which a process that runs nothing (pause, never started) counts as ended. */
  static final Set<Integer> TERMINATING = Set.of(1, 2, 3, 9, 15);
  static final int SIGKILL = 9;
  static final String INHERITED_FD = "fd:";
  /** How long an ended terminal process's last output may take to reach its fifo before the exit is reported. */
  static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);
  private static final Logger LOG = Logger.getLogger(Processes.class.getName());

  private final EventPublisher events;
  /** Only the OCI CLI's own daemon may name its inherited fds ("fd:N"); over ttrpc that would leak the shim's fds. */
  private volatile boolean inheritedStdio;

  Processes(EventPublisher events) {
    this.events = events;
  }

  void allowInheritedStdio() {
    inheritedStdio = true;
  }

  /**
   * Starts {@code p}; {@code started} runs once it runs and before its exit can be reported (it publishes
   * TaskStart/TaskExecStarted: containerd must get those before the process's TaskExit, however quickly it ends).
   */
  void launch(Container c, TaskProcess p, Runnable started) {
    if (p.io.terminal()) {
      launchOnTerminal(c, p, started);
      return;
    }
    int in = -1;
    int out = -1;
    int err = -1;
    SandboxProcess sp;
    try {
      in = openStdio(p.io.stdin(), true);
      out = openStdio(p.io.stdout(), false);
      err = openStdio(p.io.stderr(), false);
      sp = c.sandbox.start(processSpec(p.spec), new Stdio(in, out, err), c.root);
    } catch (SandboxException e) {
      ended(c, p, e.exitCode());
      throw TtrpcException.precondition("cannot start " + describe(p) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      ended(c, p, 128);
      throw e;
    } finally {
      // The Sentry holds its own duplicates; ours must go so the reader sees EOF when the process exits.
      Fifos.close(in, out, err);
    }
    p.started(sp, sp.pid());
    started.run();
    startWaiter(c, p, sp, null);
  }

  /**
   * terminal=true: the process gets a Sentry pseudo-terminal (of process.consoleSize, else 0x0 as runc's until the
   * first ResizePty) and leads a session on it; the shim copies the fifos to and from it.
   */
  private void launchOnTerminal(Container c, TaskProcess p, Runnable started) {
    Spec.ConsoleSize size = p.spec.consoleSize;
    Terminal term = null;
    int in = -1;
    int out = -1;
    SandboxProcess sp;
    try {
      term = c.sandbox.openTerminal(size == null ? 0 : size.width, size == null ? 0 : size.height);
      in = openStdio(p.io.stdin(), true);
      out = openStdio(p.io.stdout(), false);
      sp = c.sandbox.start(processSpec(p.spec), Stdio.withTerminal(term), c.root);
    } catch (SandboxException e) {
      Fifos.close(in, out);
      if (term != null) {
        term.close();
      }
      ended(c, p, e.exitCode());
      throw TtrpcException.precondition("cannot start " + describe(p) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      Fifos.close(in, out);
      if (term != null) {
        term.close();
      }
      ended(c, p, 128);
      throw e;
    }
    TerminalIo io = new TerminalIo(term, in, out, c.id + (p.isInit() ? "" : "-" + p.execId));
    p.attachTerminal(io);
    p.started(sp, sp.pid());
    started.run();
    startWaiter(c, p, sp, io);
  }

  private void startWaiter(Container c, TaskProcess p, SandboxProcess sp, TerminalIo tty) {
    Thread waiter = new Thread(() -> {
      try {
        int status = sp.waitFor();
        if (tty != null) {
          tty.finish(OUTPUT_DRAIN);
        }
        ended(c, p, status);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "waiting for " + describe(p) + " failed", e);
        ended(c, p, 128 + SIGKILL);
      }
    }, "wait-" + c.id + (p.isInit() ? "" : "-" + p.execId));
    waiter.setDaemon(true);
    waiter.start();
  }

  static ProcessSpec processSpec(Spec.Process s) {
    int uid = s.user == null ? 0 : (int) s.user.uid;
    int gid = s.user == null ? 0 : (int) s.user.gid;
    try {
      return new ProcessSpec(s.args, s.env, s.cwd, uid, gid, Rlimits.of(s));
    } catch (BundleException e) {
      throw TtrpcException.invalid(e.getMessage()); // validated at Create/Exec already
    }
  }

  /** A process ended: record it, tell containerd, and when init ends take its execs down with it. */
  void ended(Container c, TaskProcess p, int status) {
    // Under the process's lock: whoever sees STOPPED (Wait, Delete) sees it after TaskExit was queued, so
    // containerd always gets exit before delete.
    synchronized (p) {
      if (!p.exited(status)) {
        return;
      }
      events.publish(EventPublisher.TASK_EXIT, TaskExit.newBuilder().setContainerId(c.id)
          .setId(p.isInit() ? c.id : p.execId).setPid(p.pid()).setExitStatus(status)
          .setExitedAt(timestamp(p.exitedAt())).build());
    }
    LOG.info(describe(p) + " exited with " + status);
    if (p.isInit()) {
      for (TaskProcess e : c.execs()) {
        if (e.state() == TaskState.RUNNING && e.process() != null) {
          e.process().signal(SIGKILL);
        } else if (e.state() == TaskState.CREATED) {
          ended(c, e, 128 + SIGKILL);
        }
      }
    }
  }

  void signal(Container c, TaskProcess p, int sig) {
    SandboxProcess sp = p.process();
    switch (p.state()) {
      case STOPPED -> throw TtrpcException.notFound("process " + describe(p) + " has already finished");
      case CREATED -> {
        if (TERMINATING.contains(sig)) {
          ended(c, p, 128 + sig);
        }
      }
      case RUNNING -> {
        if (sp != null) {
          sp.signal(sig);
        } else if (TERMINATING.contains(sig)) {
          ended(c, p, 128 + sig);
        }
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  private int openStdio(String path, boolean input) {
    if (inheritedStdio && path.startsWith(INHERITED_FD)) {
      try {
        return Fifos.inherited(Integer.parseInt(path.substring(INHERITED_FD.length())));
      } catch (NumberFormatException e) {
        throw TtrpcException.invalid("bad inherited fd " + path);
      }
    }
    return input ? Fifos.openStdin(path) : Fifos.openOutput(path);
  }

  static String describe(TaskProcess p) {
    return p.isInit() ? p.containerId : p.containerId + "/" + p.execId;
  }
}
