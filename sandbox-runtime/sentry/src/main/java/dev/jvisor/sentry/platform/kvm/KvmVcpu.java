package dev.jvisor.sentry.platform.kvm;

import static dev.jvisor.host.Kvm.*;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostException;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.arch.GuestCode;
import dev.jvisor.sentry.arch.Segments;
import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.platform.ExitKind;
import dev.jvisor.sentry.platform.Vcpu;
import java.nio.ByteBuffer;

/**
 * A KVM vCPU on one host thread. Guest registers live in kvm_run's sync-regs area (KVM_CAP_SYNC_REGS): read after
 * each exit and written back by marking them dirty, so the hot path makes exactly one ioctl (KVM_RUN) per exit.
 */
final class KvmVcpu implements Vcpu {
  private static final int R = RUN_SYNC_REGS;
  private static final int S = RUN_SYNC_SREGS;

  private final KvmMachine machine;
  private final int fd;
  private final long runAddress;
  private final ByteBuffer run;
  private final long stackVa;
  private final long stackTop;
  private final long[] stackFrames;
  private final long scratch;
  private final long tssVa;
  private volatile long thread;
  private volatile boolean kicked;
  private int dirty;
  /** The sregs copy in the sync area matches the vCPU (fetched since the last run, or holds pending writes). */
  private boolean sregsFresh;
  /** Hardware flavour: stopped inside the ring-0 syscall stub, so the way back to ring 3 is SYSRETQ. */
  private boolean atHwSyscall;
  private String detail = "";
  private int faultVector;
  private long faultError;
  private long faultRip;

  KvmVcpu(KvmMachine machine, int id, long areaVa, long stackTop, long[] stackFrames) {
    this.machine = machine;
    this.stackVa = areaVa + 0x1000;
    this.stackTop = stackTop;
    this.stackFrames = stackFrames;
    this.fd = LibC.check("KVM_CREATE_VCPU", LibC.ioctl(machine.vmFd(), KVM_CREATE_VCPU, id));
    this.runAddress = LibC.check("mmap kvm_run", LibC.mmap(0, machine.runSize(),
        LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0));
    this.run = LibC.buffer(runAddress, machine.runSize());
    this.scratch = LibC.allocate(8192);
    this.tssVa = areaVa;
    this.thread = LibC.pthread_self();
    LibC.installKickHandler();
    setCpuid();
    if (machine.flavour() == Flavour.HARDWARE) {
      setXcr0();
    }
    reset();
  }

  /**
   * Puts the vCPU into the state a new task starts from: ring 3 user segments (a task that died inside a fault
   * stub left it in ring 0), syscall MSRs, and registers loaded into the sync area. Binds it to the calling thread.
   */
  void reset() {
    thread = LibC.pthread_self();
    kicked = false;
    run.put(RUN_IMMEDIATE_EXIT, (byte) 0);
    setSregs(tssVa);
    setMsrs();
    LibC.check("KVM_GET_REGS", LibC.ioctl(fd, KVM_GET_REGS, scratch));
    ByteBuffer regs = LibC.buffer(scratch, SIZEOF_REGS);
    for (int i = 0; i < SIZEOF_REGS; i += 8) {
      run.putLong(R + i, regs.getLong(i));
    }
    LibC.check("KVM_GET_SREGS", LibC.ioctl(fd, KVM_GET_SREGS, scratch));
    ByteBuffer sregs = LibC.buffer(scratch, SIZEOF_SREGS);
    for (int i = 0; i < SIZEOF_SREGS; i++) {
      run.put(S + i, sregs.get(i));
    }
    run.putLong(R + REG_RFLAGS, X86.RFLAGS_FIXED | X86.RFLAGS_IF);
    dirty = KVM_SYNC_X86_REGS;
    sregsFresh = true;
  }

  /** Brings the sync area's sregs up to date with one KVM_GET_SREGS (not on the syscall hot path). */
  private void freshSregs() {
    if (sregsFresh || (dirty & KVM_SYNC_X86_SREGS) != 0) {
      return;
    }
    LibC.check("KVM_GET_SREGS", LibC.ioctl(fd, KVM_GET_SREGS, scratch));
    ByteBuffer sregs = LibC.buffer(scratch, SIZEOF_SREGS);
    for (int i = 0; i < SIZEOF_SREGS; i += 8) {
      run.putLong(S + i, sregs.getLong(i));
    }
    sregsFresh = true;
  }

  private void setCpuid() {
    byte[] c = machine.cpuid();
    LibC.copyIn(scratch, c, 0, c.length);
    LibC.check("KVM_SET_CPUID2", LibC.ioctl(fd, KVM_SET_CPUID2, scratch));
  }

