package dev.jvisor.sentry.fs.proc;

import java.util.List;
import java.util.Map;

/** What /proc may know about the sandbox; implemented by the kernel. */
public interface ProcView {
  /** PID of the calling task's thread group (what /proc/self names). */
  int currentPid();

  List<Integer> pids();

  /** A process, or null if it is gone. */
  Process process(int pid);

  String kernelRelease();

  String hostname();

  double uptimeSeconds();

  long memTotalBytes();

  long memUsedBytes();

  /** One process as /proc/[pid] shows it. */
  interface Process {
    int pid();

    int ppid();

    int pgid();

    int sid();

    String comm();

    String exe();

    String cwd();

    List<String> cmdline();

    List<String> environ();

    /** /proc/[pid]/maps text. */
    String maps();

    /** fd number -> link target. */
    Map<Integer, String> fds();

    /** R, S, T or Z. */
    char state();

    /** Signal masks of /proc/[pid]/status: pending, blocked, ignored, caught (bit n-1 for signal n). */
    default long[] signalMasks() {
      return new long[4];
    }

    int threads();

    List<Integer> tids();

    long vsizeBytes();

    long rssPages();

    long startTimeTicks();

    long utimeTicks();

    long stimeTicks();

    int uid();

    int gid();

    /** Soft/hard limits by name, for /proc/[pid]/limits. */
    String limits();
  }
}
