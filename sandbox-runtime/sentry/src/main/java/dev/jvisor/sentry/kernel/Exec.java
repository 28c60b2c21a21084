package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.loader.Loader;
import dev.jvisor.sentry.loader.LoaderException;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import dev.jvisor.sentry.vfs.Vfs;
import java.util.List;

/** Loading a program into a new address space: shared by process start and execve. */
public final class Exec {
  private Exec() {}

  /** A loaded program and the address space it lives in. */
  public record Loaded(MemoryManager mm, Loader.Image image) {}

  public static Loader.Opener opener(Vfs vfs, String cwd) {
    return path -> {
      Vfs.Resolved r = vfs.resolve(Vfs.absolute(cwd, path), true);
      Stat st = r.node().stat();
      if (st.type() == NodeType.DIRECTORY) {
        throw new ErrnoException(Errno.EACCES);
      }
      if (st.type() != NodeType.REGULAR || (st.mode() & 0111) == 0) {
        throw new ErrnoException(Errno.EACCES);
      }
      FileDescription f = r.node().open(0);
      return new Loader.Opened(f, r.path());
    };
  }

  /** Loads {@code path}; on failure the new address space is released and nothing else changed. */
  public static Loaded load(Kernel k, Vfs vfs, String cwd, String path, List<String> argv, List<String> envp,
      Credentials creds) throws ErrnoException, LoaderException {
    MemoryManager mm = new MemoryManager(k.platform());
    try {
      int[] u = creds.uids();
      int[] g = creds.gids();
      Loader.Image img = Loader.load(mm, opener(vfs, cwd), path, argv, envp, new Loader.Creds(u[0], u[1], g[0], g[1]));
      return new Loaded(mm, img);
    } catch (ErrnoException | LoaderException | RuntimeException e) {
      mm.destroy();
      throw e;
    }
  }

  /** Finds {@code name} on PATH inside the sandbox (as execvp would); returns null when absent. */
  public static String searchPath(Vfs vfs, String name, List<String> env, String cwd) {
    if (name.contains("/")) {
      return name;
    }
    String path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (String e : env) {
      if (e.startsWith("PATH=")) {
        path = e.substring(5);
      }
    }
    for (String dir : path.split(":")) {
      String candidate = (dir.isEmpty() ? "." : dir) + "/" + name;
      try {
        Stat st = vfs.resolve(Vfs.absolute(cwd, candidate), true).node().stat();
        if (st.type() == NodeType.REGULAR && (st.mode() & 0111) != 0) {
          return candidate;
        }
      } catch (ErrnoException e) {
        // not here: keep looking
      }
    }
    return null;
  }
}
