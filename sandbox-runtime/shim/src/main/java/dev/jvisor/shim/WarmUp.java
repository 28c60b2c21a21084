package dev.jvisor.shim;

import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.oci.MountPlan;
import dev.jvisor.shim.oci.SpecCheck;
import java.util.List;
import java.util.logging.Logger;

/**
 * Work a pod's first app container needs, done on a background thread while containerd is still busy with the
 * pod sandbox (pulling, snapshotting): loading and initializing the classes of the spec parser, the protobuf
 * messages, the native bindings and the KVM probe. Nothing is booted and nothing is kept; a failure only costs
 * the head start. It never runs ahead of a real request's work: both just initialize the same classes.
 */
final class WarmUp {
  private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());
  /** Classes whose static initialization is expensive and certain to come (Sentry boot, the Task messages). */
  private static final List<String> CLASSES = List.of("dev.jvisor.sentry.kernel.Kernel",
      "dev.jvisor.sentry.kernel.SandboxImpl", "dev.jvisor.sentry.syscalls.Linux64",
      "dev.jvisor.sentry.platform.kvm.KvmMachine", "dev.jvisor.sentry.platform.kvm.KvmVcpu",
      "dev.jvisor.sentry.mm.MemoryManager", "dev.jvisor.sentry.loader.ElfFile", "dev.jvisor.sentry.vfs.Vfs",
      "dev.jvisor.shim.proto.task.CreateTaskRequest", "dev.jvisor.shim.proto.task.ExecProcessRequest",
      "dev.jvisor.shim.proto.events.TaskCreate", "dev.jvisor.shim.task.Processes");

  private WarmUp() {}

  static void inBackground() {
    Thread t = new Thread(WarmUp::run, "shim-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void run() {
    long t0 = System.nanoTime();
    try {
      Bundle.parseProcess("{\"args\":[\"true\"],\"env\":[\"A=b\"],\"cwd\":\"/\"}".getBytes());
      SpecCheck.notApplied(new dev.jvisor.shim.oci.Spec());
      MountPlan.of(new dev.jvisor.shim.oci.Spec());
      dev.jvisor.host.Kvm.unavailabilityCause();
      for (String c : CLASSES) {
        Class.forName(c, true, WarmUp.class.getClassLoader());
      }
      LOG.fine(() -> "warm-up done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } catch (Exception | LinkageError e) {
      LOG.fine(() -> "warm-up stopped: " + e);
    }
  }
}
