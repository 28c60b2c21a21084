package dev.jvisor.sentry.kernel;

/** Linux signal numbers (x86-64) and default dispositions. */
public final class Signals {
  private Signals() {}

  public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
      SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
      SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
      SIGWINCH = 28, SIGSYS = 31;
  public static final int NSIG = 64;
  public static final long SIG_DFL = 0, SIG_IGN = 1;

  /** True if the default action of {@code sig} is to ignore it. */
  public static boolean ignoredByDefault(int sig) {
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
  }

  /** True if the default action of {@code sig} is to stop the process (job control). */
  public static boolean stopsByDefault(int sig) {
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
  }

  public static boolean valid(int sig) {
    return sig >= 1 && sig <= NSIG;
  }
}