  private static void segment(ByteBuffer b, int at, long base, int limit, int selector, int type, int s, int dpl,
      int db, int l, int g) {
    b.putLong(at + SEG_BASE, base).putInt(at + SEG_LIMIT, limit).putShort(at + SEG_SELECTOR, (short) selector);
    b.put(at + SEG_TYPE, (byte) type).put(at + SEG_PRESENT, (byte) 1).put(at + SEG_DPL, (byte) dpl)
        .put(at + SEG_DB, (byte) db).put(at + SEG_S, (byte) s).put(at + SEG_L, (byte) l).put(at + SEG_G, (byte) g)
        .put(at + SEG_AVL, (byte) 0).put(at + SEG_UNUSABLE, (byte) 0);
  }

  private void setSregs(long tssVa) {
    LibC.check("KVM_GET_SREGS", LibC.ioctl(fd, KVM_GET_SREGS, scratch));
    ByteBuffer b = LibC.buffer(scratch, SIZEOF_SREGS);
    // The task starts (and always resumes) in ring 3 with 64-bit user code and data segments.
    segment(b, SREG_CS, 0, 0xFFFFFFFF, Segments.USER_CS, 0xB, 1, 3, 0, 1, 1);
    for (int seg : new int[] {SREG_DS, SREG_ES, SREG_FS, SREG_GS, SREG_SS}) {
      segment(b, seg, 0, 0xFFFFFFFF, Segments.USER_DS, 0x3, 1, 3, 1, 0, 1);
    }
    segment(b, SREG_TR, tssVa, Segments.TSS_SIZE - 1, Segments.TSS, 0xB, 0, 0, 0, 0, 0);
    b.putLong(SREG_GDT, Layout.GDT_VA).putShort(SREG_GDT + 8, (short) (Segments.GDT_ENTRIES * 8 - 1));
    b.putLong(SREG_IDT, Layout.IDT_VA).putShort(SREG_IDT + 8, (short) (256 * 16 - 1));
    b.putLong(SREG_CR0, X86.CR0).putLong(SREG_CR4, X86.CR4).putLong(SREG_EFER, X86.EFER);
    b.putLong(SREG_CR3, machine.kernelTemplate().root());
    LibC.check("KVM_SET_SREGS", LibC.ioctl(fd, KVM_SET_SREGS, scratch));
  }

  private void setMsrs() {
    long lstar = machine.flavour() == Flavour.PVM
        ? Layout.TRAMPOLINE_VA
        : Layout.STUBS_VA + GuestCode.HW_SYSCALL_OFFSET;
    long[][] msrs = {
      {X86.MSR_STAR, Segments.STAR}, {X86.MSR_LSTAR, lstar}, {X86.MSR_CSTAR, lstar},
      {X86.MSR_SFMASK, X86.SFMASK}, {X86.MSR_PAT, X86.PAT_DEFAULT}, {X86.MSR_FS_BASE, 0}, {X86.MSR_GS_BASE, 0},
      {X86.MSR_KERNEL_GS_BASE, 0}, {X86.MSR_MTRR_DEF_TYPE, X86.MTRR_DEF_TYPE_WB}
    };
    ByteBuffer b = LibC.buffer(scratch, SIZEOF_MSRS_HEADER + (long) msrs.length * SIZEOF_MSR_ENTRY);
    b.putInt(0, msrs.length).putInt(4, 0);
    for (int i = 0; i < msrs.length; i++) {
      int at = SIZEOF_MSRS_HEADER + i * SIZEOF_MSR_ENTRY;
      b.putInt(at, (int) msrs[i][0]).putInt(at + 4, 0).putLong(at + 8, msrs[i][1]);
    }
    int n = LibC.ioctl(fd, KVM_SET_MSRS, scratch);
    if (n != msrs.length) {
      throw new HostException("KVM_SET_MSRS (set " + n + " of " + msrs.length + ")", LibC.errno());
    }
  }

  private void setXcr0() {
    ByteBuffer b = LibC.buffer(scratch, SIZEOF_XCRS);
    for (int i = 0; i < SIZEOF_XCRS; i++) {
      b.put(i, (byte) 0);
    }
    b.putInt(0, 1).putInt(8, 0).putLong(16, 0x7); // XCR0 = x87 | SSE | AVX
    LibC.check("KVM_SET_XCRS", LibC.ioctl(fd, KVM_SET_XCRS, scratch));
  }

