package dev.jvisor.sentry.platform.kvm;

/**
 * Fixed guest addresses. The kernel half starts at 0xffffec0000000000: on PVM a base of 0xffff800000000000
 * gave wrong page-fault error codes, bases from 0xffffe80000000000 worked (reference/sentry-on-kvm.md).
 */
final class Layout {
  private Layout() {}

  static final long KERNEL_BASE = 0xffff_ec00_0000_0000L;
  static final int KERNEL_PML4_INDEX = (int) ((KERNEL_BASE >>> 39) & 0x1FF);
  static final long GDT_VA = KERNEL_BASE;
  static final long IDT_VA = KERNEL_BASE + 0x1000;
  static final long STUBS_VA = KERNEL_BASE + 0x2000;
  /** vCPU i's TSS page is at VCPU_AREA + i * VCPU_STRIDE; its exception stack follows it. */
  static final long VCPU_AREA = KERNEL_BASE + 0x10_0000;
  static final long VCPU_STRIDE = 0x1_0000;
  static final int STACK_PAGES = 4;
  static final int MAX_VCPUS = 256;

  /** The syscall trampoline (user, read-only, executable) and the exit page just above it, top of the user half. */
  static final long TRAMPOLINE_VA = 0x7fff_ffff_d000L;
  static final long EXIT_VA = TRAMPOLINE_VA + 0x1000;
  /** The syscall request page (user read/write) shared by a task and its host poller: below the trampoline. */
  static final long REQUEST_VA = TRAMPOLINE_VA - 0x2000;
  /** Guest-physical address with no memslot: stores to it exit with KVM_EXIT_MMIO. Below any MAXPHYADDR >= 39. */
  static final long EXIT_GPA = 1L << 38;
}
