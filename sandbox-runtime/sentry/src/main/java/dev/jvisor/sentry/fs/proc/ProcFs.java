package dev.jvisor.sentry.fs.proc;

import dev.jvisor.sentry.vfs.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** /proc for one sandbox. Process directories list the sandbox's own PIDs only. */
public final class ProcFs {
  private ProcFs() {}

  public static Node create(ProcView view) {
    return new Synthetic.Dir(1, () -> {
      Map<String, Supplier<Node>> m = new LinkedHashMap<>();
      for (int pid : view.pids()) {
        m.put(Integer.toString(pid), () -> processDir(view, pid));
      }
      m.put("self", () -> new Synthetic.Link(2, () -> Integer.toString(view.currentPid())));
      m.put("thread-self", () -> new Synthetic.Link(3, () -> view.currentPid() + "/task/" + view.currentPid()));
      m.put("cpuinfo", () -> new Synthetic.File(4, ProcFs::cpuinfo));
      m.put("meminfo", () -> new Synthetic.File(5, () -> meminfo(view)));
      m.put("version", () -> new Synthetic.File(6, () -> "Linux version " + view.kernelRelease()
          + " #1 SMP Sun Jan 10 15:06:54 PST 2016\n"));
      m.put("uptime", () -> new Synthetic.File(7, () -> String.format("%.2f %.2f%n", view.uptimeSeconds(),
          view.uptimeSeconds())));
      m.put("loadavg", () -> new Synthetic.File(8, () -> "0.00 0.00 0.00 1/" + view.pids().size() + " "
          + view.pids().stream().mapToInt(Integer::intValue).max().orElse(1) + "\n"));
      m.put("stat", () -> new Synthetic.File(9, () -> stat(view)));
      m.put("filesystems", () -> new Synthetic.File(10, () -> "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n"
          + "nodev\tdevtmpfs\nnodev\tdevpts\n\text4\n"));
      m.put("mounts", () -> new Synthetic.File(11, ProcFs::mounts));
      m.put("sys", () -> sys(view));
      return m;
    });
  }

  private static String mounts() {
    return "none / rootfs rw 0 0\nnone /proc proc rw,nosuid,nodev,noexec 0 0\nnone /dev tmpfs rw,nosuid 0 0\n";
  }

  private static Node sys(ProcView view) {
    return new Synthetic.Dir(20, () -> {
      Map<String, Supplier<Node>> m = new LinkedHashMap<>();
      m.put("kernel", () -> new Synthetic.Dir(21, () -> {
        Map<String, Supplier<Node>> k = new LinkedHashMap<>();
        k.put("hostname", () -> new Synthetic.File(22, () -> view.hostname() + "\n"));
        k.put("osrelease", () -> new Synthetic.File(23, () -> view.kernelRelease() + "\n"));
        k.put("ostype", () -> new Synthetic.File(24, () -> "Linux\n"));
        k.put("pid_max", () -> new Synthetic.File(25, () -> "32768\n"));
        k.put("ngroups_max", () -> new Synthetic.File(26, () -> "65536\n"));
        return k;
      }));
      return m;
    });
  }

  private static String cpuinfo() {
    // Host CPU model and flags: programs (and CPUID in ring 3 on PVM) see the real CPU anyway.
    try {
      return Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: jvisor vCPU\n\n";
    }
  }

  private static String meminfo(ProcView view) {
    long totalKb = view.memTotalBytes() / 1024;
    long freeKb = Math.max(0, totalKb - view.memUsedBytes() / 1024);
    return String.format("MemTotal:       %8d kB%nMemFree:        %8d kB%nMemAvailable:   %8d kB%n"
        + "Buffers:               0 kB%nCached:                0 kB%nSwapCached:            0 kB%n"
        + "SwapTotal:             0 kB%nSwapFree:              0 kB%nShmem:                 0 kB%n",
        totalKb, freeKb, freeKb);
  }

  private static String stat(ProcView view) {
    long ticks = (long) (view.uptimeSeconds() * 100);
    int n = Runtime.getRuntime().availableProcessors();
    StringBuilder sb = new StringBuilder("cpu  0 0 0 " + ticks * n + " 0 0 0 0 0 0\n");
    for (int i = 0; i < n; i++) {
      sb.append("cpu").append(i).append(" 0 0 0 ").append(ticks).append(" 0 0 0 0 0 0\n");
    }
    sb.append("intr 0\nctxt 0\nbtime ").append(System.currentTimeMillis() / 1000 - (long) view.uptimeSeconds())
        .append("\nprocesses ").append(view.pids().size()).append("\nprocs_running 1\nprocs_blocked 0\n");
    return sb.toString();
  }

