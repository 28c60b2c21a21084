package dev.jvisor.shim.task;

import com.google.protobuf.Any;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.oci.Bundle.BundleException;
import dev.jvisor.shim.oci.Spec;
import dev.jvisor.shim.oci.SpecCheck;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Task.Update ({@code ctr task update}, CRI's UpdateContainerResources): what of the new linux.resources the
 * Sentry can honour, it does; what it cannot, it refuses or reports, never pretends.
 *
 * <ul>
 *   <li>{@code memory.limit}: the guest's memory limit becomes limit + memory_overhead, as at Create. The guest's
 *       memory is fixed when it boots, so the limit can go down, and back up to that size, but not beyond:
 *       FailedPrecondition. Nor below what is in use (as cgroup v1 answers EBUSY): FailedPrecondition.
 *   <li>{@code pids.limit}: the Sentry's task limit (at most its own bound of 512); 0 or -1 lift it back to
 *       that bound.
 *   <li>A container sharing its pod's Sentry has no memory or task limit of its own: asking for one is
 *       FailedPrecondition.
 *   <li>The pod's pause container runs nothing: any limit holds for it.
 *   <li>CPU, block I/O, hugepages, network, rdma, unified: not applied, logged, as at Create (the Sentry's tasks
 *       are host threads of the shim, outside any cgroup of the container's own).
 * </ul>
 * Everything is checked before anything changes; the memory limit, which can still be refused by the Sentry, is
 * applied first.
 */
final class ResourceUpdate {
  /** How containerd's typeurl registry names an OCI {@code LinuxResources} (its value is JSON). */
  static final String TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";
  private static final Logger LOG = Logger.getLogger(ResourceUpdate.class.getName());

  private ResourceUpdate() {}

  static void apply(Container c, Any resources, long memoryOverhead) {
    Spec.Resources r = parse(resources);
    if (c.sandbox == null) {
      LOG.info("update of pod sandbox " + c.id + ": it runs nothing, so no limit of it can be exceeded");
      return;
    }
    Long memory = r.memory == null || r.memory.limit == null || r.memory.limit <= 0 ? null : r.memory.limit;
    OptionalLong pids = SpecCheck.pidsLimit(r);
    boolean liftsPids = r.pids != null && r.pids.path("limit").canConvertToLong() && pids.isEmpty();
    if (c.sharedPod != null && (memory != null || pids.isPresent() || liftsPids)) {
      throw TtrpcException.precondition("container " + c.id + " shares its pod's Sentry (shared PID namespace): "
          + "its memory and pids limits are the pod's, not its own");
    }
    for (String line : SpecCheck.resourcesNotApplied(r)) {
      LOG.info("update of " + c.id + ": " + line);
    }
    try {
      if (memory != null) {
        c.sandbox.limitMemory(memory + Math.max(0, memoryOverhead));
      }
      if (pids.isPresent() || liftsPids) {
        c.sandbox.limitTasks(SpecCheck.maxTasks(r));
      }
    } catch (SandboxException e) {
      throw TtrpcException.precondition("cannot update " + c.id + ": " + e.getMessage());
    }
    LOG.info("updated " + c.id + ": memory limit " + c.sandbox.memoryLimit() + " bytes, task limit "
        + c.sandbox.taskLimit());
  }

  private static Spec.Resources parse(Any resources) {
    if (!resources.getTypeUrl().endsWith("/LinuxResources")) {
      throw TtrpcException.invalid("resources must be " + TYPE_URL + ", not '"
          + Container.abbreviate(resources.getTypeUrl()) + "'");
    }
    try {
      return Bundle.parseResources(resources.getValue().toByteArray());
    } catch (BundleException e) {
      throw TtrpcException.invalid(e.getMessage());
    }
  }
}
