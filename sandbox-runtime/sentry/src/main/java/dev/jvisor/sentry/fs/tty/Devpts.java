package dev.jvisor.sentry.fs.tty;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sandbox's devpts: the live pseudo-terminals by index, {@code /dev/pts} listing them, and {@code /dev/tty}
 * (the caller's controlling terminal). There is no {@code /dev/ptmx}: terminals are made by the host
 * ({@link dev.jvisor.sentry.Sandbox#openTerminal}), never by the guest.
 */
public final class Devpts {
  /** Terminals per sandbox; an exec with a terminal takes one until it is closed. */
  public static final int MAX_PTYS = 256;
  static final int PTS_MAJOR = 136;
  /** st_dev of devpts nodes: distinct from the other synthetic filesystems (0x2a). */
  static final long DEVPTS_DEV = 0x2b;
  private static final long BOOT_NS = System.currentTimeMillis() * 1_000_000L;

  private final JobControl jobs;
  private final Map<Integer, Pty> ptys = new TreeMap<>();

  public Devpts(JobControl jobs) {
    this.jobs = jobs;
  }

  /** A new terminal at the lowest free index; EAGAIN-like failure past {@link #MAX_PTYS}. */
  public synchronized Pty open(int cols, int rows) {
    for (int i = 0; i < MAX_PTYS; i++) {
      if (!ptys.containsKey(i)) {
        Pty p = new Pty(i, jobs, this, cols, rows);
        ptys.put(i, p);
        return p;
      }
    }
    throw new IllegalStateException("all " + MAX_PTYS + " terminals of this sandbox are in use");
  }

  synchronized void remove(Pty p) {
    ptys.remove(p.index(), p);
  }

  /** True if {@code p} is a live terminal of this devpts (a host cannot hand one sandbox another's). */
  public synchronized boolean owns(Pty p) {
    return ptys.get(p.index()) == p;
  }

  synchronized Pty get(int index) {
    return ptys.get(index);
  }

  /** The terminal controlling session {@code sid}, or null. */
  public Pty controlling(int sid) {
    List<Pty> all;
    synchronized (this) {
      all = new ArrayList<>(ptys.values());
    }
    for (Pty p : all) {
      if (sid > 0 && p.session() == sid) {
        return p;
      }
    }
    return null;
  }

  /** {@code /dev/pts}. */
  public Node directory() {
    return new PtsDir();
  }

  /** {@code /dev/tty}: opening it opens the caller's controlling terminal, ENXIO without one. */
  public Node controllingTty() {
    return new TtyNode();
  }

  static Stat charDevice(long ino, int major, int minor, int perm, int gid) {
    long rdev = (minor & 0xffL) | ((long) major << 8) | ((minor & ~0xffL) << 12);
    return new Stat(DEVPTS_DEV, ino, 1, NodeType.CHAR_DEVICE.ifmt | perm, 0, gid, rdev, 0, 1024, 0, BOOT_NS,
        BOOT_NS, BOOT_NS);
  }

  /** {@code /dev/pts/N}. */
  static final class PtsNode extends Node {
    private final Pty pty;

    PtsNode(Pty pty) {
      this.pty = pty;
    }

    @Override
    public Stat stat() {
      return charDevice(3 + pty.index(), PTS_MAJOR, pty.index(), 0620, 5);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      return pty.openSlave(flags, pty.name());
    }
  }

  private final class PtsDir extends Node {
    @Override
    public Stat stat() {
      return new Stat(DEVPTS_DEV, 1, 2, NodeType.DIRECTORY.ifmt | 0755, 0, 0, 0, 0, 1024, 0, BOOT_NS, BOOT_NS,
          BOOT_NS);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      PtsDir self = this;
      return new FileDescription(flags) {
        @Override
        public String path() {
          return "/dev/pts";
        }

        @Override
        public Stat stat() {
          return self.stat();
        }

        @Override
        public Node node() {
          return self;
        }

        @Override
        public List<DirEntry> entries() {
          return self.list();
        }
      };
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
      if (name.isEmpty() || name.length() > 3 || !name.chars().allMatch(Character::isDigit)) {
        throw new ErrnoException(Errno.ENOENT);
      }
      Pty p = get(Integer.parseInt(name));
      if (p == null) {
        throw new ErrnoException(Errno.ENOENT);
      }
      return new PtsNode(p);
    }

    @Override
    public List<DirEntry> list() {
      List<DirEntry> out = new ArrayList<>();
      synchronized (Devpts.this) {
        for (Pty p : ptys.values()) {
          out.add(new DirEntry(Integer.toString(p.index()), 3 + p.index(), NodeType.CHAR_DEVICE));
        }
      }
      return out;
    }
  }

  private final class TtyNode extends Node {
    @Override
    public Stat stat() {
      return charDevice(2, 5, 0, 0666, 5);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      JobControl.Caller me = jobs.caller();
      Pty p = me == null ? null : controlling(me.sid());
      if (p == null) {
        throw new ErrnoException(Errno.ENXIO);
      }
      return p.openSlave(flags, "/dev/tty");
    }
  }
}
