package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves guest paths over the sandbox's mount table, one component at a time. Guarantees: ".." at the root
 * stays at the root, an absolute symlink target restarts at the sandbox root, and at most {@link #MAX_SYMLINKS}
 * symlinks are followed (ELOOP). Host filesystems below additionally open every component with
 * RESOLVE_IN_ROOT, so even a host-side race cannot leave the root.
 */
public final class Vfs {
  public static final int MAX_SYMLINKS = 40;
  public static final int PATH_MAX = 4096;

  private final Node root;
  private final Map<String, Node> mounts = new ConcurrentHashMap<>();

  public Vfs(Node root) {
    this.root = root;
  }

  public Node root() {
    return root;
  }

  /** Mounts {@code fs} at absolute path {@code at} (the directory must exist in the parent filesystem or not). */
  public void mount(String at, Node fs) {
    mounts.put(at, fs);
  }

  public Map<String, Node> mounts() {
    return Map.copyOf(mounts);
  }

  /** A resolved name: the node and its canonical absolute path inside the sandbox. */
  public record Resolved(Node node, String path) {}

  /** A resolved parent directory plus the final component (for create, unlink, rename). */
  public record Parent(Node dir, String dirPath, String name) {}

  /** Joins {@code path} onto the absolute {@code base} when it is relative. */
  public static String absolute(String base, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    return base.endsWith("/") ? base + path : base + "/" + path;
  }

  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].equals(".")) {
        todo.addFirst(parts[i]);
      }
    }
  }

  private static String join(List<String> names) {
    return names.isEmpty() ? "/" : "/" + String.join("/", names);
  }

  /** Resolves an absolute path; the final symlink is followed only if {@code followLast}. */
  public Resolved resolve(String abs, boolean followLast) throws ErrnoException {
    if (abs.isEmpty()) {
      throw new ErrnoException(Errno.ENOENT);
    }
    if (abs.length() >= PATH_MAX) {
      throw new ErrnoException(Errno.ENAMETOOLONG);
    }
    boolean wantDir = abs.endsWith("/") && abs.length() > 1;
    Deque<String> todo = new ArrayDeque<>();
    push(todo, abs);
    List<Node> nodes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    nodes.add(root);
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.equals("..")) {
        if (!names.isEmpty()) {
          names.remove(names.size() - 1);
          nodes.remove(nodes.size() - 1);
        }
        continue;
      }
      if (c.length() > 255) {
        throw new ErrnoException(Errno.ENAMETOOLONG);
      }
      Node cur = nodes.get(nodes.size() - 1);
      names.add(c);
      Node child = mounts.get(join(names));
      names.remove(names.size() - 1);
      if (child == null) {
        if (cur.type() != NodeType.DIRECTORY) {
          throw new ErrnoException(Errno.ENOTDIR);
        }
        child = cur.lookup(c);
      }
      if ((!todo.isEmpty() || followLast || wantDir) && child.type() == NodeType.SYMLINK) {
        if (++links > MAX_SYMLINKS) {
          throw new ErrnoException(Errno.ELOOP);
        }
        String target = child.readlink();
        if (target.isEmpty()) {
          throw new ErrnoException(Errno.ENOENT);
        }
        if (target.startsWith("/")) {
          nodes.subList(1, nodes.size()).clear();
          names.clear();
        }
        push(todo, target);
        continue;
      }
      nodes.add(child);
      names.add(c);
    }
    Node last = nodes.get(nodes.size() - 1);
    if (wantDir && last.type() != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    return new Resolved(last, join(names));
  }

  /** Resolves all but the last component; the last must be a plain name (not "." or ".."). */
  public Parent resolveParent(String abs) throws ErrnoException {
    String trimmed = abs;
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    int slash = trimmed.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : trimmed.substring(0, slash);
    String name = trimmed.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new ErrnoException(name.isEmpty() ? Errno.EEXIST : Errno.EINVAL);
    }
    if (name.length() > 255) {
      throw new ErrnoException(Errno.ENAMETOOLONG);
    }
    Resolved d = resolve(dir, true);
    if (d.node().type() != NodeType.DIRECTORY) {
      throw new ErrnoException(Errno.ENOTDIR);
    }
    return new Parent(d.node(), d.path(), name);
  }
}
