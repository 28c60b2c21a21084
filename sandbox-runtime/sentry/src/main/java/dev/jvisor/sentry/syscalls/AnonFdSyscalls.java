package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.anon.PidFd;
import dev.jvisor.sentry.fs.mem.MemNode;
import dev.jvisor.sentry.kernel.Signals;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.kernel.ThreadGroup;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Descriptors that name no path: memfd_create, pidfd_open/pidfd_send_signal, and preadv2/pwritev2 flags. */
final class AnonFdSyscalls {
  static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
  /** memfd names: 249 bytes plus the "memfd:" prefix fill NAME_MAX. */
  static final int MFD_NAME_MAX = 249;
  static final int RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;
  static final int SI_USER = 0, SI_TKILL = -6;

  private AnonFdSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("memfd_create", "sx", "An in-memory file (256 MiB at most). Sealing (F_ADD_SEALS) is not supported "
        + "and MFD_HUGETLB gives EINVAL; MAP_SHARED mappings of it are private copies, as for every file.",
        (k, name, flags, a, b, c, d) -> {
          if ((flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) != 0
              || (flags & MFD_HUGETLB) != 0 || (flags & (MFD_NOEXEC_SEAL | MFD_EXEC)) == (MFD_NOEXEC_SEAL
              | MFD_EXEC)) {
            throw new ErrnoException(Errno.EINVAL);
          }
          if (name == 0) {
            throw new ErrnoException(Errno.EFAULT);
          }
          String n = k.mm().readCString(name, MFD_NAME_MAX + 1);
          if (n == null) {
            // Either a bad pointer or no NUL within the limit: tell them apart as Linux does.
            byte[] probe = new byte[1];
            throw new ErrnoException(k.mm().copyIn(name, probe, 0, 1) < 0 ? Errno.EFAULT : Errno.EINVAL);
          }
          if (n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MFD_NAME_MAX) {
            throw new ErrnoException(Errno.EINVAL);
          }
          return FileSyscalls.install(k, MemNode.memfd(n), 0, (flags & MFD_CLOEXEC) != 0);
        });
    t.partial("pidfd_open", "dx", "Processes of this sandbox; polls readable once the process exits.",
        (k, pid, flags, a, b, c, d) -> {
          if ((flags & ~FileDescription.O_NONBLOCK) != 0 || pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new ErrnoException(Errno.EINVAL);
          }
          ThreadGroup tg = k.kernel().threadGroup((int) pid);
          if (tg == null) {
            if (k.kernel().task((int) pid) != null) {
              throw new ErrnoException(Errno.EINVAL); // a thread, not a process
            }
            throw new ErrnoException(Errno.ESRCH);
          }
          return FileSyscalls.install(k, new PidFd(tg, (int) flags), 0, true); // pidfds are always close-on-exec
        });
    t.partial("pidfd_send_signal", "fdpx", "As kill(2) on the pidfd's process (or its leader thread, "
        + "or its process group, by flag); a siginfo must name the same signal and a negative si_code.", AnonFdSyscalls::pidfdSendSignal);
    t.partial("preadv2", "fpddx", "As preadv (offset -1: the file position); RWF_HIPRI/DSYNC/SYNC/NOWAIT are "
        + "accepted on files (data is in memory), RWF_NOWAIT on a pipe is EOPNOTSUPP, unknown flags EOPNOTSUPP.",
        (k, fd, iov, cnt, lo, hi, flags) -> vector2(k, fd, iov, cnt, lo, flags, true));
    t.partial("pwritev2", "fpddx", "As pwritev; RWF_APPEND writes at the end, RWF_NOWAIT is EOPNOTSUPP, "
        + "unknown flags EOPNOTSUPP.", (k, fd, iov, cnt, lo, hi, flags) -> vector2(k, fd, iov, cnt, lo, flags,
        false));
  }

  private static long vector2(Task k, long fd, long iov, long cnt, long off, long flags, boolean read)
      throws ErrnoException {
    if ((flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)) != 0) {
      throw new ErrnoException(Errno.EOPNOTSUPP);
    }
    FileDescription f = Args.fd(k, fd);
    if (off < -1) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if ((flags & RWF_NOWAIT) != 0 && (!read || f.isStream())) {
      throw new ErrnoException(Errno.EOPNOTSUPP);
    }
    if (read && !f.readable() || !read && !f.writable()) {
      throw new ErrnoException(Errno.EBADF);
    }
    if (!read && (flags & RWF_APPEND) != 0 && !f.isStream()) {
      // RWF_APPEND: this write goes to the end whatever the offset; with offset -1 the file position follows it.
      if (off == -1) {
        f.lseek(0, 2);
        return FileSyscalls.vectorIo(k, fd, iov, cnt, -1, false);
      }
      return FileSyscalls.vectorIo(k, fd, iov, cnt, f.stat().size(), false);
    }
    if (off == -1) {
      return FileSyscalls.vectorIo(k, fd, iov, cnt, -1, read);
    }
    if (f.isStream()) {
      throw new ErrnoException(Errno.ESPIPE);
    }
    return FileSyscalls.vectorIo(k, fd, iov, cnt, off, read);
  }

  /**
   * The process a pidfd names. Like Linux, an open /proc/PID directory also works as one (it names the process
   * that had the PID when it was opened; here, the process that has it now, if alive). Anything else is EBADF.
   */
  static ThreadGroup pidfdProcess(Task k, FileDescription f) throws ErrnoException {
    if (f instanceof PidFd p) {
      return p.process();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/proc/([0-9]{1,9})").matcher(f.path());
    if (m.matches() && f.node() != null && f.node().type() == dev.jvisor.sentry.vfs.NodeType.DIRECTORY) {
      ThreadGroup tg = k.kernel().threadGroup(Integer.parseInt(m.group(1)));
      if (tg == null) {
        throw new ErrnoException(Errno.ESRCH);
      }
      return tg;
    }
    throw new ErrnoException(Errno.EBADF);
  }

  private static long pidfdSendSignal(Task k, long pidfd, long sig, long info, long flags, long a, long b)
      throws ErrnoException {
    // PIDFD_SIGNAL_THREAD / _THREAD_GROUP / _PROCESS_GROUP (Linux 6.9): at most one scope.
    if ((flags & ~7L) != 0 || Long.bitCount(flags) > 1) {
      throw new ErrnoException(Errno.EINVAL);
    }
    ThreadGroup tg = pidfdProcess(k, Args.fd(k, pidfd));
    if (sig < 0 || sig > Signals.NSIG) {
      throw new ErrnoException(Errno.EINVAL);
    }
    ByteBuffer si = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    if (info != 0) {
      byte[] raw = new byte[128];
      if (k.mm().copyIn(info, raw, 0, 128) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
      si.put(0, raw);
      if (si.getInt(0) != sig) {
        throw new ErrnoException(Errno.EINVAL);
      }
      int code = si.getInt(8);
      // Only the kernel may claim SI_USER-or-above codes, and SI_TKILL only for oneself (kernel/signal.c).
      if ((code >= 0 || code == SI_TKILL) && tg != k.threadGroup()) {
        throw new ErrnoException(Errno.EPERM);
      }
    } else {
      si.putInt(0, (int) sig).putInt(8, SI_USER).putInt(16, k.threadGroup().pid()).putInt(20, 0);
    }
    if (tg.exited() || k.kernel().threadGroup(tg.pid()) != tg) {
      throw new ErrnoException(Errno.ESRCH);
    }
    if (sig == 0) {
      return 0;
    }
    if (flags == 1) { // the thread the pidfd names: for a process pidfd, its leader
      var leader = k.kernel().task(tg.pid());
      if (leader == null) {
        throw new ErrnoException(Errno.ESRCH);
      }
      leader.sendSignal((int) sig, si.array());
    } else if (flags == 4) {
      for (ThreadGroup member : k.kernel().processGroup(tg.pgid())) {
        k.kernel().signalThreadGroup(member, (int) sig, si.array().clone());
      }
    } else {
      k.kernel().signalThreadGroup(tg, (int) sig, si.array());
    }
    return 0;
  }
}
