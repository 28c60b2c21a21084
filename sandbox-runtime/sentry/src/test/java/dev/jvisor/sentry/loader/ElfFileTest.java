package dev.jvisor.sentry.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile and real ELF headers. */
class ElfFileTest {
  private static ElfFile parse(byte[] b) throws Exception {
    return ElfFile.parse(b, b.length, (off, dst) -> {
      int n = (int) Math.max(0, Math.min(dst.length, b.length - off));
      System.arraycopy(b, (int) off, dst, 0, n);
      return n;
    });
  }

  private static byte[] header(int type, int machine, int phnum) {
    ByteBuffer b = ByteBuffer.allocate(64 + 56 * Math.max(phnum, 1)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putShort(16, (short) type).putShort(18, (short) machine).putLong(24, 0x401000).putLong(32, 64)
        .putShort(54, (short) 56).putShort(56, (short) phnum);
    if (phnum > 0) {
      b.putInt(64, ElfFile.PT_LOAD).putInt(68, ElfFile.PF_R | ElfFile.PF_X).putLong(72, 0).putLong(80, 0x400000)
          .putLong(96, 0x100).putLong(104, 0x100);
    }
    return b.array();
  }

  @Test
  void parsesTheHostsOwnExecutables() throws Exception {
    for (String path : List.of("/bin/busybox", "/usr/bin/env")) {
      byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(Path.of(path)), 4096);
      ElfFile elf = parse(head);
      assertThat(elf.segments).anyMatch(s -> s.type() == ElfFile.PT_LOAD);
    }
    byte[] env = java.util.Arrays.copyOf(Files.readAllBytes(Path.of("/usr/bin/env")), 4096);
    assertThat(parse(env).interpreter).isEqualTo("/lib64/ld-linux-x86-64.so.2");
  }

  @Test
  void acceptsAMinimalStaticExecutable() throws Exception {
    ElfFile elf = parse(header(ElfFile.ET_EXEC, ElfFile.EM_X86_64, 1));
    assertThat(elf.entry).isEqualTo(0x401000);
    assertThat(elf.interpreter).isNull();
  }

  @Test
  void rejectsWhatIsNotAnX8664Executable() {
    assertThatThrownBy(() -> parse("#!/bin/sh\n".getBytes())).hasMessageContaining("not an ELF");
    assertThatThrownBy(() -> parse(header(ElfFile.ET_EXEC, 183, 1))).hasMessageContaining("not x86-64");
    assertThatThrownBy(() -> parse(header(1, ElfFile.EM_X86_64, 1))).hasMessageContaining("not an executable");
    assertThatThrownBy(() -> parse(header(ElfFile.ET_EXEC, ElfFile.EM_X86_64, 0))).hasMessageContaining(
        "program headers");
    assertThatThrownBy(() -> parse(header(ElfFile.ET_EXEC, ElfFile.EM_X86_64, 5000))).hasMessageContaining(
        "program headers");
  }

  @Test
  void rejectsSegmentsThatDoNotFitTheAddressSpace() {
    byte[] b = header(ElfFile.ET_EXEC, ElfFile.EM_X86_64, 1);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(80, 0x7fff_ffff_f000L).putLong(104, 1L << 40);
    assertThatThrownBy(() -> parse(b)).isInstanceOf(LoaderException.class).hasMessageContaining("does not fit");
    byte[] c = header(ElfFile.ET_EXEC, ElfFile.EM_X86_64, 1);
    ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(96, 0x200).putLong(104, 0x100); // filesz > memsz
    assertThatThrownBy(() -> parse(c)).hasMessageContaining("does not fit");
  }

  @Test
  void shebangLinesSplitIntoInterpreterAndOneArgument() throws Exception {
    byte[] s = "#! /usr/bin/env  python3 -u \nprint(1)\n".getBytes();
    assertThat(Loader.parseShebang(s, s.length)).containsExactly("/usr/bin/env", "python3 -u");
    byte[] t = "#!/bin/sh\n".getBytes();
    assertThat(Loader.parseShebang(t, t.length)).containsExactly("/bin/sh");
    byte[] empty = "#!\n".getBytes();
    assertThatThrownBy(() -> Loader.parseShebang(empty, empty.length)).hasMessageContaining("empty");
  }
}
