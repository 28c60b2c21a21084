package dev.jvisor.sentry.fs.mem;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A tmpfs inode: a regular file (bytes in a growable array), a directory or a symlink. */
public final class MemNode extends Node {
  /** Largest tmpfs file: keeps one guest from exhausting the JVM heap with a single file. */
  public static final long MAX_FILE = 256L << 20;
  private static final AtomicLong INODES = new AtomicLong(1000);
  /** Marks a name deleted in the overlay's upper layer while the host still has it. */
  static final MemNode WHITEOUT = new MemNode(NodeType.CHAR_DEVICE, 0);

  final NodeType type;
  final long ino = INODES.incrementAndGet();
  int mode;
  byte[] data = new byte[0];
  long size;
  String target;
  final Map<String, MemNode> children;
  long mtimeNs = System.currentTimeMillis() * 1_000_000L;
  long atimeNs = mtimeNs;
  long ctimeNs = mtimeNs;
  /** Owner recorded by chown (the overlay keeps it here; the host file never changes). */
  int uid;
  int gid;
  /** utimensat set the times explicitly (an overlay directory then shows them instead of the host's). */
  boolean timesSet;
  /** chmod/chown changed the mode or owner (an overlay directory then shows them instead of the host's). */
  boolean attrsSet;
  boolean opaque;

  MemNode(NodeType type, int mode) {
    this.type = type;
    this.mode = mode & 07777;
    this.children = type == NodeType.DIRECTORY ? new LinkedHashMap<>() : null;
  }

  public static MemNode directory(int mode) {
    return new MemNode(NodeType.DIRECTORY, mode);
  }

  public static MemNode file(int mode, byte[] content) {
    MemNode n = new MemNode(NodeType.REGULAR, mode);
    n.data = content;
    n.size = content.length;
    return n;
  }

  /** memfd_create(2): an open, unnamed in-memory file (see {@link MemFileFd#memfd}). */
  public static FileDescription memfd(String name) {
    return MemFileFd.memfd(name);
  }

  public static MemNode symlinkTo(String target) {
    MemNode n = new MemNode(NodeType.SYMLINK, 0777);
    n.target = target;
    n.size = target.length();
    return n;
  }

  @Override
  public synchronized Stat stat() {
    long sz = type == NodeType.DIRECTORY ? 4096 : size;
    return new Stat(0x2a, ino, type == NodeType.DIRECTORY ? 2 : 1, type.ifmt | (mode & 07777), uid, gid, 0, sz,
        4096, (sz + 511) / 512, atimeNs, mtimeNs, Math.max(ctimeNs, mtimeNs));
  }

  /** Takes owner and group from {@code st} (overlay copy-up keeps the host file's owner). */
  synchronized void owner(Stat st) {
    uid = st.uid();
    gid = st.gid();
  }

  @Override
  public synchronized void chown(int u, int g) {
    if (u != -1) {
      uid = u;
    }
    if (g != -1) {
      gid = g;
    }
    if (type == NodeType.REGULAR && (u != -1 || g != -1)) {
      mode &= ~04000; // chown clears set-user-ID (and set-group-ID when group-executable), as Linux does
      if ((mode & 010) != 0) {
        mode &= ~02000;
      }
    }
    attrsSet = true;
    ctimeNs = System.currentTimeMillis() * 1_000_000L;
  }

  @Override
  public FileDescription open(int flags) throws ErrnoException {
    if (type == NodeType.DIRECTORY && (flags & FileDescription.O_ACCMODE) != 0) {
      throw new ErrnoException(Errno.EISDIR);
    }
    if (type == NodeType.SOCKET) {
      throw new ErrnoException(Errno.ENXIO); // open(2) of a socket inode, as Linux
    }
    if ((flags & 01000) != 0 && type == NodeType.REGULAR && (flags & FileDescription.O_ACCMODE) != 0) {
      truncate(0);
    }
    return new MemFileFd(this, flags);
  }

  @Override
  public synchronized Node lookup(String name) throws ErrnoException {
    if (children == null) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    MemNode c = children.get(name);
    if (c == null || c == WHITEOUT) {
      throw new ErrnoException(Errno.ENOENT);
    }
    return c;
  }

