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

/** A host file or directory under a {@link HostRoot}, named by its path relative to the root. Read-only. */
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

  @Override
  public Stat stat() throws ErrnoException {
    return root.lstat(rel);
  }

  @Override
  public FileDescription open(int flags) throws ErrnoException {
    if ((flags & FileDescription.O_ACCMODE) != 0) {
      throw new ErrnoException(Errno.EROFS);
    }
    int hostFlags = (flags & FileDescription.O_PATH) != 0 ? LibC.O_PATH : LibC.O_RDONLY;
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
