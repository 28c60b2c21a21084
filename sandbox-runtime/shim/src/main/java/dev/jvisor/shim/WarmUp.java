package dev.jvisor.shim;

import dev.jvisor.shim.events.TtrpcEventPublisher;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.oci.MountPlan;
import dev.jvisor.shim.oci.SpecCheck;
import dev.jvisor.shim.oci.Spec;
import dev.jvisor.shim.proto.task.CreateTaskRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Work every pod's start needs, done on a background thread from the daemon's first moment: the Create request's
 * decode and the config.json parser first (the pod sandbox's Create waits on them), then, once that Create is
 * answered, what the first app container needs (the Sentry, the native bindings, the KVM probe) while containerd
 * prepares it. Nothing is booted and nothing is kept; a failure only costs the head start. It never runs ahead of
 * a real request's work: both just initialize the same classes, and the JVM makes the later one wait.
 */
final class WarmUp {
  private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());
  /**
   * Classes whose static initialization is expensive and certain to come for the first app container (Sentry
   * boot, an exec's message); the first phase has already run the Create message and the events' descriptors.
   */
  private static final List<String> CLASSES = List.of("dev.jvisor.sentry.kernel.Kernel",
      "dev.jvisor.sentry.kernel.SandboxImpl", "dev.jvisor.sentry.syscalls.Linux64",
      "dev.jvisor.sentry.platform.kvm.KvmMachine", "dev.jvisor.sentry.platform.kvm.KvmVcpu",
      "dev.jvisor.sentry.mm.MemoryManager", "dev.jvisor.sentry.loader.ElfFile", "dev.jvisor.sentry.vfs.Vfs",
      "dev.jvisor.shim.proto.task.ExecProcessRequest", "dev.jvisor.shim.task.Processes");

  /** How long the second phase waits for the pod sandbox's Create before going ahead anyway. */
  static final Duration FIRST_CREATE_WAIT = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(5);

  private WarmUp() {}

  /**
   * Phase one (what the pod sandbox's Create decodes and parses) at once; phase two ({@code afterFirstCreate},
   * then the Sentry's and the KVM probe's classes) once {@code created} says the first container exists, so the
   * two cores serve the pod sandbox's Create first instead of sharing it with work only an app container needs.
   */
  static void inBackground(BooleanSupplier created, Runnable afterFirstCreate) {
    Thread t = new Thread(() -> run(created, afterFirstCreate), "shim-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private static void run(BooleanSupplier created, Runnable afterFirstCreate) {
    long t0 = System.nanoTime();
    try {
      CreateTaskRequest.parseFrom(CreateTaskRequest.newBuilder().setId("warm-up").setBundle("/").build()
          .toByteArray());
      Bundle.warmUp();
      TtrpcEventPublisher.warmUp(); // the events' descriptors, built by the first event (TaskCreate)
      Bundle.parseProcess("{\"args\":[\"true\"],\"env\":[\"A=b\"],\"cwd\":\"/\"}".getBytes());
      SpecCheck.notApplied(new Spec());
      MountPlan.of(new Spec());
    } catch (Exception | LinkageError e) {
      LOG.fine(() -> "warm-up, first phase stopped: " + e);
    }
    long phaseOne = System.nanoTime() - t0;
    long deadline = System.nanoTime() + FIRST_CREATE_WAIT.toNanos();
    try {
      while (!created.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long t1 = System.nanoTime();
    afterFirstCreate.run(); // not warm-up: it must happen whatever the warm-up met
    try {
      dev.jvisor.host.Kvm.unavailabilityCause();
      for (String c : CLASSES) {
        Class.forName(c, true, WarmUp.class.getClassLoader());
      }
      LOG.fine(() -> "warm-up done: " + phaseOne / 1_000_000 + " ms, then " + (System.nanoTime() - t1) / 1_000_000
          + " ms after the first Create");
    } catch (Exception | LinkageError e) {
      LOG.fine(() -> "warm-up, second phase stopped: " + e);
    }
  }
}
