package dev.jvisor.cli;

import java.util.Locale;
import java.util.Map;

/** Linux signal names and numbers as {@code kill} accepts them (TERM, SIGTERM, 15), and the starter spec. */
final class Signals {
  static final Map<String, Integer> BY_NAME = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
      Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7),
      Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
      Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
      Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
      Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
      Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28),
      Map.entry("IO", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

  /** What {@code jvisor spec} writes: like runc's, minus the terminal jvisor cannot give yet. */
  static final String STARTER_SPEC = """
      {
        "ociVersion": "1.0.2",
        "process": {
          "terminal": false,
          "user": {"uid": 0, "gid": 0},
          "args": ["sh"],
          "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
          "cwd": "/"
        },
        "root": {"path": "rootfs", "readonly": false},
        "hostname": "jvisor",
        "mounts": [
          {"destination": "/proc", "type": "proc", "source": "proc"},
          {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755"]}
        ],
        "linux": {
          "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
        }
      }
      """;

  private Signals() {}

  static int parse(String s) {
    String t = s.toUpperCase(Locale.ROOT);
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    Integer byName = BY_NAME.get(t);
    if (byName != null) {
      return byName;
    }
    try {
      int n = Integer.parseInt(t);
      if (n >= 1 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error
    }
    throw new IllegalArgumentException("unknown signal '" + s + "'");
  }
}
