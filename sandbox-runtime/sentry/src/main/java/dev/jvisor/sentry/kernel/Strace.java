package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;

/** `--strace`: one line per syscall with decoded arguments and the result, like runsc's. */
final class Strace {
  private final Kernel kernel;
  private final SyscallTable table;
  private String pending;

  Strace(Kernel kernel, SyscallTable table) {
    this.kernel = kernel;
    this.table = table;
  }

  void enter(Task t, int nr, long... args) {
    SyscallTable.Entry e = table.entry(nr);
    String fmt = e == null ? "xxxxxx" : e.args();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("[%4d] %s(", t.tid(), table.name(nr)));
    for (int i = 0; i < fmt.length() && i < 6; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(decode(t, fmt.charAt(i), args[i]));
    }
    pending = sb.append(")").toString();
  }

  private static String decode(Task t, char kind, long v) {
    switch (kind) {
      case 's' -> {
        String s = t.mm().readCString(v, 256);
        return s == null ? String.format("0x%x", v) : '"' + s.replace("\n", "\\n") + '"';
      }
      case 'd', 'f' -> {
        return Integer.toString((int) v);
      }
      case 'o' -> {
        return "0" + Long.toOctalString(v);
      }
      default -> {
        return String.format("0x%x", v);
      }
    }
  }

  void exit(Task t, int nr, long result) {
    String r;
    if (result == Kernel.NO_RETURN) {
      r = "(new context)";
    } else if (result < 0 && result > -4096) {
      r = result + " " + Errno.name((int) -result);
    } else if (Math.abs(result) > 0xFFFF) {
      r = String.format("0x%x", result);
    } else {
      r = Long.toString(result);
    }
    kernel.config().log().println(pending + " = " + r);
  }
}