  @Override
  public ExitKind run() {
    while (true) {
      if (kicked) {
        kicked = false;
        return ExitKind.INTERRUPTED;
      }
      // Only the general registers come back on every exit: copying the segment registers out costs KVM real
      // work per exit, and the Sentry needs them only for faults, TLS and address-space switches (freshSregs).
      run.putLong(RUN_VALID_REGS, KVM_SYNC_X86_REGS);
      sregsFresh = false;
      run.putLong(RUN_DIRTY_REGS, dirty);
      int rc = LibC.ioctl(fd, KVM_RUN, 0);
      dirty = 0;
      atHwSyscall = false;
      if (rc < 0) {
        int e = LibC.errno();
        run.put(RUN_IMMEDIATE_EXIT, (byte) 0);
        if (e == Errno.EINTR || e == Errno.EAGAIN) {
          if (kicked) {
            kicked = false;
            return ExitKind.INTERRUPTED;
          }
          continue;
        }
        throw new HostException("KVM_RUN", e);
      }
      int reason = run.getInt(RUN_EXIT_REASON);
      switch (reason) {
        case KVM_EXIT_MMIO -> {
          long addr = run.getLong(RUN_MMIO_PHYS_ADDR);
          boolean write = run.get(RUN_MMIO_IS_WRITE) != 0;
          long rip = reg(REG_RIP);
          long store = Layout.TRAMPOLINE_VA + machine.slowStoreOffset();
          if (addr == Layout.EXIT_GPA && write && (rip == store || rip == store + GuestCode.PVM_STORE_LENGTH)) {
            return ExitKind.SYSCALL;
          }
          // Any other access to the exit page is the program poking at it: a segfault, as on Linux.
          faultVector = X86.VEC_PF;
          faultError = X86.PF_USER | X86.PF_PRESENT | (write ? X86.PF_WRITE : 0);
          faultRip = rip;
          detail = "access to the syscall exit page at 0x" + Long.toHexString(addr);
          return ExitKind.DEAD;
        }
        case KVM_EXIT_IO -> {
          int port = run.getShort(RUN_IO_PORT) & 0xFFFF;
          if (port == GuestCode.FAULT_PORT) {
            readFaultFrame();
            return ExitKind.FAULT;
          }
          if (port == GuestCode.SYSCALL_PORT) {
            atHwSyscall = true;
            return ExitKind.SYSCALL;
          }
          detail = "unexpected I/O exit on port 0x" + Integer.toHexString(port);
          return ExitKind.DEAD;
        }
        case KVM_EXIT_INTR -> {
          if (kicked) {
            kicked = false;
            return ExitKind.INTERRUPTED;
          }
        }
        case KVM_EXIT_SHUTDOWN -> {
          detail = "triple fault (KVM_EXIT_SHUTDOWN) at rip 0x" + Long.toHexString(reg(REG_RIP));
          return ExitKind.DEAD;
        }
        default -> {
          detail = "unexpected KVM exit " + reason + " at rip 0x" + Long.toHexString(reg(REG_RIP))
              + " (suberror " + run.getInt(RUN_INTERNAL_SUBERROR) + ")";
          return ExitKind.DEAD;
        }
      }
    }
  }

  /** Reads vector, error code and the user RIP that the IDT stub left on this vCPU's exception stack. */
  private void readFaultFrame() {
    long rsp = reg(REG_RSP);
    faultVector = (int) readStack(rsp);
    faultError = readStack(rsp + 8);
    faultRip = readStack(rsp + 16);
  }

  private long readStack(long va) {
    long off = va - stackVa;
    if (off < 0 || off + 8 > stackTop - stackVa) {
      throw new IllegalStateException("fault frame outside the exception stack: 0x" + Long.toHexString(va));
    }
    return machine.memory().getLong(stackFrames[(int) (off >>> 12)] + (off & 0xFFF));
  }

  private void writeStack(long va, long value) {
    long off = va - stackVa;
    machine.memory().putLong(stackFrames[(int) (off >>> 12)] + (off & 0xFFF), value);
  }

  @Override
  public long[] faultContext() {
    long frame = reg(REG_RSP) + 16; // past vector and error code: rip, cs, rflags, rsp, ss
    return new long[] {readStack(frame), readStack(frame + 16), readStack(frame + 24)};
  }

  @Override
  public void setFaultReturn(long rip, long rflags, long rsp) {
    long frame = reg(REG_RSP) + 16;
    writeStack(frame, rip);
    writeStack(frame + 16, (rflags & X86.RFLAGS_USER_MASK) | X86.RFLAGS_FIXED | X86.RFLAGS_IF);
    writeStack(frame + 24, rsp);
  }

  @Override
  public byte[] saveFpu() {
    LibC.check("KVM_GET_XSAVE", LibC.ioctl(fd, KVM_GET_XSAVE, scratch));
    byte[] out = new byte[4096];
    LibC.copyOut(scratch, out, 0, out.length);
    return out;
  }

