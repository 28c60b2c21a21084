package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.CloneFlags;
import dev.jvisor.sentry.kernel.Exec;
import dev.jvisor.sentry.kernel.ExitStatus;
import dev.jvisor.sentry.kernel.Kernel;
import dev.jvisor.sentry.kernel.Signals;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.kernel.ThreadGroup;
import dev.jvisor.sentry.loader.Loader;
import dev.jvisor.sentry.loader.LoaderException;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Identity, limits, exit and exec. */
final class ProcessSyscalls {
  private static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
      ARCH_GET_GS = 0x1004;
  private static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
      PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39,
      PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37, PR_CAPBSET_READ = 23;
  private static final int MAX_ARGS = 1 << 17;
  private static final int NGROUPS_MAX = 65536;

  private ProcessSyscalls() {}

  static void register(SyscallTable t) {
    t.full("exit", "d", (k, code, a, b, c, d, e) -> {
      k.exitThread((int) code);
      return 0;
    });
    t.full("exit_group", "d", (k, code, a, b, c, d, e) -> {
      k.exitGroup(ExitStatus.exited((int) code));
      return 0;
    });
    t.full("getpid", "", (k, a, b, c, d, e, f) -> k.threadGroup().pid());
    t.full("getppid", "", (k, a, b, c, d, e, f) -> k.threadGroup().ppid());
    t.full("gettid", "", (k, a, b, c, d, e, f) -> k.tid());
    t.full("getuid", "", (k, a, b, c, d, e, f) -> k.threadGroup().creds().uids()[0]);
    t.full("geteuid", "", (k, a, b, c, d, e, f) -> k.threadGroup().creds().uids()[1]);
    t.full("getgid", "", (k, a, b, c, d, e, f) -> k.threadGroup().creds().gids()[0]);
    t.full("getegid", "", (k, a, b, c, d, e, f) -> k.threadGroup().creds().gids()[1]);
    t.full("getresuid", "ppp", (k, r, e, s, a, b, c) -> writeIds(k, k.threadGroup().creds().uids(), r, e, s));
    t.full("getresgid", "ppp", (k, r, e, s, a, b, c) -> writeIds(k, k.threadGroup().creds().gids(), r, e, s));
    t.partial("getgroups", "dp", "The list setgroups last stored (per process, inherited by fork); empty at start.",
        (k, n, list, a, b, c, d) -> {
          int[] g = k.threadGroup().groups();
          if (n < 0 || n > Integer.MAX_VALUE) {
            throw new ErrnoException(Errno.EINVAL);
          }
          if (n == 0) {
            return g.length;
          }
          if (n < g.length) {
            throw new ErrnoException(Errno.EINVAL);
          }
          java.nio.ByteBuffer b2 = java.nio.ByteBuffer.allocate(4 * g.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          for (int x : g) {
            b2.putInt(x);
          }
          Args.write(k, list, b2.array());
          return g.length;
        });
    t.partial("setgroups", "dp", "Stores the list for getgroups; the sandbox does not check permissions by it.",
        (k, n, list, a, b, c, d) -> {
          if (n < 0 || n > NGROUPS_MAX) {
            throw new ErrnoException(Errno.EINVAL);
          }
          byte[] raw = new byte[(int) (4 * n)];
          if (n > 0 && k.mm().copyIn(list, raw, 0, raw.length) < 0) {
            throw new ErrnoException(Errno.EFAULT);
          }
          java.nio.ByteBuffer b2 = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          int[] g = new int[(int) n];
          for (int i = 0; i < g.length; i++) {
            g[i] = b2.getInt();
          }
          java.util.Arrays.sort(g); // Linux keeps groups_sort()ed; getgroups returns them in that order
          k.threadGroup().setGroups(g);
          return 0;
        });
    String idNote = "Linux's rules (uid 0 may set any ID); the IDs are what the program sees, file access is "
        + "not checked against them.";
    t.partial("setuid", "d", idNote, (k, id, a, b, c, d, e) -> {
      k.threadGroup().creds().setuid(id);
      return 0;
    });
    t.partial("setgid", "d", idNote, (k, id, a, b, c, d, e) -> {
      k.threadGroup().creds().setgid(id);
      return 0;
    });
    t.partial("setreuid", "dd", idNote, (k, r, e, a, b, c, d) -> {
      k.threadGroup().creds().setreuid((int) r, (int) e);
      return 0;
    });
    t.partial("setregid", "dd", idNote, (k, r, e, a, b, c, d) -> {
      k.threadGroup().creds().setregid((int) r, (int) e);
      return 0;
    });
    t.partial("setresuid", "ddd", idNote, (k, r, e, s, a, b, c) -> {
      k.threadGroup().creds().setresuid((int) r, (int) e, (int) s);
      return 0;
    });
    t.partial("setresgid", "ddd", idNote, (k, r, e, s, a, b, c) -> {
      k.threadGroup().creds().setresgid((int) r, (int) e, (int) s);
      return 0;
    });
    t.partial("setfsuid", "d", idNote, (k, id, a, b, c, d, e) -> k.threadGroup().creds().setfsuid(id));
    t.partial("setfsgid", "d", idNote, (k, id, a, b, c, d, e) -> k.threadGroup().creds().setfsgid(id));
    t.full("getpgrp", "", (k, a, b, c, d, e, f) -> k.threadGroup().pid());
    t.full("getpgid", "d", (k, pid, a, b, c, d, e) -> target(k, pid).pgid());
    t.full("getsid", "d", (k, pid, a, b, c, d, e) -> target(k, pid).sid());
    t.full("setpgid", "dd", (k, pid, pg, a, b, c, d) -> {
      if (pg < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      ThreadGroup tg = target(k, pid);
      tg.setPgid(pg == 0 ? tg.pid() : (int) pg);
      return 0;
    });
    t.full("setsid", "", (k, a, b, c, d, e, f) -> {
      ThreadGroup tg = k.threadGroup();
      if (tg.pgid() == tg.pid() && tg.sid() == tg.pid() && tg.pid() != 1) {
        throw new ErrnoException(Errno.EPERM);
      }
      tg.setSession(tg.pid());
      return tg.pid();
    });
    t.full("set_tid_address", "p", (k, addr, a, b, c, d, e) -> {
      k.setClearChildTid(addr);
      return k.tid();
    });
    t.full("set_robust_list", "pd", (k, head, len, a, b, c, d) -> {
      if (len != 24) {
        throw new ErrnoException(Errno.EINVAL);
      }
      k.setRobustList(head);
      return 0;
    });
    t.full("get_robust_list", "dpp", (k, tid, headPtr, lenPtr, a, b, c) -> {
      Task target = tid == 0 ? k : k.kernel().task((int) tid);
      if (target == null) {
        throw new ErrnoException(Errno.ESRCH);
      }
      if (k.mm().writeLong(headPtr, target.robustList()) < 0 || k.mm().writeLong(lenPtr, 24) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
      return 0;
    });
    t.error("rseq", Errno.ENOSYS, "Restartable sequences are not supported: ENOSYS (glibc copes).");
    t.partial("prctl", "dxxxx", "PR_SET_NAME/PR_GET_NAME, dumpable, no_new_privs (recorded, sticky), pdeathsig "
        + "(sent when the parent process ends) and child subreaper (orphans re-parent to it); others EINVAL.",
        ProcessSyscalls::prctl);
    t.partial("arch_prctl", "xx", "ARCH_SET_FS/ARCH_GET_FS; GS base changes give EINVAL.",
        ProcessSyscalls::archPrctl);
    t.full("prlimit64", "ddpp", ProcessSyscalls::prlimit);
    t.full("getrlimit", "dp", (k, res, old, a, b, c, d) -> prlimit(k, 0, res, 0, old, 0, 0));
    t.full("setrlimit", "dp", (k, res, nw, a, b, c, d) -> prlimit(k, 0, res, nw, 0, 0, 0));
    t.full("umask", "o", (k, mask, a, b, c, d, e) -> {
      int old = k.umask();
      k.setUmask((int) mask);
      return old;
    });
    t.full("execve", "spp", (k, p, argv, envp, a, b, c) -> execve(k, Args.path(k, p), argv, envp));
    t.partial("execveat", "fsppx", "Paths only (AT_EMPTY_PATH is not supported).",
        (k, dfd, p, argv, envp, fl, c) -> execve(k, Args.at(k, dfd, Args.path(k, p)), argv, envp));
    t.partial("wait4", "dpxp", "Exited, stopped (WUNTRACED) and continued (WCONTINUED) children; rusage is zero.",
        ProcessSyscalls::wait4);
    t.partial("waitid", "ddpxp", "P_ALL, P_PID, P_PGID with WEXITED; as wait4 otherwise.", ProcessSyscalls::waitid);
    t.partial("clone", "xpppx", "Processes share the address space copy-on-write; namespaces "
        + "flags are ignored.", (k, flags, stack, ptid, ctid, tls, f) ->
        k.kernel().clone(k, flags, stack, ptid, ctid, tls));
    t.full("fork", "", (k, a, b, c, d, e, f) -> k.kernel().clone(k, Signals.SIGCHLD, 0, 0, 0, 0));
    t.full("vfork", "", (k, a, b, c, d, e, f) -> k.kernel().clone(k,
        CloneFlags.VM | CloneFlags.VFORK | Signals.SIGCHLD, 0, 0, 0, 0));
    t.partial("clone3", "pd", "As clone; set_tid and cgroup are not supported.", (k, args, size, a, b, c, d) -> {
      if (size < 64 || size > 4096) {
        throw new ErrnoException(Errno.EINVAL);
      }
      long[] ca = Args.readLongs(k, args, 8); // flags, pidfd, child_tid, parent_tid, exit_signal, stack, size, tls
      long stack = ca[5] == 0 ? 0 : ca[5] + ca[6];
      return k.kernel().clone(k, ca[0] | (ca[4] & 0xff), stack, ca[3], ca[2], ca[7]);
    });

    t.partial("personality", "x", "Only PER_LINUX (0) and the query 0xffffffff.", (k, p, a, b, c, d, e) -> {
      if (p != 0 && (p & 0xffffffffL) != 0xffffffffL) {
        throw new ErrnoException(Errno.EINVAL);
      }
      return 0;
    });
    t.partial("capget", "pp", "Reports every capability (the sandbox's root is confined by the Sentry).",
        (k, hdr, data, a, b, c, d) -> {
          if (data != 0) {
            Args.writeLongs(k, data, 0xffffffffL | (0xffffffffL << 32), 0xffffffffL, 0x1ffL | (0x1ffL << 32));
          }
          return 0;
        });
    t.partial("capset", "pp", "Accepted without effect.", (k, a, b, c, d, e, f) -> 0);
  }

  private static ThreadGroup target(Task k, long pid) throws ErrnoException {
    if (pid == 0) {
      return k.threadGroup();
    }
    ThreadGroup tg = k.kernel().threadGroup((int) pid);
    if (tg == null) {
      throw new ErrnoException(Errno.ESRCH);
    }
    return tg;
  }

  private static long wait4(Task k, long pid, long status, long options, long rusage, long a, long b)
      throws ErrnoException {
    if ((options & ~(1 | 2 | 8 | 0x40000000 | 0x80000000L | 0x20000000)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    long[] r = k.kernel().waitChild(k, (int) pid, (options & 1) != 0, (options & 2) != 0, (options & 8) != 0);
    if (r == null) {
      return 0;
    }
    if (status != 0) {
      Args.writeInt(k, status, (int) r[1]);
    }
    if (rusage != 0) {
      Args.write(k, rusage, new byte[144]);
    }
    return r[0];
  }

  private static long waitid(Task k, long idtype, long id, long infop, long options, long rusage, long b)
      throws ErrnoException {
    int pid = switch ((int) idtype) {
      case 0 -> -1; // P_ALL
      case 1 -> (int) id; // P_PID
      case 2 -> id == 0 ? 0 : (int) -id; // P_PGID
      case 3 -> { // P_PIDFD
        if (!(Args.fd(k, id) instanceof dev.jvisor.sentry.fs.anon.PidFd p)) {
          throw new ErrnoException(Errno.EBADF);
        }
        yield p.process().pid();
      }
      default -> throw new ErrnoException(Errno.EINVAL);
    };
    long[] r = k.kernel().waitChild(k, pid, (options & 1) != 0);
    if (infop != 0) {
      java.nio.ByteBuffer si = java.nio.ByteBuffer.allocate(128).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      if (r != null) {
        boolean killed = r[3] != 0;
        si.putInt(0, Signals.SIGCHLD).putInt(8, killed ? 2 : 1).putInt(16, (int) r[0]).putInt(20, 0)
            .putInt(24, (int) (killed ? r[3] : r[2]));
      }
      Args.write(k, infop, si.array());
    }
    return 0;
  }

  private static long writeIds(Task k, int[] ids, long r, long e, long s) throws ErrnoException {
    long[] at = {r, e, s};
    for (int i = 0; i < 3; i++) {
      if (k.mm().writeInt(at[i], ids[i]) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
    }
    return 0;
  }

  private static long self(Task k, long pid) throws ErrnoException {
    if (pid != 0 && pid != k.threadGroup().pid()) {
      throw new ErrnoException(Errno.ESRCH);
    }
    return k.threadGroup().pid();
  }

  private static long signalSelf(Task k, long pid, long sig) throws ErrnoException {
    if (sig < 0 || sig > Signals.NSIG) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (pid != 0 && pid != -1 && pid != k.threadGroup().pid()) {
      throw new ErrnoException(Errno.ESRCH);
    }
    if (sig == 0 || Signals.ignoredByDefault((int) sig)) {
      return 0;
    }
    long handler = k.sigactions()[(int) sig][0];
    if (handler == Signals.SIG_IGN && sig != Signals.SIGKILL && sig != Signals.SIGSTOP) {
      return 0;
    }
    k.exitGroup(ExitStatus.killed((int) sig));
    return 0;
  }

  private static long prctl(Task k, long op, long a2, long a3, long a4, long a5, long a6) throws ErrnoException {
    switch ((int) op) {
      case PR_SET_NAME -> {
        String name = k.mm().readCString(a2, 16);
        if (name == null) {
          byte[] raw = new byte[16];
          if (k.mm().copyIn(a2, raw, 0, 16) < 0) {
            throw new ErrnoException(Errno.EFAULT);
          }
          name = new String(raw, 0, 15, StandardCharsets.UTF_8);
        }
        k.setComm(name);
        return 0;
      }
      case PR_GET_NAME -> {
        byte[] out = new byte[16];
        byte[] c = k.comm().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(c, 0, out, 0, Math.min(15, c.length));
        Args.write(k, a2, out);
        return 0;
      }
      case PR_GET_DUMPABLE -> {
        return k.threadGroup().dumpable;
      }
      case PR_SET_DUMPABLE -> {
        if (a2 != 0 && a2 != 1) {
          throw new ErrnoException(Errno.EINVAL);
        }
        k.threadGroup().dumpable = (int) a2;
        return 0;
      }
      case PR_SET_NO_NEW_PRIVS -> {
        if (a2 != 1 || a3 != 0 || a4 != 0 || a5 != 0) {
          throw new ErrnoException(Errno.EINVAL);
        }
        k.threadGroup().noNewPrivs = true; // sticky: there is no way back, and fork inherits it
        return 0;
      }
      case PR_GET_NO_NEW_PRIVS -> {
        return k.threadGroup().noNewPrivs ? 1 : 0;
      }
      case PR_SET_PDEATHSIG -> {
        if (a2 < 0 || a2 > Signals.NSIG) {
          throw new ErrnoException(Errno.EINVAL);
        }
        k.threadGroup().pdeathSignal = (int) a2;
        return 0;
      }
      case PR_GET_PDEATHSIG -> {
        Args.writeInt(k, a2, k.threadGroup().pdeathSignal);
        return 0;
      }
      case PR_SET_CHILD_SUBREAPER -> {
        k.threadGroup().childSubreaper = a2 != 0;
        return 0;
      }
      case PR_GET_CHILD_SUBREAPER -> {
        Args.writeInt(k, a2, k.threadGroup().childSubreaper ? 1 : 0);
        return 0;
      }
      case PR_CAPBSET_READ -> {
        return a2 <= 40 ? 1 : -Errno.EINVAL;
      }
      default -> throw new ErrnoException(Errno.EINVAL);
    }
  }

  private static long archPrctl(Task k, long code, long addr, long a, long b, long c, long d)
      throws ErrnoException {
    switch ((int) code) {
      case ARCH_SET_FS -> {
        if (addr < 0 || addr >= 0x0000_8000_0000_0000L) {
          throw new ErrnoException(Errno.EPERM);
        }
        k.vcpu().setFsBase(addr);
        return 0;
      }
      case ARCH_GET_FS -> {
        Args.writeLongs(k, addr, k.vcpu().fsBase());
        return 0;
      }
      case ARCH_GET_GS -> {
        Args.writeLongs(k, addr, 0);
        return 0;
      }
      case ARCH_SET_GS -> throw new ErrnoException(Errno.EINVAL);
      default -> throw new ErrnoException(Errno.EINVAL);
    }
  }

  private static long prlimit(Task k, long pid, long res, long nw, long old, long a, long b)
      throws ErrnoException {
    if (res < 0 || res >= ThreadGroup.RLIM_NLIMITS) {
      throw new ErrnoException(Errno.EINVAL);
    }
    self(k, pid);
    ThreadGroup tg = k.threadGroup();
    long[] cur = tg.rlimit((int) res);
    if (nw != 0) {
      long[] v = Args.readLongs(k, nw, 2);
      if (Long.compareUnsigned(v[0], v[1]) > 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      tg.setRlimit((int) res, v[0], v[1]);
      if (res == ThreadGroup.RLIMIT_NOFILE) {
        k.fds().setLimit((int) Math.min(Math.max(v[0], 3), 1 << 20));
      }
    }
    if (old != 0) {
      Args.writeLongs(k, old, cur[0], cur[1]);
    }
    return 0;
  }

  static List<String> stringArray(Task k, long va) throws ErrnoException {
    List<String> out = new ArrayList<>();
    if (va == 0) {
      return out;
    }
    long total = 0;
    for (int i = 0; ; i++) {
      if (i >= MAX_ARGS) {
        throw new ErrnoException(Errno.E2BIG);
      }
      long p = Args.readLongs(k, va + 8L * i, 1)[0];
      if (p == 0) {
        return out;
      }
      String s = k.mm().readCString(p, Loader.MAX_ARG_BYTES);
      if (s == null) {
        throw new ErrnoException(Errno.EFAULT);
      }
      total += s.length() + 1;
      if (total > Loader.MAX_ARG_BYTES) {
        throw new ErrnoException(Errno.E2BIG);
      }
      out.add(s);
    }
  }

  private static long execve(Task k, String path, long argvVa, long envpVa) throws ErrnoException {
    List<String> argv = stringArray(k, argvVa);
    List<String> envp = stringArray(k, envpVa);
    Exec.Loaded loaded;
    try {
      loaded = Exec.load(k.kernel(), k.vfs(), k.cwd(), path, argv, envp, k.threadGroup().creds());
    } catch (LoaderException e) {
      throw e.asErrno();
    }
    k.releaseRobustList();
    MemoryManager old = k.mm();
    k.setMm(loaded.mm());
    old.release(); // a vfork parent still uses it
    k.releaseVfork();
    k.fds().closeOnExec();
    TimerSyscalls.deleteAll(k.threadGroup());
    long[][] acts = k.sigactions();
    for (long[] act : acts) {
      if (act[0] != Signals.SIG_IGN) {
        java.util.Arrays.fill(act, 0);
      }
    }
    k.execed(loaded.image().execPath(), path, argv, envp);
    k.startUser(loaded.image().entry(), loaded.image().stackPointer());
    return Kernel.NO_RETURN;
  }
}
