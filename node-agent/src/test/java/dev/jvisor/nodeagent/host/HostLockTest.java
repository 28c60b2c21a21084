package dev.jvisor.nodeagent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLockTest {
  @TempDir Path dir;

  @Test
  void aSecondHolderWaitsBoundedAndNamesTheLockFile() {
    Path file = dir.resolve("run/jvisor/install.lock");
    try (HostLock first = HostLock.acquire(file, Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> HostLock.acquire(file, Duration.ofMillis(500)))
          .isInstanceOf(AgentException.class)
          .hasMessageContaining(file.toString());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    try (HostLock again = HostLock.acquire(file, Duration.ofSeconds(1))) {
      assertThat(file).exists();
    }
  }
}
