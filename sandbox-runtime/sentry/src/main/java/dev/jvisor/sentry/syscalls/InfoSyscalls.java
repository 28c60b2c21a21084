package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** System information: uname, sysinfo, syslog (the boot log), getrandom, scheduling queries. */
final class InfoSyscalls {
  private static final int SYSLOG_ACTION_READ = 2, SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_READ_CLEAR = 4,
      SYSLOG_ACTION_SIZE_UNREAD = 9, SYSLOG_ACTION_SIZE_BUFFER = 10;
  private static final int UTS_LEN = 65;
  private static final int MAX_RANDOM = 32 << 20;

  private InfoSyscalls() {}

  static void register(SyscallTable t) {
    t.full("uname", "p", (k, buf, a, b, c, d, e) -> {
      byte[] uts = new byte[6 * UTS_LEN];
      String[] fields = {"Linux", k.kernel().hostname(), k.kernel().kernelRelease(),
          "#1 SMP Sun Jan 10 15:06:54 PST 2016", "x86_64", "(none)"};
      for (int i = 0; i < fields.length; i++) {
        byte[] f = fields[i].getBytes(StandardCharsets.UTF_8);
        System.arraycopy(f, 0, uts, i * UTS_LEN, Math.min(f.length, UTS_LEN - 1));
      }
      Args.write(k, buf, uts);
      return 0;
    });
    t.partial("sethostname", "sd", "Changes the sandbox's own hostname.", (k, name, len, a, b, c, d) -> {
      if (len < 0 || len > 64) {
        throw new ErrnoException(Errno.EINVAL);
      }
      byte[] b2 = new byte[(int) len];
      if (k.mm().copyIn(name, b2, 0, b2.length) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
      k.kernel().setHostname(new String(b2, StandardCharsets.UTF_8));
      return 0;
    });
    t.partial("syslog", "dpd", "Reads the sandbox's kernel log (jvisor's boot lines, then OOM kills); clearing and "
        + "console controls are accepted.",
        InfoSyscalls::syslog);
    t.partial("sysinfo", "p", "Memory figures are the sandbox's guest memory.", (k, buf, a, b, c, d, e) -> {
      ByteBuffer s = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
      long total = k.kernel().memTotalBytes();
      s.putLong(0, (long) k.kernel().uptimeSeconds()).putLong(32, total)
          .putLong(40, Math.max(0, total - k.kernel().memUsedBytes())).putShort(80,
              (short) k.kernel().pids().size()).putInt(104, 1);
      Args.write(k, buf, s.array());
      return 0;
    });
    t.full("getrandom", "pdx", (k, buf, len, flags, a, b, c) -> {
      if ((flags & ~7) != 0 || len < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      byte[] r = new byte[(int) Math.min(len, MAX_RANDOM)];
      HostFiles.getrandom(r);
      Args.write(k, buf, r);
      return r.length;
    });
    t.full("sched_yield", "", (k, a, b, c, d, e, f) -> {
      Thread.yield();
      return 0;
    });
    t.partial("getcpu", "ppp", "Always CPU 0, node 0.", (k, cpu, node, a, b, c, d) -> {
      if (cpu != 0) {
        Args.writeInt(k, cpu, 0);
      }
      if (node != 0) {
        Args.writeInt(k, node, 0);
      }
      return 0;
    });
  }

  private static long syslog(Task k, long type, long buf, long len, long a, long b, long c)
      throws ErrnoException {
    byte[] log = k.kernel().bootLog().getBytes(StandardCharsets.UTF_8);
    switch ((int) type) {
      case SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL, SYSLOG_ACTION_READ_CLEAR -> {
        if (len < 0 || (buf == 0 && len > 0)) {
          throw new ErrnoException(Errno.EINVAL);
        }
        int n = (int) Math.min(len, log.length);
        if (k.mm().copyOut(buf, log, 0, n) < 0) {
          throw new ErrnoException(Errno.EFAULT);
        }
        return n;
      }
      case SYSLOG_ACTION_SIZE_BUFFER, SYSLOG_ACTION_SIZE_UNREAD -> {
        return log.length;
      }
      case 0, 1, 5, 6, 7, 8 -> {
        return 0;
      }
      default -> throw new ErrnoException(Errno.EINVAL);
    }
  }
}
