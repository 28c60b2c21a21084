package dev.jvisor.sentry.fs.mem;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.host.HostNode;
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

/**
 * One name in the overlay: an in-memory upper node, a read-only host lower node, or both (a directory present
 * in both layers). The first write to a host file copies it up (bounded by {@link MemNode#MAX_FILE}); deleting
 * a host name records a whiteout in the upper layer. The host is never written.
 */
public final class OverlayNode extends Node {
  private static final int O_TRUNC = 01000;
  private final OverlayNode parent;
  private final String name;
  private MemNode upper;
  private final HostNode lower;

  private OverlayNode(OverlayNode parent, String name, MemNode upper, HostNode lower) {
    this.parent = parent;
    this.name = name;
    this.upper = upper;
    this.lower = lower;
  }

  public static OverlayNode root(HostNode lowerRoot, MemNode upperRoot) {
    return new OverlayNode(null, "", upperRoot, lowerRoot);
  }

  private String path() {
    return parent == null ? "/" : (parent.parent == null ? "" : parent.path()) + "/" + name;
  }

  @Override
  public Stat stat() throws ErrnoException {
    // A directory present in both layers keeps the host's attributes (link count, times), as overlayfs does.
    if (upper != null && (lower == null || upper.type != NodeType.DIRECTORY)) {
      return upper.stat();
    }
    Stat l = lower.stat();
    if (upper != null) {
      // ... but the attributes the sandbox changed (mode, owner, explicitly set times) live in the upper copy.
      Stat u = upper.stat();
      boolean times = upper.timesSet;
      boolean attrs = upper.attrsSet;
      return new Stat(l.dev(), l.ino(), l.nlink(), attrs ? u.mode() : l.mode(), attrs ? u.uid() : l.uid(),
          attrs ? u.gid() : l.gid(), l.rdev(), l.size(), l.blksize(),
          l.blocks(), times ? u.atimeNs() : l.atimeNs(), times ? u.mtimeNs() : l.mtimeNs(), l.ctimeNs());
    }
    return l;
  }

  @Override
  public FileDescription open(int flags) throws ErrnoException {
    NodeType t = type();
    boolean write = (flags & FileDescription.O_ACCMODE) != 0 || (flags & O_TRUNC) != 0;
    if (t == NodeType.DIRECTORY) {
      if (write) {
        throw new ErrnoException(Errno.EISDIR);
      }
      return new MergedDirFd(this, flags, path());
    }
    if (write && t == NodeType.REGULAR) {
      copyUp();
    }
    if (upper != null) {
      FileDescription fd = upper.open(flags);
      if (fd instanceof MemFileFd m) {
        m.setPath(path());
      }
      return fd;
    }
    return lower.open(flags);
  }

  @Override
  public Node lookup(String child) throws ErrnoException {
    if (type() != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    MemNode u = upper != null ? upper.child(child) : null;
    if (u == MemNode.WHITEOUT) {
      throw new ErrnoException(Errno.ENOENT);
    }
    HostNode l = null;
    if (lower != null && (upper == null || !upper.opaque) && (u == null || u.type == NodeType.DIRECTORY)) {
      try {
        l = (HostNode) lower.lookup(child);
      } catch (ErrnoException e) {
        if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) {
          throw e;
        }
      }
    }
    if (u == null && l == null) {
      throw new ErrnoException(Errno.ENOENT);
    }
    if (u != null && l != null && l.type() != NodeType.DIRECTORY) {
      l = null; // an upper directory over a lower file: the file is hidden
    }
    return new OverlayNode(this, child, u, l);
  }

  @Override
  public List<DirEntry> list() throws ErrnoException {
    Map<String, DirEntry> merged = new LinkedHashMap<>();
    if (lower != null && (upper == null || !upper.opaque) && lower.type() == NodeType.DIRECTORY) {
      for (DirEntry e : lower.list()) {
        merged.put(e.name(), e);
      }
    }
    if (upper != null) {
      synchronized (upper) {
        for (var e : upper.children.entrySet()) {
          if (e.getValue() == MemNode.WHITEOUT) {
            merged.remove(e.getKey());
          } else {
            merged.put(e.getKey(), new DirEntry(e.getKey(), e.getValue().ino, e.getValue().type));
          }
        }
      }
    }
    return new ArrayList<>(merged.values());
  }

  @Override
  public String readlink() throws ErrnoException {
    return upper != null ? upper.readlink() : lower.readlink();
  }

  /** Makes sure this directory exists in the upper layer (creating the chain above it). */
  private synchronized MemNode ensureUpper() throws ErrnoException {
    if (upper == null) {
      MemNode pu = parent.ensureUpper();
      MemNode existing = pu.child(name);
      if (existing != null && existing != MemNode.WHITEOUT) {
        upper = existing;
      } else {
        Stat st = lower.stat();
        upper = MemNode.directory(st.mode());
        upper.owner(st);
        pu.put(name, upper);
      }
    }
    return upper;
  }

