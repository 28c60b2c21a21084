package dev.jvisor.sentry.platform;

import dev.jvisor.sentry.mm.PageTable;
import dev.jvisor.sentry.mm.PhysicalMemory;

/** A machine that runs guest user code: guest memory, address-space roots and vCPUs. */
public interface Platform extends AutoCloseable {
  /** Human-readable flavour, e.g. "kvm (PVM: ring-3 syscall trampoline)". */
  String describe();

  PhysicalMemory memory();

  /**
   * A fresh address-space root with the platform's fixed mappings (kernel half, syscall trampoline) in place.
   * User mappings are added by the memory manager.
   */
  PageTable newPageTable();

  /**
   * Guest-physical address of the syscall request page mapped into {@code pt} (the shared-page fast path), or -1
   * where the platform has none (hardware flavour).
   */
  long requestPage(PageTable pt);

  /** True if {@code rip} lies in the platform's syscall trampoline (a task interrupted mid-syscall). */
  default boolean inSyscallTrampoline(long rip) {
    return false;
  }

  /** Lowest user address the platform reserves at the top of the user half: user mappings stay below it. */
  long userLimit();

  /**
   * A vCPU bound to the calling thread in a fresh task's state: an idle one or a new one; null when {@link
   * #maxVcpus} exist and all are in use.
   */
  Vcpu newVcpu();

  /**
   * An address space's page tables were freed. Their frames will be reused, possibly as page tables at other
   * places, while a hypervisor's shadow of the old tables may live on; translations in it to frames that are
   * freed are dropped with those frames, but the platform's own never-freed frames mapped into every address
   * space (the syscall trampoline) must be invalidated here, or a reused table could still lead to them.
   */
  default void addressSpaceDestroyed() {}

  /** How many vCPUs this platform creates at most. */
  int maxVcpus();

  /**
   * Tells the platform that a leaf mapping of {@code gpa} was removed or lost permissions, so cached
   * translations (shadow page tables, TLBs) must not keep using it.
   */
  void invalidate(long gpa);

  /**
   * {@link #invalidate} for each of {@code gpas[0..n)} (sorted in place), one host call per run of adjacent frames.
   */
  default void invalidate(long[] gpas, int n) {
    for (int i = 0; i < n; i++) {
      invalidate(gpas[i]);
    }
  }

  @Override
  void close();
}
