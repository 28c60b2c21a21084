package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.fs.tty.JobControl;

/** The kernel's answers to a terminal: the calling process (the current task's) and process-group signals. */
final class TtyJobControl implements JobControl {
  private final Kernel kernel;

  TtyJobControl(Kernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public Caller caller() {
    Task t = Task.current();
    if (t == null) {
      return null;
    }
    ThreadGroup tg = t.threadGroup();
    return new Caller(tg.pid, tg.pgid, tg.sid);
  }

  @Override
  public boolean processGroupInSession(int pgid, int sid) {
    return kernel.processGroup(pgid).stream().anyMatch(tg -> tg.sid == sid);
  }

  @Override
  public void signalProcessGroup(int pgid, int sig) {
    for (ThreadGroup tg : kernel.processGroup(pgid)) {
      kernel.signalThreadGroup(tg, sig, 0);
    }
  }
}
