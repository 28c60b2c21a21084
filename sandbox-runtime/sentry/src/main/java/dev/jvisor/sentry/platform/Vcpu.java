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

  /**
   * The user state of the task on this vCPU (registers, FS/GS base, address space, FPU), so the task can continue
   * on another vCPU. Only between {@link #run()} calls at a syscall or interrupt exit, never at a fault.
   */
  Object saveContext();

  /**
   * Binds this vCPU to the calling thread in the state a fresh task starts from, then loads {@code context} from
   * {@link #saveContext} (of any vCPU of the same platform) if it is not null.
   */
  void loadContext(Object context);

  /** Makes a running {@link #run()} return {@link ExitKind#INTERRUPTED} soon; callable from any thread. */
  void kick();

  @Override
  void close();
}
