package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.sentry.syscalls.Linux64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/syscalls.md is the syscall table rendered: this fails when someone changes one without the other. */
class SyscallDocTest {
  private static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../../docs/syscalls.md")
      .normalize();

  @Test
  void docsSyscallsMdMatchesTheTable() throws Exception {
    String expected = Linux64.table().markdown();
    if (Boolean.getBoolean("jvisor.updateDocs")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(DOC).exists();
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as("docs/syscalls.md is stale: regenerate it with -Djvisor.updateDocs=true").isEqualTo(expected);
  }
}
