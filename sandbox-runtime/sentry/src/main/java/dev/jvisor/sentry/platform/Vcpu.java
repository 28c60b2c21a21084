package dev.jvisor.sentry.platform;

/**
 * A virtual CPU bound to one host thread. Registers are read and written in place (on KVM through the shared
 * kvm_run page) between {@link #run()} calls; offsets are those of {@code struct kvm_regs}
 * ({@link dev.jvisor.host.Kvm#REG_RAX} ...).
 */
public interface Vcpu extends AutoCloseable {
  /** Runs guest user code until the next syscall, fault or kick. */
  ExitKind run();

  long reg(int offset);

  void setReg(int offset, long value);

  /** Completes the syscall that made {@link #run()} return: result in RAX, resume after the SYSCALL. */
  void completeSyscall(long result);

  /** Switches the address space this vCPU runs with (CR3). */
  void setPageTableRoot(long gpa);

  /** Forgets every cached translation (after mappings were removed or lost permissions). */
  void flushTranslations();

  long fsBase();

  void setFsBase(long base);

  int faultVector();

  long faultErrorCode();

  /** Faulting address (CR2) of the last page fault. */
  long faultAddress();

  /** User RIP at the time of the fault. */
  long faultRip();

  String exitDetail();

  /** Makes a running {@link #run()} return {@link ExitKind#INTERRUPTED} soon; callable from any thread. */
  void kick();

  @Override
  void close();
}
