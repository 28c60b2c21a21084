package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.fs.proc.ProcView;
import java.util.List;
import java.util.Map;

/** A live thread group seen through /proc. */
final class ProcessInfo implements ProcView.Process {
  private final Kernel kernel;
  private final ThreadGroup tg;
  private final Task leader;

  ProcessInfo(Kernel kernel, ThreadGroup tg) {
    this.kernel = kernel;
    this.tg = tg;
    this.leader = tg.tasks.get(0);
  }

  @Override
  public int pid() {
    return tg.pid;
  }

  @Override
  public int ppid() {
    return tg.ppid;
  }

  @Override
  public int pgid() {
    return tg.pgid;
  }

  @Override
  public int sid() {
    return tg.sid;
  }

  @Override
  public String comm() {
    return leader.comm();
  }

  @Override
  public String exe() {
    return tg.exe;
  }

  @Override
  public String cwd() {
    return leader.cwd();
  }

  @Override
  public List<String> cmdline() {
    return tg.argv;
  }

  @Override
  public List<String> environ() {
    return tg.envp;
  }

  @Override
  public String maps() {
    return Kernel.maps(leader.mm().vmas());
  }

  @Override
  public Map<Integer, String> fds() {
    return Kernel.fdLinks(leader.fds());
  }

  @Override
  public char state() {
    return leader == Task.current() ? 'R' : 'S';
  }

  @Override
  public int threads() {
    return tg.tasks.size();
  }

  @Override
  public List<Integer> tids() {
    return tg.tasks.stream().map(Task::tid).toList();
  }

  @Override
  public long vsizeBytes() {
    long s = 0;
    for (var v : leader.mm().vmas()) {
      s += v.end() - v.start();
    }
    return s;
  }

  @Override
  public long rssPages() {
    return leader.mm().residentPages();
  }

  @Override
  public long startTimeTicks() {
    return (tg.startNanos - kernel.bootNanosForProc()) / 10_000_000L;
  }

  @Override
  public long utimeTicks() {
    return leader.hostCpuNanos() / 10_000_000L;
  }

  @Override
  public long stimeTicks() {
    return 0;
  }

  @Override
  public long[] signalMasks() {
    long ignored = 0;
    long caught = 0;
    long[][] acts = leader.sigactions();
    for (int sig = 1; sig < acts.length && sig <= 64; sig++) {
      if (acts[sig][0] == Signals.SIG_IGN) {
        ignored |= 1L << (sig - 1);
      } else if (acts[sig][0] != Signals.SIG_DFL) {
        caught |= 1L << (sig - 1);
      }
    }
    return new long[] {leader.pendingMask(), leader.sigmask(), ignored, caught};
  }

  @Override
  public int uid() {
    return tg.creds.uids()[0];
  }

  @Override
  public int gid() {
    return tg.creds.gids()[0];
  }

  @Override
  public String limits() {
    StringBuilder sb = new StringBuilder(String.format("%-25s %-20s %-20s %-10s%n", "Limit", "Soft Limit",
        "Hard Limit", "Units"));
    for (int i = 0; i < ThreadGroup.RLIM_NLIMITS; i++) {
      long[] l = tg.rlimit(i);
      sb.append(String.format("%-25s %-20s %-20s %-10s%n", ThreadGroup.RLIMIT_NAMES[i], lim(l[0]), lim(l[1]),
          i == ThreadGroup.RLIMIT_CPU ? "seconds" : i == ThreadGroup.RLIMIT_NOFILE ? "files" : "bytes"));
    }
    return sb.toString();
  }

  private static String lim(long v) {
    return v == ThreadGroup.RLIM_INFINITY ? "unlimited" : Long.toString(v);
  }
}
