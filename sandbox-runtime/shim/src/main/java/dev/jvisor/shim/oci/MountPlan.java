package dev.jvisor.shim.oci;

import dev.jvisor.sentry.Mount;
import dev.jvisor.shim.oci.Bundle.BundleException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns config.json's mounts into Sentry mounts, and says (for the once-per-container log) what is provided
 * otherwise or not at all: the Sentry's own /dev, /dev/pts and /proc stand in for runc's; mqueue and cgroup
 * filesystems do not exist in the Sentry; sysfs is an empty read-only directory.
 */
public final class MountPlan {
  /** Options that only steer the host kernel's mount (propagation, atime, ids of a devpts): nothing to apply. */
  private static final Set<String> HOST_ONLY_OPTIONS = Set.of("rbind", "bind", "rprivate", "private", "rslave",
      "slave", "rshared", "shared", "nosuid", "nodev", "relatime", "strictatime", "noatime", "rw", "newinstance",
      "ptmxmode=0666", "gid=5", "mode=620", "mode=0620");

  private final List<Mount> mounts = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private MountPlan() {}

  public List<Mount> mounts() {
    return List.copyOf(mounts);
  }

  /** One line per mount (or option) jvisor does not apply as written, with what happens instead. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public static MountPlan of(Spec spec) throws BundleException {
    MountPlan plan = new MountPlan();
    for (Spec.Mount m : spec.mounts == null ? List.<Spec.Mount>of() : spec.mounts) {
      plan.add(m);
    }
    return plan;
  }

  private void add(Spec.Mount m) throws BundleException {
    String dest = m.destination;
    if (dest == null || !dest.startsWith("/") || dest.length() > 4096 || dest.indexOf('\0') >= 0) {
      throw new BundleException("mounts: destination '" + dest + "' must be an absolute path");
    }
    dest = normalize(dest);
    List<String> options = m.options == null ? List.of() : m.options;
    boolean bind = "bind".equals(m.type) || options.contains("bind") || options.contains("rbind");
    String type = bind ? "bind" : m.type == null ? "" : m.type;
    String where = "mounts[" + dest + "]: ";
    switch (type) {
      case "bind" -> {
        if (m.source == null || !m.source.startsWith("/")) {
          throw new BundleException(where + "bind source '" + m.source + "' must be an absolute host path");
        }
        mounts.add(new Mount(dest, Mount.Type.BIND, Path.of(m.source), options.contains("ro"), 0));
      }
      case "tmpfs" -> {
        if (dest.equals("/dev")) {
          notes.add(where + "tmpfs not mounted: the Sentry's own /dev (null, zero, full, random, urandom, tty, "
              + "pts, shm) is used");
          return;
        }
        int mode = 01777;
        for (String o : options) {
          if (o.startsWith("mode=")) {
            try {
              mode = Integer.parseInt(o.substring(5), 8) & 07777;
            } catch (NumberFormatException e) {
              throw new BundleException(where + "bad tmpfs option " + o);
            }
          } else if (o.startsWith("size=")) {
            notes.add(where + o + " not enforced: a tmpfs is bounded by the sandbox's memory");
          } else if (o.equals("ro")) {
            notes.add(where + "ro tmpfs is writable in jvisor");
          }
        }
        mounts.add(new Mount(dest, Mount.Type.TMPFS, null, false, mode));
      }
      case "proc" -> {
        if (!dest.equals("/proc")) {
          mounts.add(new Mount(dest, Mount.Type.PROC, null, true, 0));
        }
      }
      case "sysfs" -> {
        mounts.add(new Mount(dest, Mount.Type.SYSFS, null, true, 0));
        notes.add(where + "sysfs is an empty read-only directory in jvisor");
      }
      case "devpts" -> {
        if (!dest.equals("/dev/pts")) {
          notes.add(where + "devpts not mounted: only the Sentry's /dev/pts exists");
        }
      }
      case "mqueue" -> notes.add(where + "mqueue not mounted: the Sentry has no POSIX message queues");
      case "cgroup", "cgroup2" -> notes.add(where + type + " not mounted: the Sentry has no cgroup filesystem");
      default -> notes.add(where + "unsupported type '" + type + "', not mounted");
    }
    for (String o : options) {
      if (o.equals("noexec")) {
        notes.add(where + "noexec not enforced");
      } else if (!HOST_ONLY_OPTIONS.contains(o) && !o.equals("ro") && !o.startsWith("mode=")
          && !o.startsWith("size=") && !type.equals("cgroup") && !type.equals("mqueue")) {
        notes.add(where + "option " + o + " ignored");
      }
    }
  }

  private static String normalize(String dest) throws BundleException {
    StringBuilder out = new StringBuilder();
    for (String p : dest.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new BundleException("mounts: destination '" + dest + "' must not contain '..'");
      }
      out.append('/').append(p);
    }
    return out.length() == 0 ? "/" : out.toString();
  }
}
