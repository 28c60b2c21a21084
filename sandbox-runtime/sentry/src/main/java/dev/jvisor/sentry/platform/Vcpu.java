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

  /**
   * Sets where user mode resumes (execve, a clone child, signal delivery and sigreturn): at a syscall exit on
   * hardware KVM this goes through RCX/R11 for SYSRETQ; otherwise RIP and RFLAGS are set directly.
   */
  void setUserContext(long rip, long rsp, long rflags);

  /** After a FAULT exit: the user context (rip, rflags, rsp) the exception stub will return to. */
  long[] faultContext();

  /** After a FAULT exit: makes the exception stub return to another user context (signal delivery). */
  void setFaultReturn(long rip, long rflags, long rsp);

  /** The user FPU/SSE/AVX state (KVM_GET_XSAVE, 4096 bytes). */
  byte[] saveFpu();

  void restoreFpu(byte[] state);

  /** Switches the address space this vCPU runs with (CR3). */
  void setPageTableRoot(long gpa);

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
