package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A host file or directory under a {@link HostRoot}, named by its path relative to the root. Read-only (EROFS)
 * unless the root is {@link HostRoot#writable}: then creating, writing, renaming, removing and changing
 * attributes happen on the host, each through the root's confined *at calls.
 */
public final class HostNode extends Node {
  private final HostRoot root;
  private final String rel;

  public HostNode(HostRoot root, String rel) {
    this.root = root;
    this.rel = rel;
  }

  public String rel() {
    return rel;
  }

  public HostRoot root() {
    return root;
  }

  private String child(String name) {
    return rel.isEmpty() ? name : rel + "/" + name;
  }

  /** The child's path for a mutation: {@code name} must be one plain component (the host call gets only it). */
  private String newChild(String name) throws ErrnoException {
    if (!HostFiles.isName(name)) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > HostFiles.NAME_MAX) {
      throw new ErrnoException(Errno.ENAMETOOLONG);
    }
    return child(name);
  }

  @Override
  public Stat stat() throws ErrnoException {
    return root.lstat(rel);
  }

  @Override
  public FileDescription open(int flags) throws ErrnoException {
    int acc = flags & FileDescription.O_ACCMODE;
    int hostFlags;
    if ((flags & FileDescription.O_PATH) != 0) {
      hostFlags = LibC.O_PATH;
    } else if (acc != 0 || (flags & LibC.O_TRUNC) != 0 && root.writable()) {
      if (!root.writable()) {
        throw new ErrnoException(Errno.EROFS);
      }
      // The host fd carries the guest's access mode, O_TRUNC and O_APPEND (so appends are atomic on the host,
      // even against another container writing the same file); root.open adds O_NOFOLLOW.
      hostFlags = (acc == 3 ? LibC.O_RDWR : acc) | (flags & (LibC.O_TRUNC | LibC.O_APPEND | LibC.O_NONBLOCK));
    } else {
      hostFlags = LibC.O_RDONLY | (flags & LibC.O_NONBLOCK);
    }
    int f = root.open(rel, hostFlags | (flags & FileDescription.O_DIRECTORY));
    return new HostFileFd(this, f, flags);
  }

  @Override
  public Node lookup(String name) throws ErrnoException {
    String c = child(name);
    root.lstat(c); // ENOENT / ENOTDIR surface here
    return new HostNode(root, c);
  }

  @Override
  public List<DirEntry> list() throws ErrnoException {
    int f = root.open(rel, LibC.O_RDONLY | LibC.O_DIRECTORY);
    try {
      List<DirEntry> out = new ArrayList<>();
      while (true) {
        byte[] batch = HostFiles.getdents64(f);
        if (batch == null) {
          throw new ErrnoException(LibC.errno());
        }
        if (batch.length == 0) {
          return out;
        }
        ByteBuffer b = ByteBuffer.wrap(batch).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < batch.length; ) {
          long ino = b.getLong(at);
          int reclen = b.getShort(at + 16) & 0xFFFF;
          int type = b.get(at + 18);
          int end = at + 19;
          while (end < at + reclen && batch[end] != 0) {
            end++;
          }
          String name = new String(batch, at + 19, end - at - 19, StandardCharsets.UTF_8);
          if (!name.equals(".") && !name.equals("..")) {
            out.add(new DirEntry(name, ino, dtype(type)));
          }
          at += reclen;
        }
      }
    } finally {
      LibC.close(f);
    }
  }

  private static NodeType dtype(int t) {
    for (NodeType nt : NodeType.values()) {
      if (nt.dtype == t) {
        return nt;
      }
    }
    return NodeType.REGULAR;
  }

  @Override
  public String readlink() throws ErrnoException {
    return root.readlink(rel);
  }

  @Override
  public Node create(String name, int mode) throws ErrnoException {
    if (!root.writable()) {
      return super.create(name, mode);
    }
    String c = newChild(name);
    root.createFile(c, mode);
    return new HostNode(root, c);
  }

  @Override
  public Node mkdir(String name, int mode) throws ErrnoException {
    if (!root.writable()) {
      return super.mkdir(name, mode);
    }
    String c = newChild(name);
    root.mkdir(c, mode);
    return new HostNode(root, c);
  }

  @Override
  public Node symlink(String name, String target) throws ErrnoException {
    if (!root.writable()) {
      return super.symlink(name, target);
    }
    String c = newChild(name);
    root.symlink(c, target);
    return new HostNode(root, c);
  }

  @Override
  public void unlink(String name, boolean directory) throws ErrnoException {
    if (!root.writable()) {
      super.unlink(name, directory);
      return;
    }
    root.unlink(newChild(name), directory);
  }

  /** Within one root only (another bind, even of the same host directory, is another mount: EXDEV). */
  @Override
  public void rename(String name, Node newDir, String newName) throws ErrnoException {
    if (!(newDir instanceof HostNode dst) || dst.root != root) {
      throw new ErrnoException(Errno.EXDEV);
    }
    root.rename(newChild(name), dst.newChild(newName));
  }

  @Override
  public void chmod(int mode) throws ErrnoException {
    root.chmod(rel, mode);
  }

  @Override
  public void truncate(long size) throws ErrnoException {
    root.truncate(rel, size);
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws ErrnoException {
    root.setTimes(rel, atimeNs == OMIT ? HostFiles.OMIT : atimeNs, mtimeNs == OMIT ? HostFiles.OMIT : mtimeNs);
  }

  @Override
  public void chown(int uid, int gid) throws ErrnoException {
    root.chown(rel, uid, gid);
  }

  /** The whole content of this regular file (copy-up into the overlay), bounded by {@code max}. */
  public byte[] readAll(long max) throws ErrnoException {
    int f = root.open(rel, LibC.O_RDONLY);
    try {
      byte[] data = HostFiles.readAll(f, max);
      if (data == null) {
        throw new ErrnoException(Errno.EFBIG);
      }
      return data;
    } finally {
      LibC.close(f);
    }
  }
}
