package dev.jvisor.sentry.arch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The guest code bytes, checked against their documented encodings. */
class GuestCodeTest {
  private static int u8(byte[] b, int at) {
    return b[at] & 0xff;
  }

  private static int rel32(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  @Test
  void idtStubsPushAUniformFrameAndJumpToTheCommonTail() {
    byte[] page = GuestCode.stubPage();
    for (int v = 0; v < GuestCode.VECTORS; v++) {
      int at = v * GuestCode.STUB_SLOT;
      if (!X86.hasErrorCode(v)) {
        assertThat(u8(page, at)).as("push 0 for vector %d", v).isEqualTo(0x6A);
        assertThat(u8(page, at + 1)).isZero();
        at += 2;
      }
      assertThat(u8(page, at)).as("push imm8 for vector %d", v).isEqualTo(0x6A);
      assertThat(u8(page, at + 1)).isEqualTo(v);
      assertThat(u8(page, at + 2)).isEqualTo(0xE9);
      assertThat(at + 7 + rel32(page, at + 3)).as("jmp target of vector %d", v).isEqualTo(GuestCode.COMMON_OFFSET);
    }
    int c = GuestCode.COMMON_OFFSET;
    assertThat(new int[] {u8(page, c), u8(page, c + 1), u8(page, c + 2), u8(page, c + 3), u8(page, c + 4),
        u8(page, c + 5), u8(page, c + 6), u8(page, c + 7)})
        .containsExactly(0xE6, GuestCode.FAULT_PORT, 0x48, 0x83, 0xC4, 0x10, 0x48, 0xCF);
  }

  @Test
  void errorCodeVectorsAreTheArchitecturalOnes() {
    assertThat(java.util.stream.IntStream.range(0, 32).filter(X86::hasErrorCode).toArray())
        .containsExactly(8, 10, 11, 12, 13, 14, 17, 21);
  }

  @Test
  void hardwareSyscallStubExitsThenReturnsWithSysret() {
    byte[] page = GuestCode.stubPage();
    int h = GuestCode.HW_SYSCALL_OFFSET;
    assertThat(new int[] {u8(page, h), u8(page, h + 1), u8(page, h + 2), u8(page, h + 3), u8(page, h + 4)})
        .containsExactly(0xE6, GuestCode.SYSCALL_PORT, 0x48, 0x0F, 0x07);
  }

  @Test
  void fastTrampolineChecksTheEnableFlagThenExitsThroughTheStoreAtItsSlowLabel() {
    long base = 0x7fffffffd000L;
    long req = base - 0x2000;
    long exit = base + 0x1000;
    FastTrampoline.Code c = FastTrampoline.assemble(base, req, exit);
    byte[] p = c.page();
    // cmp dword [rip+d], 0 with d naming the ENABLED word
    assertThat(u8(p, 0)).isEqualTo(0x83);
    assertThat(u8(p, 1)).isEqualTo(0x3D);
    assertThat(base + 7 + rel32(p, 2)).isEqualTo(req + FastTrampoline.ENABLED);
    assertThat(u8(p, 6)).isZero();
    // je slow (near form) right after it
    assertThat(u8(p, 7)).isEqualTo(0x0F);
    assertThat(u8(p, 8)).isEqualTo(0x84);
    assertThat(13 + rel32(p, 9)).isEqualTo(c.slowStoreOffset());
    // cmp rax, 511; ja slow; bt [rip+d], rax (d naming the served-syscall bitmap); jnc slow
    assertThat(new int[] {u8(p, 13), u8(p, 14), u8(p, 15), u8(p, 16)}).containsExactly(0x48, 0x3D, 0xFF, 0x01);
    assertThat(new int[] {u8(p, 19), u8(p, 20)}).containsExactly(0x0F, 0x87);
    assertThat(25 + rel32(p, 21)).isEqualTo(c.slowStoreOffset());
    assertThat(new int[] {u8(p, 25), u8(p, 26), u8(p, 27), u8(p, 28)}).containsExactly(0x48, 0x0F, 0xA3, 0x05);
    assertThat(base + 33 + rel32(p, 29)).isEqualTo(req + FastTrampoline.SERVED_MAP);
    assertThat(new int[] {u8(p, 33), u8(p, 34)}).containsExactly(0x0F, 0x83);
    assertThat(39 + rel32(p, 35)).isEqualTo(c.slowStoreOffset());
    // slow: mov [rip+d], al into the exit page; jmp rcx; then int3 padding
    int s = c.slowStoreOffset();
    assertThat(u8(p, s)).isEqualTo(0x88);
    assertThat(u8(p, s + 1)).isEqualTo(0x05);
    assertThat(base + s + 6 + rel32(p, s + 2)).isEqualTo(exit);
    assertThat(u8(p, s + 6)).isEqualTo(0xFF);
    assertThat(u8(p, s + 7)).isEqualTo(0xE1);
    assertThat(u8(p, s + 8)).isEqualTo(0xCC);
    // the fast return restores RFLAGS below the red zone: lea rsp,[rsp-128]; push r11; popfq; lea rsp,[rsp+128]
    String hex = java.util.HexFormat.of().formatHex(p, 0, s);
    assertThat(hex).contains("488d642480" + "4153" + "9d" + "488da42480000000" + "ffe1");
    assertThat(hex).contains("f00fb10d"); // lock cmpxchg [rip+d], ecx: the retract
  }

  @Test
  void descriptorsEncodeBaseLimitAndType() {
    long[] tss = Segments.tssDescriptor(0xffffec0000100000L);
    assertThat(tss[0] & 0xFFFF).isEqualTo(103);
    assertThat((tss[0] >>> 40) & 0xFF).isEqualTo(0x89);
    assertThat(tss[1]).isEqualTo(0xffffec00L);
    long[] gate = Segments.interruptGate(0xffffec0000002000L, 1, 3);
    assertThat((gate[0] >>> 16) & 0xFFFF).isEqualTo(Segments.KERNEL_CS);
    assertThat((gate[0] >>> 32) & 7).isEqualTo(1);
    assertThat((gate[0] >>> 40) & 0xFF).isEqualTo(0xEE);
    assertThat(gate[0] & 0xFFFF).isEqualTo(0x2000);
    assertThat(gate[1]).isEqualTo(0xffffec00L);
    assertThat(Segments.STAR).isEqualTo(0x0018000800000000L);
  }
}
