package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.ErrnoException;

/**
 * A process's user and group IDs (real, effective, saved, filesystem), with the set*id rules of Linux: a process
 * whose effective UID is 0 (CAP_SETUID/CAP_SETGID inside the sandbox) may set any ID; any other may only move
 * among its real, effective and saved IDs. The IDs live only in the Sentry: they are what the program sees, and
 * they never reach the host, where every sandbox file access is the Sentry's own.
 */
public final class Credentials {
  private int ruid, euid, suid, fsuid;
  private int rgid, egid, sgid, fsgid;

  Credentials(int uid, int gid) {
    ruid = euid = suid = fsuid = uid;
    rgid = egid = sgid = fsgid = gid;
  }

  synchronized Credentials copy() {
    Credentials c = new Credentials(0, 0);
    c.ruid = ruid; c.euid = euid; c.suid = suid; c.fsuid = fsuid;
    c.rgid = rgid; c.egid = egid; c.sgid = sgid; c.fsgid = fsgid;
    return c;
  }

  public synchronized int[] uids() {
    return new int[] {ruid, euid, suid, fsuid};
  }

  public synchronized int[] gids() {
    return new int[] {rgid, egid, sgid, fsgid};
  }

  private boolean privileged() {
    return euid == 0;
  }

  /** -1 means "unchanged" in setre*id/setres*id; other values must fit a uid_t and not be (uid_t)-1. */
  private static int checkId(long id) throws ErrnoException {
    if (id != -1 && (id < 0 || id > 0xFFFF_FFFEL)) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return (int) id;
  }

  private static boolean oneOf(int v, int a, int b, int c) {
    return v == a || v == b || v == c;
  }

  /** setuid(2). */
  public synchronized void setuid(long id) throws ErrnoException {
    int u = checkId(id);
    if (u == -1) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (privileged()) {
      ruid = euid = suid = fsuid = u;
    } else if (u == ruid || u == suid) {
      euid = fsuid = u;
    } else {
      throw new ErrnoException(Errno.EPERM);
    }
  }

  /** setgid(2). */
  public synchronized void setgid(long id) throws ErrnoException {
    int g = checkId(id);
    if (g == -1) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (privileged()) {
      rgid = egid = sgid = fsgid = g;
    } else if (g == rgid || g == sgid) {
      egid = fsgid = g;
    } else {
      throw new ErrnoException(Errno.EPERM);
    }
  }

  /** setresuid(2); setreuid is the same with the saved ID following Linux's rule (see {@link #setreuid}). */
  public synchronized void setresuid(long r, long e, long s) throws ErrnoException {
    int nr = checkId(r), ne = checkId(e), ns = checkId(s);
    if (!privileged() && ((nr != -1 && !oneOf(nr, ruid, euid, suid)) || (ne != -1 && !oneOf(ne, ruid, euid, suid))
        || (ns != -1 && !oneOf(ns, ruid, euid, suid)))) {
      throw new ErrnoException(Errno.EPERM);
    }
    if (nr != -1) {
      ruid = nr;
    }
    if (ne != -1) {
      euid = ne;
    }
    if (ns != -1) {
      suid = ns;
    }
    fsuid = euid;
  }

  public synchronized void setresgid(long r, long e, long s) throws ErrnoException {
    int nr = checkId(r), ne = checkId(e), ns = checkId(s);
    if (!privileged() && ((nr != -1 && !oneOf(nr, rgid, egid, sgid)) || (ne != -1 && !oneOf(ne, rgid, egid, sgid))
        || (ns != -1 && !oneOf(ns, rgid, egid, sgid)))) {
      throw new ErrnoException(Errno.EPERM);
    }
    if (nr != -1) {
      rgid = nr;
    }
    if (ne != -1) {
      egid = ne;
    }
    if (ns != -1) {
      sgid = ns;
    }
    fsgid = egid;
  }

  /** setreuid(2): the saved ID becomes the new effective one when the real ID is set or the effective one changes
   * to something other than the old real ID. */
  public synchronized void setreuid(long r, long e) throws ErrnoException {
    int nr = checkId(r), ne = checkId(e);
    int oldR = ruid;
    if (!privileged() && ((nr != -1 && nr != ruid && nr != euid) || (ne != -1 && !oneOf(ne, ruid, euid, suid)))) {
      throw new ErrnoException(Errno.EPERM);
    }
    if (nr != -1) {
      ruid = nr;
    }
    if (ne != -1) {
      euid = ne;
    }
    if (nr != -1 || (ne != -1 && ne != oldR)) {
      suid = euid;
    }
    fsuid = euid;
  }

  public synchronized void setregid(long r, long e) throws ErrnoException {
    int nr = checkId(r), ne = checkId(e);
    int oldR = rgid;
    if (!privileged() && ((nr != -1 && nr != rgid && nr != egid) || (ne != -1 && !oneOf(ne, rgid, egid, sgid)))) {
      throw new ErrnoException(Errno.EPERM);
    }
    if (nr != -1) {
      rgid = nr;
    }
    if (ne != -1) {
      egid = ne;
    }
    if (nr != -1 || (ne != -1 && ne != oldR)) {
      sgid = egid;
    }
    fsgid = egid;
  }

  /** setfsuid(2): returns the previous fsuid; an unpermitted value changes nothing (no error, as in Linux). */
  public synchronized int setfsuid(long id) {
    int old = fsuid;
    if (id >= 0 && id <= 0xFFFF_FFFEL && (privileged() || oneOf((int) id, ruid, euid, suid) || id == fsuid)) {
      fsuid = (int) id;
    }
    return old;
  }

  public synchronized int setfsgid(long id) {
    int old = fsgid;
    if (id >= 0 && id <= 0xFFFF_FFFEL && (privileged() || oneOf((int) id, rgid, egid, sgid) || id == fsgid)) {
      fsgid = (int) id;
    }
    return old;
  }
}
