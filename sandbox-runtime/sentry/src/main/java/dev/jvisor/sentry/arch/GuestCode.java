package dev.jvisor.sentry.arch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The only guest code jvisor supplies: 32 IDT stubs plus their common tail (ring 0), the PVM syscall trampoline
 * ({@link FastTrampoline}, ring 3) and the hardware-KVM syscall stub (ring 0). Every byte is listed here and checked by GuestCodeTest.
 *
 * <p>IDT stub for vector v (16-byte slots so the host can compute any stub's address):
 * <pre>
 *   6A 00        push 0          ; only for vectors without a CPU error code: keeps the frame uniform
 *   6A vv        push v          ; the vector, for the host
 *   E9 rel32     jmp common
 * common:
 *   E6 F8        out 0xF8, al    ; KVM_EXIT_IO on FAULT_PORT: the host reads vector, error code and the
 *                                ; interrupt frame at RSP, and CR2 from the synced sregs
 *   48 83 C4 10  add rsp, 16     ; drop vector and error code
 *   48 CF        iretq           ; resume the (possibly host-edited) user context
 * </pre>
 *
 * <p>The PVM trampoline (LSTAR; SYSCALL stays in ring 3 on PVM) is {@link FastTrampoline}.
 *
 * <p>Hardware-KVM syscall stub (LSTAR in ring 0; cannot run on PVM machines, so only its bytes are tested):
 * <pre>
 *   E6 F9        out 0xF9, al    ; KVM_EXIT_IO on SYSCALL_PORT: the host serves the syscall, sets RAX, RCX, R11
 *   48 0F 07     sysretq         ; back to ring 3 at RCX with RFLAGS = R11
 * </pre>
 */
public final class GuestCode {
  private GuestCode() {}

  public static final int FAULT_PORT = 0xF8;
  public static final int SYSCALL_PORT = 0xF9;
  public static final int STUB_SLOT = 16;
  public static final int VECTORS = 32;
  public static final int COMMON_OFFSET = VECTORS * STUB_SLOT;
  /** Offset of the hardware syscall stub within the stub page. */
  public static final int HW_SYSCALL_OFFSET = COMMON_OFFSET + 64;
  private static final byte INT3 = (byte) 0xCC;

  /** The ring-0 stub page: IDT stubs at {@code v * 16}, the common tail, and the hardware syscall stub. */
  public static byte[] stubPage() {
    ByteBuffer b = ByteBuffer.allocate((int) X86.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, INT3);
    }
    for (int v = 0; v < VECTORS; v++) {
      int at = v * STUB_SLOT;
      b.position(at);
      if (!X86.hasErrorCode(v)) {
        b.put((byte) 0x6A).put((byte) 0);
      }
      b.put((byte) 0x6A).put((byte) v);
      b.put((byte) 0xE9);
      int next = b.position() + 4;
      b.putInt(COMMON_OFFSET - next);
    }
    b.position(COMMON_OFFSET);
    b.put(new byte[] {(byte) 0xE6, (byte) FAULT_PORT, 0x48, (byte) 0x83, (byte) 0xC4, 0x10, 0x48, (byte) 0xCF});
    b.position(HW_SYSCALL_OFFSET);
    b.put(new byte[] {(byte) 0xE6, (byte) SYSCALL_PORT, 0x48, 0x0F, 0x07});
    return b.array();
  }

  /** Offset of the "add rsp, 16" after the common tail's OUT: where RIP rests while the host handles a fault. */
  public static final int COMMON_RESUME_OFFSET = COMMON_OFFSET + 2;

  /** Length of the PVM trampoline's exiting store, so the host knows where RIP may rest after the exit. */
  public static final int PVM_STORE_LENGTH = 6;
}
