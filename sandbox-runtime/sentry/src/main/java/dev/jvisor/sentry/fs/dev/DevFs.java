package dev.jvisor.sentry.fs.dev;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.sentry.fs.mem.MemNode;
import dev.jvisor.sentry.fs.proc.Synthetic;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The /dev tree. Device numbers are Linux's (mem major 1; tty major 5). */
public final class DevFs {
  private DevFs() {}

  /** What a character device does on read and write. */
  enum Kind {
    NULL(3), ZERO(5), FULL(7), RANDOM(8), URANDOM(9), TTY(5 << 8);

    final int minor;

    Kind(int minor) {
      this.minor = minor;
    }
  }

  /** /dev with {@code devpts} as /dev/pts and its /dev/tty (the caller's controlling terminal). */
  public static Node create(dev.jvisor.sentry.fs.tty.Devpts devpts) {
    MemNode shm = MemNode.directory(01777);
    Node pts = devpts.directory();
    Node tty = devpts.controllingTty();
    Map<String, Supplier<Node>> m = new LinkedHashMap<>();
    for (Kind k : Kind.values()) {
      Node dev = new Device(k);
      m.put(k.name().toLowerCase(java.util.Locale.ROOT), () -> dev);
    }
    m.put("tty", () -> tty);
    m.put("stdin", () -> new Synthetic.Link(300, () -> "/proc/self/fd/0"));
    m.put("stdout", () -> new Synthetic.Link(301, () -> "/proc/self/fd/1"));
    m.put("stderr", () -> new Synthetic.Link(302, () -> "/proc/self/fd/2"));
    m.put("fd", () -> new Synthetic.Link(303, () -> "/proc/self/fd"));
    m.put("shm", () -> shm);
    m.put("pts", () -> pts);
    return new Synthetic.Dir(299, () -> m);
  }

  static final class Device extends Node {
    private final Kind kind;

    Device(Kind kind) {
      this.kind = kind;
    }

    @Override
    public Stat stat() {
      int major = kind == Kind.TTY ? 5 : 1;
      Stat s = Stat.synthetic(400 + kind.ordinal(), NodeType.CHAR_DEVICE, 0666, 0, 0);
      return new Stat(s.dev(), s.ino(), 1, s.mode(), 0, 0, ((long) major << 8) | (kind.minor & 0xff), 0, 4096, 0,
          0, 0, 0);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      if (kind == Kind.TTY) {
        throw new ErrnoException(Errno.ENXIO); // no controlling terminal inside the sandbox
      }
      return new DeviceFd(this, kind, flags);
    }
  }

  static final class DeviceFd extends FileDescription {
    private final Device node;
    private final Kind kind;

    DeviceFd(Device node, Kind kind, int flags) {
      super(flags);
      this.node = node;
      this.kind = kind;
    }

    @Override
    public String path() {
      return "/dev/" + kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public Stat stat() {
      return node.stat();
    }

    @Override
    public boolean isStream() {
      return false;
    }

    @Override
    public long lseek(long off, int whence) {
      return 0;
    }

    @Override
    public long pread(MemoryManager mm, long va, long len, long off) {
      switch (kind) {
        case NULL -> {
          return 0;
        }
        case ZERO, FULL, RANDOM, URANDOM -> {
          long n = Math.min(len, 1 << 20);
          byte[] buf = new byte[(int) n];
          if (kind == Kind.RANDOM || kind == Kind.URANDOM) {
            HostFiles.getrandom(buf);
          }
          int r = mm.copyOut(va, buf, 0, buf.length);
          return r < 0 ? r : n;
        }
        default -> {
          return -Errno.EIO;
        }
      }
    }

    @Override
    public long pwrite(MemoryManager mm, long va, long len, long off) {
      return kind == Kind.FULL ? -Errno.ENOSPC : len;
    }
  }
}