  @Override
  public void restoreFpu(byte[] state) {
    LibC.copyIn(scratch, state, 0, 4096);
    // The guest handed this back through its signal frame: keep the XSAVE header sane or KVM refuses it.
    LibC.check("KVM_SET_XSAVE", LibC.ioctl(fd, KVM_SET_XSAVE, scratch));
  }

  @Override
  public long reg(int offset) {
    return run.getLong(R + offset);
  }

  @Override
  public void setReg(int offset, long value) {
    run.putLong(R + offset, value);
    dirty |= KVM_SYNC_X86_REGS;
  }

  @Override
  public void completeSyscall(long result) {
    run.putLong(R + REG_RAX, result);
    if (machine.flavour() == Flavour.PVM) {
      // Back to the instruction after SYSCALL with the flags SYSCALL saved (user-controllable bits only).
      run.putLong(R + REG_RIP, run.getLong(R + REG_RCX));
      long flags = (run.getLong(R + REG_R11) & X86.RFLAGS_USER_MASK) | X86.RFLAGS_FIXED | X86.RFLAGS_IF;
      run.putLong(R + REG_RFLAGS, flags);
    }
    dirty |= KVM_SYNC_X86_REGS;
  }

  @Override
  public void setUserContext(long rip, long rsp, long rflags) {
    long flags = (rflags & X86.RFLAGS_USER_MASK) | X86.RFLAGS_FIXED | X86.RFLAGS_IF;
    if (atHwSyscall) {
      run.putLong(R + REG_RCX, rip);
      run.putLong(R + REG_R11, flags);
    } else {
      run.putLong(R + REG_RIP, rip);
      run.putLong(R + REG_RFLAGS, flags);
    }
    run.putLong(R + REG_RSP, rsp);
    dirty |= KVM_SYNC_X86_REGS;
  }

  @Override
  public void setPageTableRoot(long gpa) {
    freshSregs();
    if ((run.getLong(S + SREG_CR3) & X86.PTE_ADDR_MASK) != gpa) {
      run.putLong(S + SREG_CR3, gpa);
      dirty |= KVM_SYNC_X86_SREGS;
    }
  }

  @Override
  public long fsBase() {
    freshSregs();
    return run.getLong(S + SREG_FS + SEG_BASE);
  }

  @Override
  public void setFsBase(long base) {
    freshSregs();
    run.putLong(S + SREG_FS + SEG_BASE, base);
    dirty |= KVM_SYNC_X86_SREGS;
  }

  @Override
  public int faultVector() {
    return faultVector;
  }

  @Override
  public long faultErrorCode() {
    return faultError;
  }

  @Override
  public long faultAddress() {
    freshSregs();
    return run.getLong(S + SREG_CR2);
  }


  @Override
  public long faultRip() {
    return faultRip;
  }

  @Override
  public String exitDetail() {
    return detail;
  }

  /** A task's user state off any vCPU. */
  private record Context(byte[] regs, long fsBase, long gsBase, long cr3, byte[] fpu) {}

  @Override
  public Object saveContext() {
    freshSregs();
    byte[] regs = new byte[SIZEOF_REGS];
    run.get(R, regs);
    if (atHwSyscall) {
      // Stopped in the ring-0 stub, which would SYSRETQ to RCX with R11's flags: the context resumes there in
      // ring 3 directly instead.
      ByteBuffer b = ByteBuffer.wrap(regs).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putLong(REG_RIP, b.getLong(REG_RCX));
      b.putLong(REG_RFLAGS, (b.getLong(REG_R11) & X86.RFLAGS_USER_MASK) | X86.RFLAGS_FIXED | X86.RFLAGS_IF);
    }
    return new Context(regs, run.getLong(S + SREG_FS + SEG_BASE), run.getLong(S + SREG_GS + SEG_BASE),
        run.getLong(S + SREG_CR3), saveFpu());
  }

  @Override
  public void loadContext(Object context) {
    reset();
    atHwSyscall = false;
    if (context == null) {
      return;
    }
    Context c = (Context) context;
    run.put(R, c.regs());
    run.putLong(S + SREG_FS + SEG_BASE, c.fsBase());
    run.putLong(S + SREG_GS + SEG_BASE, c.gsBase());
    run.putLong(S + SREG_CR3, c.cr3());
    dirty |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    restoreFpu(c.fpu());
  }

  @Override
  public void kick() {
    kicked = true;
    run.put(RUN_IMMEDIATE_EXIT, (byte) 1);
    LibC.pthread_kill(thread, LibC.SIG_KICK);
  }

  /** The task is done with this vCPU: back to the machine's pool. */
  @Override
  public void close() {
    machine.release(this);
  }

  void destroy() {
    LibC.munmap(runAddress, machine.runSize());
    LibC.close(fd);
    LibC.free(scratch);
  }
}