  private static Node processDir(ProcView view, int pid) {
    ProcView.Process p = view.process(pid);
    if (p == null) {
      return null;
    }
    long base = 100_000L + pid * 100L;
    return new Synthetic.Dir(base, () -> {
      Map<String, Supplier<Node>> m = new LinkedHashMap<>();
      m.put("exe", () -> new Synthetic.Link(base + 1, p::exe));
      m.put("cwd", () -> new Synthetic.Link(base + 2, p::cwd));
      m.put("root", () -> new Synthetic.Link(base + 3, () -> "/"));
      m.put("cmdline", () -> new Synthetic.File(base + 4, 0444, () -> nulJoined(p.cmdline())));
      m.put("environ", () -> new Synthetic.File(base + 5, 0400, () -> nulJoined(p.environ())));
      m.put("comm", () -> new Synthetic.File(base + 6, () -> p.comm() + "\n"));
      m.put("maps", () -> new Synthetic.File(base + 7, p::maps));
      m.put("stat", () -> new Synthetic.File(base + 8, () -> statLine(p)));
      m.put("status", () -> new Synthetic.File(base + 9, () -> status(p)));
      m.put("limits", () -> new Synthetic.File(base + 10, p::limits));
      m.put("mounts", () -> new Synthetic.File(base + 11, ProcFs::mounts));
      m.put("statm", () -> new Synthetic.File(base + 12, () -> p.vsizeBytes() / 4096 + " " + p.rssPages()
          + " 0 0 0 0 0\n"));
      m.put("fd", () -> new Synthetic.Dir(base + 13, () -> {
        Map<String, Supplier<Node>> fds = new LinkedHashMap<>();
        for (var e : p.fds().entrySet()) {
          fds.put(Integer.toString(e.getKey()), () -> new Synthetic.Link(base + 50, e::getValue));
        }
        return fds;
      }));
      m.put("fdinfo", () -> new Synthetic.Dir(base + 14, () -> {
        Map<String, Supplier<Node>> fds = new LinkedHashMap<>();
        for (var e : p.fds().entrySet()) {
          fds.put(Integer.toString(e.getKey()), () -> new Synthetic.File(base + 51, () -> "pos:\t0\nflags:\t02\n"));
        }
        return fds;
      }));
      m.put("task", () -> new Synthetic.Dir(base + 15, () -> {
        Map<String, Supplier<Node>> tasks = new LinkedHashMap<>();
        for (int tid : p.tids()) {
          tasks.put(Integer.toString(tid), () -> processDir(view, pid));
        }
        return tasks;
      }));
      return m;
    });
  }

  private static byte[] nulJoined(java.util.List<String> parts) {
    StringBuilder sb = new StringBuilder();
    for (String s : parts) {
      sb.append(s).append('\0');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String statLine(ProcView.Process p) {
    return p.pid() + " (" + p.comm() + ") " + p.state() + " " + p.ppid() + " " + p.pgid() + " " + p.sid()
        + " 0 -1 4194304 0 0 0 0 " + p.utimeTicks() + " " + p.stimeTicks() + " 0 0 20 0 " + p.threads()
        + " 0 " + p.startTimeTicks() + " " + p.vsizeBytes() + " " + p.rssPages()
        + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
  }

  private static String hex16(long v) {
    return String.format("%016x", v);
  }

  private static String status(ProcView.Process p) {
    long[] sig = p.signalMasks();
    String state = switch (p.state()) {
      case 'R' -> "R (running)";
      case 'T' -> "T (stopped)";
      case 'Z' -> "Z (zombie)";
      default -> "S (sleeping)";
    };
    return "Name:\t" + p.comm() + "\nUmask:\t0022\nState:\t" + state + "\nTgid:\t" + p.pid() + "\nNgid:\t0\nPid:\t"
        + p.pid() + "\nPPid:\t" + p.ppid() + "\nTracerPid:\t0\nUid:\t" + p.uid() + "\t" + p.uid() + "\t" + p.uid()
        + "\t" + p.uid() + "\nGid:\t" + p.gid() + "\t" + p.gid() + "\t" + p.gid() + "\t" + p.gid()
        + "\nFDSize:\t64\nGroups:\t\nVmSize:\t" + p.vsizeBytes() / 1024 + " kB\nVmRSS:\t" + p.rssPages() * 4
        + " kB\nThreads:\t" + p.threads() + "\nSigQ:\t0/127863\nSigPnd:\t" + hex16(sig[0])
        + "\nShdPnd:\t0000000000000000\nSigBlk:\t" + hex16(sig[1]) + "\nSigIgn:\t" + hex16(sig[2])
        + "\nSigCgt:\t" + hex16(sig[3]) + "\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
        + "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nSeccomp:\t0\n"
        + "Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\nvoluntary_ctxt_switches:\t0\n"
        + "nonvoluntary_ctxt_switches:\t0\n";
  }
}
