package dev.jvisor.sentry.fs.proc;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.mem.MergedDirFd;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Building blocks for synthetic filesystems: directories, files and symlinks computed on demand. */
public final class Synthetic {
  private Synthetic() {}

  private static final long BOOT_NS = System.currentTimeMillis() * 1_000_000L;

  /** A directory whose children are computed at each lookup/listing. */
  public static final class Dir extends Node {
    private final long ino;
    private final Supplier<Map<String, Supplier<Node>>> children;

    public Dir(long ino, Supplier<Map<String, Supplier<Node>>> children) {
      this.ino = ino;
      this.children = children;
    }

    @Override
    public Stat stat() {
      return Stat.synthetic(ino, NodeType.DIRECTORY, 0555, 0, BOOT_NS);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      if ((flags & FileDescription.O_ACCMODE) != 0) {
        throw new ErrnoException(Errno.EISDIR);
      }
      return new MergedDirFd(this, flags, "/proc");
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
      Supplier<Node> s = children.get().get(name);
      if (s == null) {
        throw new ErrnoException(Errno.ENOENT);
      }
      Node n = s.get();
      if (n == null) {
        throw new ErrnoException(Errno.ENOENT);
      }
      return n;
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
      List<DirEntry> out = new ArrayList<>();
      long i = ino * 1000;
      for (var e : children.get().entrySet()) {
        Node n = e.getValue().get();
        if (n != null) {
          out.add(new DirEntry(e.getKey(), ++i, n.type()));
        }
      }
      return out;
    }
  }

  /** A read-only file whose text is computed when it is opened (a consistent snapshot per open). */
  public static final class File extends Node {
    private final long ino;
    private final int perm;
    private final Supplier<byte[]> content;

    public File(long ino, Supplier<String> text) {
      this(ino, 0444, () -> text.get().getBytes(StandardCharsets.UTF_8));
    }

    public File(long ino, int perm, Supplier<byte[]> content) {
      this.ino = ino;
      this.perm = perm;
      this.content = content;
    }

    @Override
    public Stat stat() {
      return Stat.synthetic(ino, NodeType.REGULAR, perm, 0, BOOT_NS);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      if ((flags & FileDescription.O_ACCMODE) != 0) {
        throw new ErrnoException(Errno.EACCES);
      }
      return new Snapshot(this, flags, content.get());
    }
  }

  /** A symlink whose target is computed at each readlink. */
  public static final class Link extends Node {
    private final long ino;
    private final Supplier<String> target;

    public Link(long ino, Supplier<String> target) {
      this.ino = ino;
      this.target = target;
    }

    @Override
    public Stat stat() {
      return Stat.synthetic(ino, NodeType.SYMLINK, 0777, 0, BOOT_NS);
    }

    @Override
    public FileDescription open(int flags) throws ErrnoException {
      throw new ErrnoException(Errno.ELOOP);
    }

    @Override
    public String readlink() throws ErrnoException {
      String t = target.get();
      if (t == null) {
        throw new ErrnoException(Errno.ENOENT);
      }
      return t;
    }
  }

  static final class Snapshot extends FileDescription {
    private final Node node;
    private final byte[] data;

    Snapshot(Node node, int flags, byte[] data) {
      super(flags);
      this.node = node;
      this.data = data;
    }

    @Override
    public String path() {
      return "/proc/?";
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public Stat stat() throws ErrnoException {
      return node.stat();
    }

    @Override
    public long pread(MemoryManager mm, long va, long len, long off) {
      if (off >= data.length) {
        return 0;
      }
      int n = (int) Math.min(len, data.length - off);
      int r = mm.copyOut(va, data, (int) off, n);
      return r < 0 ? r : n;
    }
  }
}