  synchronized MemNode child(String name) {
    return children == null ? null : children.get(name);
  }

  @Override
  public synchronized List<DirEntry> list() throws ErrnoException {
    if (children == null) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    List<DirEntry> out = new ArrayList<>();
    for (var e : children.entrySet()) {
      if (e.getValue() != WHITEOUT) {
        out.add(new DirEntry(e.getKey(), e.getValue().ino, e.getValue().type));
      }
    }
    return out;
  }

  @Override
  public String readlink() throws ErrnoException {
    if (type != NodeType.SYMLINK) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return target;
  }

  private synchronized MemNode add(String name, MemNode n) throws ErrnoException {
    if (children == null) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    MemNode old = children.get(name);
    if (old != null && old != WHITEOUT) {
      throw new ErrnoException(Errno.EEXIST);
    }
    if (name.length() > 255) {
      throw new ErrnoException(Errno.ENAMETOOLONG);
    }
    children.put(name, n);
    mtimeNs = System.currentTimeMillis() * 1_000_000L;
    return n;
  }

  /** Puts {@code n} at {@code name}, replacing whatever is there (overlay copy-up, rename). */
  synchronized void put(String name, MemNode n) {
    children.put(name, n);
  }

  synchronized MemNode remove(String name) {
    return children.remove(name);
  }

  @Override
  public Node create(String name, int mode) throws ErrnoException {
    return add(name, new MemNode(NodeType.REGULAR, mode));
  }

  @Override
  public Node mkdir(String name, int mode) throws ErrnoException {
    return add(name, new MemNode(NodeType.DIRECTORY, mode));
  }

  @Override
  public Node symlink(String name, String target) throws ErrnoException {
    return add(name, symlinkTo(target));
  }

  @Override
  public Node mksock(String name, int mode) throws ErrnoException {
    return add(name, new MemNode(NodeType.SOCKET, mode));
  }

  @Override
  public synchronized void unlink(String name, boolean directory) throws ErrnoException {
    MemNode c = children == null ? null : children.get(name);
    if (c == null || c == WHITEOUT) {
      throw new ErrnoException(Errno.ENOENT);
    }
    if (directory && c.type != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    if (!directory && c.type == NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.EISDIR);
    }
    if (directory && !c.list().isEmpty()) {
      throw new ErrnoException(Errno.ENOTEMPTY);
    }
    children.remove(name);
  }

  @Override
  public void rename(String name, Node newDir, String newName) throws ErrnoException {
    if (!(newDir instanceof MemNode d)) {
      throw new ErrnoException(Errno.EXDEV);
    }
    MemNode c;
    synchronized (this) {
      c = children == null ? null : children.get(name);
      if (c == null || c == WHITEOUT) {
        throw new ErrnoException(Errno.ENOENT);
      }
      children.remove(name);
    }
    d.put(newName, c);
  }

  @Override
  public synchronized void chmod(int m) {
    mode = m & 07777;
    attrsSet = true;
    ctimeNs = System.currentTimeMillis() * 1_000_000L;
  }

  @Override
  public synchronized void truncate(long newSize) throws ErrnoException {
    if (type != NodeType.REGULAR) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (newSize > MAX_FILE || newSize < 0) {
      throw new ErrnoException(Errno.EFBIG);
    }
    ensureCapacity(newSize);
    if (newSize < size) {
      java.util.Arrays.fill(data, (int) newSize, (int) size, (byte) 0);
    }
    size = newSize;
    mtimeNs = System.currentTimeMillis() * 1_000_000L;
  }

  synchronized void ensureCapacity(long n) throws ErrnoException {
    if (n > MAX_FILE) {
      throw new ErrnoException(Errno.EFBIG);
    }
    if (n > data.length) {
      data = java.util.Arrays.copyOf(data, (int) Math.min(MAX_FILE, Math.max(n, data.length * 2L + 4096)));
    }
  }

  @Override
  public synchronized void setTimes(long a, long m) {
    if (a != OMIT) {
      atimeNs = a;
    }
    if (m != OMIT) {
      mtimeNs = m;
    }
    timesSet = true;
    ctimeNs = System.currentTimeMillis() * 1_000_000L;
  }
}
