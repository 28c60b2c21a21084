package dev.jvisor.shim.oci;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.shim.oci.Bundle.BundleException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** process.rlimits as the Sentry takes them: Linux numbering, RLIM_INFINITY (2^64-1 in the spec) as -1. */
public final class Rlimits {
  /** Linux's RLIMIT_* in number order. */
  static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
      "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
      "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private Rlimits() {}

  /** The labels of /proc/self/limits, in RLIMIT_* number order. */
  static final List<String> PROC_LABELS = List.of("Max cpu time", "Max file size", "Max data size",
      "Max stack size", "Max core file size", "Max resident set", "Max processes", "Max open files",
      "Max locked memory", "Max address space", "Max file locks", "Max pending signals", "Max msgqueue size",
      "Max nice priority", "Max realtime priority", "Max realtime timeout");

  /**
   * What the process starts with: this shim's own limits (a runc container inherits them from runc, which
   * inherits the shim's), with the spec's process.rlimits on top. An unknown type, a negative or too large
   * value, or soft above hard is an error, as runc makes it.
   */
  public static List<ProcessSpec.Rlimit> of(Spec.Process p) throws BundleException {
    java.util.Map<Integer, ProcessSpec.Rlimit> byResource = new java.util.TreeMap<>();
    for (ProcessSpec.Rlimit r : inherited()) {
      byResource.put(r.resource(), r);
    }
    for (ProcessSpec.Rlimit r : fromSpec(p)) {
      byResource.put(r.resource(), r);
    }
    return new ArrayList<>(byResource.values());
  }

  private static volatile List<ProcessSpec.Rlimit> inherited;

  /** This process's limits from /proc/self/limits (read once); empty if it cannot be read. */
  static List<ProcessSpec.Rlimit> inherited() {
    List<ProcessSpec.Rlimit> cached = inherited;
    if (cached != null) {
      return cached;
    }
    List<ProcessSpec.Rlimit> out = new ArrayList<>();
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
        for (int i = 0; i < PROC_LABELS.size(); i++) {
          if (line.startsWith(PROC_LABELS.get(i) + " ")) {
            String[] f = line.substring(PROC_LABELS.get(i).length()).trim().split("\\s+");
            long soft = parseLimit(f[0]);
            long hard = parseLimit(f[1]);
            if (Long.compareUnsigned(soft, hard) <= 0) {
              out.add(new ProcessSpec.Rlimit(i, soft, hard));
            }
          }
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      out.clear();
    }
    inherited = List.copyOf(out);
    return inherited;
  }

  private static long parseLimit(String s) {
    return s.equals("unlimited") ? -1 : Long.parseLong(s);
  }

  static List<ProcessSpec.Rlimit> fromSpec(Spec.Process p) throws BundleException {
    List<ProcessSpec.Rlimit> out = new ArrayList<>();
    if (p == null || p.rlimits == null) {
      return out;
    }
    for (Spec.Rlimit r : p.rlimits) {
      int resource = NAMES.indexOf(r.type);
      if (resource < 0) {
        throw new BundleException("process.rlimits: unknown type '" + r.type + "'");
      }
      long soft = value(r.type, r.soft);
      long hard = value(r.type, r.hard);
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw new BundleException("process.rlimits: " + r.type + " soft limit above its hard limit");
      }
      out.add(new ProcessSpec.Rlimit(resource, soft, hard));
    }
    return out;
  }

  private static long value(String type, BigInteger v) throws BundleException {
    if (v == null || v.signum() < 0 || v.compareTo(U64_MAX) > 0) {
      throw new BundleException("process.rlimits: " + type + " value " + v + " is not a uint64");
    }
    // Anything from 2^63 up means "unlimited" to the guest, as RLIM_INFINITY does.
    return v.bitLength() > 63 ? -1 : v.longValue();
  }
}
