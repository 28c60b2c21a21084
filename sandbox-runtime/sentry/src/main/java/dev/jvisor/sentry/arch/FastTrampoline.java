package dev.jvisor.sentry.arch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The PVM syscall trampoline with a shared-page fast path. SYSCALL stays in ring 3 on PVM and lands here. When
 * the host enabled the request page, the trampoline writes the syscall number and arguments into it, publishes
 * STATE = REQUEST and spins (PAUSE) while a host thread serves it and sets STATE = DONE: no VM exit at all. If
 * nobody takes the request within {@link #SPIN} rounds it retracts it (LOCK CMPXCHG REQUEST -> IDLE) and takes
 * the exit path (a store to the unbacked exit page, KVM_EXIT_MMIO). Registers: only RAX (result), RCX and R11
 * change, as the syscall ABI allows; RFLAGS is restored from R11 with POPFQ on a stack pointer moved below the
 * 128-byte red zone.
 *
 * <pre>
 *   cmp dword [req+ENABLED], 0 ; je slow
 *   cmp rax, 511 ; ja slow ; bt [req+SERVED_MAP], rax ; jnc slow   ; only numbers the host serves here
 *   mov [req+NR], rax ; mov [req+A0..A5], rdi rsi rdx r10 r8 r9 ; mov [req+RCX], rcx
 *   mov dword [req+SPIN], SPIN ; mov dword [req+STATE], REQUEST
 * wait:  pause ; cmp dword [req+STATE], DONE ; je done ; dec dword [req+SPIN] ; jnz wait
 *   mov eax, REQUEST ; xor ecx, ecx ; lock cmpxchg [req+STATE], ecx   ; try to take the request back
 *   mov rcx, [req+RCX] ; mov rax, [req+NR] ; je slow                   ; retracted: exit instead
 * wait2: pause ; cmp dword [req+STATE], DONE ; jne wait2               ; the host is serving it
 * done:  mov rax, [req+RESULT] ; mov dword [req+STATE], IDLE
 *   lea rsp, [rsp-128] ; push r11 ; popfq ; lea rsp, [rsp+128] ; jmp rcx
 * slow:  mov [exit], al ; jmp rcx
 * </pre>
 */
public final class FastTrampoline {
  public static final int STATE = 0, ENABLED = 4, SPIN_COUNT = 8, NR = 16, ARGS = 24, RESULT = 72, SAVED_RCX = 80;
  /** 512-bit map of the syscall numbers the host serves here; others go straight to the exit. */
  public static final int SERVED_MAP = 128, MAX_NR = 511;
  public static final int IDLE = 0, REQUEST = 1, SERVING = 2, DONE = 3;
  /** PAUSE rounds before the guest gives up on the fast path (~10 us on current cores). */
  public static final int SPIN = 300;

  private FastTrampoline() {}

  /** The SERVED_MAP bytes for the given syscall numbers. */
  public static byte[] servedMap(boolean[] served) {
    byte[] map = new byte[(MAX_NR + 1) / 8];
    for (int nr = 0; nr < served.length && nr <= MAX_NR; nr++) {
      if (served[nr]) {
        map[nr / 8] |= (byte) (1 << (nr % 8));
      }
    }
    return map;
  }

  /** The assembled page and where its exiting store is. */
  public record Code(byte[] page, int slowStoreOffset) {}

  private static final class Asm {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Map<String, Integer> labels = new HashMap<>();
    final Map<Integer, String> fixups = new HashMap<>();
    final long base;
    final long req;
    final long exit;

    Asm(long base, long req, long exit) {
      this.base = base;
      this.req = req;
      this.exit = exit;
    }

    int pos() {
      return out.size();
    }

    void bytes(int... b) {
      for (int x : b) {
        out.write(x);
      }
    }

    void int32(long v) {
      out.write((int) v);
      out.write((int) (v >> 8));
      out.write((int) (v >> 16));
      out.write((int) (v >> 24));
    }

    /** Opcode bytes, a rip-relative disp32 to {@code target}, then {@code trailing} immediate bytes. */
    void rip(long target, int[] trailing, int... opcode) {
      bytes(opcode);
      long end = base + pos() + 4 + trailing.length;
      long disp = target - end;
      if (disp != (int) disp) {
        throw new IllegalArgumentException("rip-relative target too far");
      }
      int32(disp);
      bytes(trailing);
    }

    /** A conditional near jump (0F 8x rel32): je is 0x84, jne 0x85. */
    void jcc(int cc, String label) {
      bytes(0x0F, cc);
      fixups.put(pos(), label);
      int32(0);
    }

    void label(String name) {
      labels.put(name, pos());
    }

    byte[] finish() {
      byte[] code = out.toByteArray();
      for (var f : fixups.entrySet()) {
        int at = f.getKey();
        int rel = labels.get(f.getValue()) - (at + 4);
        code[at] = (byte) rel;
        code[at + 1] = (byte) (rel >> 8);
        code[at + 2] = (byte) (rel >> 16);
        code[at + 3] = (byte) (rel >> 24);
      }
      return code;
    }
  }

  private static final int[] NONE = {};

  private static int[] imm32(int v) {
    return new int[] {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff};
  }

  /**
   * Assembles the trampoline page at guest address {@code base}, with the request page at {@code req} and the
   * exit page at {@code exit}.
   */
  public static Code assemble(long base, long req, long exit) {
    Asm a = new Asm(base, req, exit);
    a.rip(req + ENABLED, new int[] {0}, 0x83, 0x3D);                 // cmp dword [ENABLED], 0
    a.jcc(0x84, "slow");                                            // je slow
    a.bytes(0x48, 0x3D);                                             // cmp rax, MAX_NR
    a.int32(MAX_NR);
    a.jcc(0x87, "slow");                                             // ja slow (unsigned: negatives too)
    a.rip(req + SERVED_MAP, NONE, 0x48, 0x0F, 0xA3, 0x05);           // bt [SERVED_MAP], rax
    a.jcc(0x83, "slow");                                             // jnc slow
    a.rip(req + NR, NONE, 0x48, 0x89, 0x05);                         // mov [NR], rax
    a.rip(req + ARGS, NONE, 0x48, 0x89, 0x3D);                       // mov [A0], rdi
    a.rip(req + ARGS + 8, NONE, 0x48, 0x89, 0x35);                   // mov [A1], rsi
    a.rip(req + ARGS + 16, NONE, 0x48, 0x89, 0x15);                  // mov [A2], rdx
    a.rip(req + ARGS + 24, NONE, 0x4C, 0x89, 0x15);                  // mov [A3], r10
    a.rip(req + ARGS + 32, NONE, 0x4C, 0x89, 0x05);                  // mov [A4], r8
    a.rip(req + ARGS + 40, NONE, 0x4C, 0x89, 0x0D);                  // mov [A5], r9
    a.rip(req + SAVED_RCX, NONE, 0x48, 0x89, 0x0D);                  // mov [RCX], rcx
    a.rip(req + SPIN_COUNT, imm32(SPIN), 0xC7, 0x05);                // mov dword [SPIN], SPIN
    a.rip(req + STATE, imm32(REQUEST), 0xC7, 0x05);                  // mov dword [STATE], REQUEST
    a.label("wait");
    a.bytes(0xF3, 0x90);                                             // pause
    a.rip(req + STATE, new int[] {DONE}, 0x83, 0x3D);                // cmp dword [STATE], DONE
    a.jcc(0x84, "done");                                            // je done
    a.rip(req + SPIN_COUNT, NONE, 0xFF, 0x0D);                       // dec dword [SPIN]
    a.jcc(0x85, "wait");                                            // jnz wait
    a.bytes(0xB8);                                                   // mov eax, REQUEST
    a.int32(REQUEST);
    a.bytes(0x31, 0xC9);                                             // xor ecx, ecx
    a.rip(req + STATE, NONE, 0xF0, 0x0F, 0xB1, 0x0D);                // lock cmpxchg [STATE], ecx
    a.rip(req + SAVED_RCX, NONE, 0x48, 0x8B, 0x0D);                  // mov rcx, [RCX]
    a.rip(req + NR, NONE, 0x48, 0x8B, 0x05);                         // mov rax, [NR]
    a.jcc(0x84, "slow");                                            // je slow (retracted)
    a.label("wait2");
    a.bytes(0xF3, 0x90);                                             // pause
    a.rip(req + STATE, new int[] {DONE}, 0x83, 0x3D);                // cmp dword [STATE], DONE
    a.jcc(0x85, "wait2");                                           // jne wait2
    a.label("done");
    a.rip(req + RESULT, NONE, 0x48, 0x8B, 0x05);                     // mov rax, [RESULT]
    a.rip(req + STATE, imm32(IDLE), 0xC7, 0x05);                     // mov dword [STATE], IDLE
    a.bytes(0x48, 0x8D, 0x64, 0x24, 0x80);                           // lea rsp, [rsp-128]
    a.bytes(0x41, 0x53);                                             // push r11
    a.bytes(0x9D);                                                   // popfq
    a.bytes(0x48, 0x8D, 0xA4, 0x24, 0x80, 0x00, 0x00, 0x00);         // lea rsp, [rsp+128]
    a.bytes(0xFF, 0xE1);                                             // jmp rcx
    a.label("slow");
    int slow = a.pos();
    a.rip(exit, NONE, 0x88, 0x05);                                   // mov [exit], al
    a.bytes(0xFF, 0xE1);                                             // jmp rcx
    byte[] code = a.finish();
    ByteBuffer page = ByteBuffer.allocate((int) X86.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < page.capacity(); i++) {
      page.put(i, (byte) 0xCC);
    }
    page.put(0, code);
    return new Code(page.array(), slow);
  }
}
