package dev.jvisor.shim.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.shim.oci.Bundle.BundleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what of a spec jvisor applies. Everything else is listed as a warning (logged once per container by the
 * caller): fields jvisor does not know, host-side features the Sentry makes moot (seccomp, capabilities, cgroups),
 * and mounts provided otherwise or not at all ({@link MountPlan}). Nothing is applied halfway.
 */
public final class SpecCheck {
  static final int MAX_ARGS = 4096;
  static final int MAX_ENV = 4096;
  static final int MAX_STRING_BYTES = 128 << 10;

  private SpecCheck() {}

  /** One line per field that jvisor will not apply, with the reason. */
  public static List<String> notApplied(Spec spec) {
    List<String> out = new ArrayList<>();
    unknown(out, "", spec);
    if (spec.hooks != null && !spec.hooks.isEmpty()) {
      out.add("hooks: never run (they are host binaries)");
    }
    if (spec.process != null) {
      unknown(out, "process.", spec.process);
      if (spec.process.capabilities != null) {
        out.add("process.capabilities: not applied (the Sentry, not host capabilities, is the boundary)");
      }
    }
    if (spec.root != null) {
      unknown(out, "root.", spec.root);
    }
    try {
      out.addAll(MountPlan.of(spec).notes());
    } catch (BundleException e) {
      out.add(e.getMessage());
    }
    for (Spec.Mount m : spec.mounts == null ? List.<Spec.Mount>of() : spec.mounts) {
      unknown(out, "mounts[" + m.destination + "].", m);
    }
    Spec.Linux l = spec.linux;
    if (l != null) {
      unknown(out, "linux.", l);
      if (l.seccomp != null) {
        out.add("linux.seccomp: not applied (syscalls are served by the Sentry, never by the host)");
      }
      if (l.uidMappings != null || l.gidMappings != null) {
        out.add("linux.uidMappings/gidMappings: not applied");
      }
      if (l.sysctl != null && !l.sysctl.isEmpty()) {
        out.add("linux.sysctl: not applied (" + l.sysctl.keySet() + ")");
      }
      if (l.resources != null) {
        Spec.Resources r = l.resources;
        unknown(out, "linux.resources.", r);
        out.addAll(resourcesNotApplied(r));
      }
    }
    return out;
  }

  /**
   * What of linux.resources the Sentry does not apply: everything but memory.limit (the guest's memory) and
   * pids.limit (its task limit). Used at Create and Update.
   */
  public static List<String> resourcesNotApplied(Spec.Resources r) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : Map.of("cpu", nz(r.cpu), "blockIO", nz(r.blockIO), "hugepageLimits",
        nz(r.hugepageLimits), "network", nz(r.network), "rdma", nz(r.rdma)).entrySet()) {
      if (!e.getValue().isMissingNode() && !e.getValue().isEmpty()) {
        out.add("linux.resources." + e.getKey() + ": not applied");
      }
    }
    if (r.unified != null && !r.unified.isEmpty()) {
      out.add("linux.resources.unified: not applied");
    }
    return out;
  }

  /** linux.resources.pids.limit when positive (0 and -1 mean no limit), else empty. */
  public static java.util.OptionalLong pidsLimit(Spec.Resources r) {
    JsonNode limit = r == null ? null : nz(r.pids).path("limit");
    if (limit == null || !limit.canConvertToLong() || limit.asLong() <= 0) {
      return java.util.OptionalLong.empty();
    }
    return java.util.OptionalLong.of(limit.asLong());
  }

  /**
   * The Sentry's task limit for a container: its pids.limit, but never above the Sentry's own bound on tasks
   * (each is a host thread), which also applies without a pids limit.
   */
  public static int maxTasks(Spec.Resources r) {
    return (int) Math.min(pidsLimit(r).orElse(SandboxConfig.DEFAULT_MAX_TASKS), SandboxConfig.DEFAULT_MAX_TASKS);
  }

  private static JsonNode nz(JsonNode n) {
    return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
  }

  private static void unknown(List<String> out, String prefix, Extensible e) {
    for (String name : e.unknownFields().keySet()) {
      out.add(prefix + name + ": unknown field, ignored");
    }
  }

  /** A process must have argv, K=V environment entries and an absolute cwd; sizes are bounded. */
  public static void validate(Spec.Process p, String what) throws BundleException {
    if (p == null) {
      throw new BundleException(what + " has no process");
    }
    if (p.args == null || p.args.isEmpty() || p.args.get(0) == null || p.args.get(0).isEmpty()) {
      throw new BundleException(what + ": process.args is empty");
    }
    if (p.args.size() > MAX_ARGS || (p.env != null && p.env.size() > MAX_ENV)) {
      throw new BundleException(what + ": too many args or env entries");
    }
    long bytes = 0;
    for (String a : p.args) {
      bytes += a == null ? 0 : a.length();
    }
    if (p.env != null) {
      for (String e : p.env) {
        if (e == null || e.indexOf('=') <= 0) {
          throw new BundleException(what + ": env entry '" + e + "' is not K=V");
        }
        bytes += e.length();
      }
    }
    if (bytes > MAX_STRING_BYTES * 16L) {
      throw new BundleException(what + ": args and env exceed " + (MAX_STRING_BYTES * 16L) + " bytes");
    }
    if (p.cwd != null && !p.cwd.isEmpty() && !p.cwd.startsWith("/")) {
      throw new BundleException(what + ": process.cwd '" + p.cwd + "' is not absolute");
    }
    Rlimits.of(p);
    if (p.user != null && (p.user.uid < 0 || p.user.uid > 0xffff_fffeL || p.user.gid < 0
        || p.user.gid > 0xffff_fffeL)) {
      throw new BundleException(what + ": process.user uid/gid out of range");
    }
  }

  /**
   * Guest memory: linux.resources.memory.limit plus {@code overhead} when the spec sets a positive limit, else
   * {@code fallback}. Never below the Sentry's 16 MiB floor.
   */
  public static long memoryBytes(Spec spec, long overhead, long fallback) {
    Long limit = spec.linux == null || spec.linux.resources == null || spec.linux.resources.memory == null
        ? null : spec.linux.resources.memory.limit;
    long bytes = limit == null || limit <= 0 ? fallback : limit + Math.max(0, overhead);
    return Math.max(bytes, 16L << 20);
  }

  /** The network namespace the container should join (CRI gives a path for pod networking), if any. */
  public static Optional<String> networkNamespacePath(Spec spec) {
    if (spec.linux == null || spec.linux.namespaces == null) {
      return Optional.empty();
    }
    return spec.linux.namespaces.stream()
        .filter(n -> "network".equals(n.type) && n.path != null && !n.path.isEmpty())
        .map(n -> n.path).findFirst();
  }

  /**
   * Whether the container joins an existing PID namespace (a pid namespace entry with a path: CRI's
   * shareProcessNamespace points it at the pod's), rather than getting its own.
   */
  public static boolean joinsPidNamespace(Spec spec) {
    return spec.linux != null && spec.linux.namespaces != null && spec.linux.namespaces.stream()
        .anyMatch(n -> "pid".equals(n.type) && n.path != null && !n.path.isEmpty());
  }

  /** Whether the spec asks for a private PID namespace (absent = the host's, which jvisor never gives). */
  public static boolean hasNamespace(Spec spec, String type) {
    return spec.linux != null && spec.linux.namespaces != null
        && spec.linux.namespaces.stream().anyMatch(n -> type.equals(n.type));
  }
}
