package dev.jvisor.sentry;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A filesystem to put at {@code destination} in a container's mount namespace ({@link Sandbox#mount}).
 *
 * @param destination absolute path inside the container; symlinks in its parent are resolved inside the root
 * @param type what is mounted
 * @param source for {@link Type#BIND}: the host file or directory (nothing under it leads outside it)
 * @param readOnly for binds: writes fail with EROFS; a read-write bind writes to the host source (confined to it:
 *     no path or symlink below the source leads a write outside it)
 * @param mode permission bits of a tmpfs root
 */
public record Mount(String destination, Type type, Path source, boolean readOnly, int mode) {
  /** The filesystems a container's mounts can be. */
  public enum Type {
    /** A host file or directory. */
    BIND,
    /** An empty in-memory directory. */
    TMPFS,
    /** Another view of the sandbox's /proc. */
    PROC,
    /** A minimal sysfs: an empty read-only directory. */
    SYSFS
  }

  public Mount {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(type, "type");
    if (!destination.startsWith("/")) {
      throw new IllegalArgumentException("mount destination must be absolute: " + destination);
    }
    if (type == Type.BIND && source == null) {
      throw new IllegalArgumentException("a bind mount needs a source");
    }
  }
}
