package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.sentry.syscalls.Linux64;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The syscall table is data: every x86-64 number has a name and a level, and notes explain the partial ones. */
class SyscallTableTest {
  @Test
  void everyNumberHasANameAndPartialEntriesExplainThemselves() {
    SyscallTable t = Linux64.table();
    assertThat(t.name(0)).isEqualTo("read");
    assertThat(t.name(231)).isEqualTo("exit_group");
    assertThat(t.entry(0).support()).isEqualTo(Support.FULL);
    for (int i = 0; i < SyscallTable.SIZE; i++) {
      SyscallTable.Entry e = t.entry(i);
      if (e != null && e.support() != Support.FULL) {
        assertThat(e.note()).as("note for %s", e.name()).isNotBlank();
      }
    }
  }

  @Test
  void printListsAllEntriesWithTotals() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Linux64.table().print(new PrintStream(out, true));
    String s = out.toString();
    assertThat(s).containsPattern("(?m)^1 +write +full");
    assertThat(s).containsPattern("(?m)^56 +clone +");
    assertThat(s).containsPattern("(?m)^362 syscalls: \\d+ full, \\d+ partial, \\d+ error$");
  }

  @Test
  void bootLogStartsWithOurLineAndEndsReady() {
    String log = BootLog.text();
    assertThat(log.lines().findFirst()).hasValue("<6>[    0.000000] Starting jvisor...");
    assertThat(log.strip()).endsWith("Ready!");
  }
}
