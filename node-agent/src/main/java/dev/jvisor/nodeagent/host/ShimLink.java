package dev.jvisor.nodeagent.host;

import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code /usr/local/bin/containerd-shim-jvisor-v1 -> /opt/jvisor/current/bin/containerd-shim-jvisor-v1}.
 * containerd 1.6 ignores a CRI runtime's {@code runtime_path} when it starts the shim (containerd#8207, fixed in
 * 1.7.1 and 2.0; the 1.6 backport was never released) and looks the binary up by name on its PATH instead; systemd
 * services have /usr/local/bin on PATH. The link is created by renaming a temp link into place (atomic), only
 * where nothing else of that name exists, and removed on uninstall only while it still points at us.
 */
public final class ShimLink {
  public static final String NAME = "containerd-shim-jvisor-v1";

  private ShimLink() {}

  /** Creates or refreshes the link; returns true when it changed. */
  public static boolean ensure(Path link, String target) {
    try {
      if (Files.isSymbolicLink(link)) {
        String current = Files.readSymbolicLink(link).toString();
        if (current.equals(target)) {
          return false;
        }
        if (!ours(current)) {
          throw foreign(link, "a symlink to " + current);
        }
      } else if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        throw foreign(link, "a file");
      }
      Path temp = link.resolveSibling("." + NAME + "." + System.nanoTime());
      Files.createSymbolicLink(temp, Path.of(target));
      AtomicFiles.move(temp, link);
      return true;
    } catch (IOException e) {
      throw new AgentException("cannot create " + link + " -> " + target + ": " + e, e);
    }
  }

  /** Removes the link if it still points into /opt/jvisor; returns true when removed. */
  public static boolean remove(Path link) {
    try {
      if (Files.isSymbolicLink(link) && ours(Files.readSymbolicLink(link).toString())) {
        Files.delete(link);
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new AgentException("cannot remove " + link + ": " + e, e);
    }
  }

  private static boolean ours(String target) {
    return target.startsWith("/opt/jvisor/");
  }

  private static AgentException foreign(Path link, String what) {
    return new AgentException(link + " exists and is " + what + " that jvisor did not create; containerd 1.6 "
        + "would run it as the jvisor shim. Remove it, then install again. Nothing was changed.");
  }
}
