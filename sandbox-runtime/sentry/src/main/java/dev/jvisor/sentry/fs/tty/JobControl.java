package dev.jvisor.sentry.fs.tty;

/**
 * What a terminal needs from the process side of the kernel (which sits above the filesystems): who is calling,
 * whether a process group exists in a session, and a way to signal a whole process group.
 */
public interface JobControl {
  /** The calling process's identity. */
  record Caller(int pid, int pgid, int sid) {}

  /** The guest process making the current call, or null when a host thread calls. */
  Caller caller();

  /** True if a live process group {@code pgid} exists and belongs to session {@code sid}. */
  boolean processGroupInSession(int pgid, int sid);

  /** Sends {@code sig} to every process of group {@code pgid} (nothing if it is gone). */
  void signalProcessGroup(int pgid, int sig);
}
