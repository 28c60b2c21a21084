package dev.jvisor.sentry.kernel;

import static dev.jvisor.host.Kvm.*;

import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.platform.Vcpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86-64 rt_sigframe (arch/x86/include/asm/sigframe.h): return address (the handler's SA_RESTORER), a
 * ucontext (flags, link, stack, sigcontext, mask) and a siginfo, plus the FPU state below it (KVM's XSAVE area),
 * built on the user stack (or the alternate stack) below the 128-byte red zone.
 */
final class SignalFrames {
  static final int UC_OFF = 8, UC_SIZE = 304, INFO_OFF = UC_OFF + UC_SIZE, FRAME_SIZE = INFO_OFF + 128;
  static final int MCTX = UC_OFF + 40, SIGMASK = UC_OFF + 296, FPU_SIZE = 4096;
  private static final int[] GREG_ORDER = {REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
      REG_RDI, REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP, REG_RFLAGS};
  static final long SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000, SA_RESTART = 0x10000000,
      SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000L;

  private SignalFrames() {}

  /**
   * Writes a frame for {@code sig} describing the user context {@code ctx} (kvm_regs order, with the user's RIP,
   * RSP and RFLAGS filled in) and returns the new RSP, or -1 if the stack is unusable.
   */
  static long build(MemoryManager mm, Vcpu vcpu, long[] ctx, long altStackTop, long restorer, long oldMask,
      byte[] siginfo) {
    long sp = altStackTop != 0 ? altStackTop : ctx[REG_RSP / 8] - 128;
    long fpu = (sp - FPU_SIZE) & ~63L;
    long frame = ((fpu - FRAME_SIZE) & ~15L) - 8;
    ByteBuffer b = ByteBuffer.allocate(FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, restorer);
    for (int i = 0; i < GREG_ORDER.length; i++) {
      b.putLong(MCTX + 8 * i, ctx[GREG_ORDER[i] / 8]);
    }
    b.putShort(MCTX + 144, (short) 0x2b); // cs as Linux reports it
    b.putLong(MCTX + 184, fpu);
    b.putLong(MCTX + 168, oldMask);
    b.putLong(SIGMASK, oldMask);
    System.arraycopy(siginfo, 0, b.array(), INFO_OFF, Math.min(128, siginfo.length));
    byte[] fpuState = vcpu.saveFpu();
    if (mm.copyOut(fpu, fpuState, 0, fpuState.length) < 0 || mm.copyOut(frame, b.array(), 0, FRAME_SIZE) < 0) {
      return -1;
    }
    return frame;
  }

  /** Reads the frame rt_sigreturn finds at {@code rsp - 8}: the saved context (kvm_regs order) and mask. */
  static long[] restore(MemoryManager mm, Vcpu vcpu, long rsp, long[] maskOut) {
    long frame = rsp - 8;
    byte[] raw = new byte[FRAME_SIZE];
    if (mm.copyIn(frame, raw, 0, raw.length) < 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long[] ctx = new long[SIZEOF_REGS / 8];
    for (int i = 0; i < GREG_ORDER.length; i++) {
      ctx[GREG_ORDER[i] / 8] = b.getLong(MCTX + 8 * i);
    }
    maskOut[0] = b.getLong(SIGMASK);
    long fpu = b.getLong(MCTX + 184);
    if (fpu != 0) {
      byte[] state = new byte[FPU_SIZE];
      if (mm.copyIn(fpu, state, 0, state.length) >= 0) {
        try {
          vcpu.restoreFpu(state);
        } catch (RuntimeException e) {
          // A guest that scribbled over its saved FPU state keeps its current one, as a corrupt frame would.
        }
      }
    }
    return ctx;
  }

  /** A siginfo for a signal sent by a process ({@code SI_USER}). */
  static byte[] userInfo(int sig, int senderPid) {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, sig).putInt(8, 0).putInt(16, senderPid).putInt(20, 0);
    return b.array();
  }

  /** si_code values of SIGCHLD. */
  static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;

  /** A siginfo for SIGCHLD (or another exit signal): which child, what happened, its status or signal. */
  static byte[] childInfo(int sig, int code, int childPid, int status) {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, sig).putInt(8, code).putInt(16, childPid).putInt(20, 0).putInt(24, status);
    return b.array();
  }

  /** A siginfo for a fault signal, with the faulting address. */
  static byte[] faultInfo(int sig, int code, long addr) {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, sig).putInt(8, code).putLong(16, addr);
    return b.array();
  }
}