  /** Copies a host file or symlink into the upper layer before its first change. */
  private synchronized void copyUp() throws ErrnoException {
    if (upper != null) {
      return;
    }
    MemNode pu = parent.ensureUpper();
    MemNode existing = pu.child(name);
    if (existing != null && existing != MemNode.WHITEOUT) {
      upper = existing;
      return;
    }
    Stat st = lower.stat();
    upper = switch (st.type()) {
      case REGULAR -> MemNode.file(st.mode(), lower.readAll(MemNode.MAX_FILE));
      case SYMLINK -> MemNode.symlinkTo(lower.readlink());
      case DIRECTORY -> MemNode.directory(st.mode());
      default -> throw new ErrnoException(Errno.EROFS);
    };
    upper.owner(st);
    pu.put(name, upper);
  }

  private boolean exists(String child) {
    try {
      lookup(child);
      return true;
    } catch (ErrnoException e) {
      return false;
    }
  }

  private MemNode prepareNew(String child) throws ErrnoException {
    if (exists(child)) {
      throw new ErrnoException(Errno.EEXIST);
    }
    MemNode u = ensureUpper();
    MemNode old = u.child(child);
    if (old == MemNode.WHITEOUT) {
      u.remove(child);
    }
    return u;
  }

  @Override
  public Node create(String child, int mode) throws ErrnoException {
    prepareNew(child).create(child, mode);
    return lookup(child);
  }

  @Override
  public Node mkdir(String child, int mode) throws ErrnoException {
    MemNode u = ensureUpper();
    boolean hadWhiteout = u.child(child) == MemNode.WHITEOUT;
    prepareNew(child).mkdir(child, mode);
    if (hadWhiteout) {
      ((MemNode) u.lookup(child)).opaque = true; // the deleted host directory's entries stay deleted
    }
    return lookup(child);
  }

  @Override
  public Node symlink(String child, String target) throws ErrnoException {
    prepareNew(child).symlink(child, target);
    return lookup(child);
  }

  @Override
  public Node mksock(String child, int mode) throws ErrnoException {
    prepareNew(child).mksock(child, mode);
    return lookup(child);
  }

  @Override
  public void unlink(String child, boolean directory) throws ErrnoException {
    OverlayNode victim = (OverlayNode) lookup(child);
    NodeType t = victim.type();
    if (directory && t != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    if (!directory && t == NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.EISDIR);
    }
    if (directory && !victim.list().isEmpty()) {
      throw new ErrnoException(Errno.ENOTEMPTY);
    }
    MemNode u = ensureUpper();
    u.remove(child);
    if (victim.lower != null) {
      u.put(child, MemNode.WHITEOUT);
    }
  }

  @Override
  public void rename(String child, Node newDir, String newName) throws ErrnoException {
    if (!(newDir instanceof OverlayNode dst)) {
      throw new ErrnoException(Errno.EXDEV);
    }
    OverlayNode src = (OverlayNode) lookup(child);
    if (src.type() == NodeType.DIRECTORY && src.lower != null) {
      throw new ErrnoException(Errno.EXDEV); // like overlayfs without redirect_dir: callers fall back to copying
    }
    if (src.type() == NodeType.DIRECTORY) {
      src.ensureUpper();
    } else {
      src.copyUp();
    }
    MemNode moving = src.upper;
    if (dst.exists(newName)) {
      OverlayNode target = (OverlayNode) dst.lookup(newName);
      if (target.type() == NodeType.DIRECTORY && !target.list().isEmpty()) {
        throw new ErrnoException(Errno.ENOTEMPTY);
      }
    }
    MemNode du = dst.ensureUpper();
    MemNode su = ensureUpper();
    su.remove(child);
    if (src.lower != null) {
      su.put(child, MemNode.WHITEOUT);
    }
    du.put(newName, moving);
  }

  @Override
  public void chmod(int mode) throws ErrnoException {
    if (type() == NodeType.DIRECTORY) {
      ensureUpper().chmod(mode);
    } else {
      copyUp();
      upper.chmod(mode);
    }
  }

  @Override
  public void truncate(long size) throws ErrnoException {
    copyUp();
    upper.truncate(size);
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws ErrnoException {
    upperForAttributes().setTimes(atimeNs, mtimeNs);
  }

  @Override
  public void chown(int uid, int gid) throws ErrnoException {
    upperForAttributes().chown(uid, gid);
  }

  /** The upper copy that records attribute changes: the directory itself, or the copied-up file. */
  private MemNode upperForAttributes() throws ErrnoException {
    if (type() == NodeType.DIRECTORY) {
      return ensureUpper();
    }
    copyUp();
    return upper;
  }
}
