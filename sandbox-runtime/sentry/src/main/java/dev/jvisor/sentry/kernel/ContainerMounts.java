package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.fs.host.HostNode;
import dev.jvisor.sentry.fs.host.HostRoot;
import dev.jvisor.sentry.fs.mem.MemNode;
import dev.jvisor.sentry.fs.proc.ProcFs;
import dev.jvisor.sentry.fs.proc.Synthetic;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Vfs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts a container's mounts into its mount namespace, as runc does before the process starts: the destination's
 * parent is resolved inside the container's root (so a symlink in the image cannot point a mount outside it),
 * missing directories are made in the root's in-memory layer, and each filesystem is attached at the canonical
 * path. Host sources are opened once; everything below them is resolved with RESOLVE_IN_ROOT, like the root.
 */
final class ContainerMounts {
  private final Kernel kernel;
  private final Vfs vfs;

  ContainerMounts(Kernel kernel, Vfs vfs) {
    this.kernel = kernel;
    this.vfs = vfs;
  }

  void apply(List<Mount> mounts) {
    for (Mount m : mounts) {
      try {
        vfs.mount(mountPoint(m.destination()), filesystem(m));
      } catch (ErrnoException e) {
        throw new SandboxException("mount " + m.type().name().toLowerCase(java.util.Locale.ROOT) + " on "
            + m.destination() + ": " + Errno.name(e.errno()), 125);
      }
    }
  }

  private Node filesystem(Mount m) throws ErrnoException {
    return switch (m.type()) {
      case TMPFS -> MemNode.directory(m.mode() == 0 ? 01777 : m.mode() & 07777);
      case PROC -> ProcFs.create(kernel);
      case SYSFS -> new Synthetic.Dir(260, Map::of);
      case BIND -> bind(m.source(), m.readOnly());
    };
  }

  /**
   * A host directory (or file, through its parent directory), read-only or read-write. A read-write bind writes
   * to the host as runc's would (a hostPath or emptyDir volume shared with the host or another container), each
   * change confined to the source by {@link HostRoot}'s RESOLVE_IN_ROOT *at calls.
   */
  private Node bind(Path source, boolean readOnly) throws ErrnoException {
    Path abs = source.toAbsolutePath().normalize();
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new ErrnoException(Errno.ENOENT);
    }
    boolean dir = Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS);
    HostRoot root = new HostRoot(dir ? abs : abs.getParent(), !readOnly);
    kernel.adoptRoot(root);
    HostNode top = new HostNode(root, "");
    return dir ? top : top.lookup(abs.getFileName().toString());
  }

  /** The canonical path to mount at: the parent resolved inside the root (made when missing), plus the name. */
  private String mountPoint(String destination) throws ErrnoException {
    List<String> parts = new ArrayList<>();
    for (String p : destination.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..") || p.length() > 255) {
        throw new ErrnoException(Errno.EINVAL);
      }
      parts.add(p);
    }
    if (parts.isEmpty()) {
      throw new ErrnoException(Errno.EBUSY); // the root itself is not remounted
    }
    String parent = "/";
    for (String p : parts.subList(0, parts.size() - 1)) {
      String next = Vfs.absolute(parent, p);
      try {
        parent = vfs.resolve(next, true).path();
      } catch (ErrnoException e) {
        if (e.errno() != Errno.ENOENT) {
          throw e;
        }
        Vfs.Resolved at = vfs.resolve(parent, true);
        at.node().mkdir(p, 0755);
        parent = vfs.resolve(next, true).path();
      }
      if (vfs.resolve(parent, true).node().type() != NodeType.DIRECTORY) {
        throw new ErrnoException(Errno.ENOTDIR);
      }
    }
    return Vfs.absolute(parent, parts.get(parts.size() - 1));
  }
}
