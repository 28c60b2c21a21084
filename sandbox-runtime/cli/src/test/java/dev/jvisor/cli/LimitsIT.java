package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.Stdio;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Limits and clean-up: a fork bomb meets the task limit; hundreds of processes leave nothing behind. */
class LimitsIT {
  @Test
  void aForkBombHitsTheTaskLimitWithEagainAndTheSandboxSurvives() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    Path dir = Files.createTempDirectory("jvisor-bomb");
    try {
      try (InputStream in = LimitsIT.class.getResourceAsStream("/c/forkbomb.c")) {
        Files.copy(in, dir.resolve("forkbomb.c"));
      }
      assertThat(Runs.run(List.of("gcc", "-O1", "-o", "forkbomb", "forkbomb.c"), dir).exit()).isZero();
      Runs.Result r = Runs.sandboxed(dir, List.of("--max-tasks", "40"), dir.resolve("forkbomb").toString());
      assertThat(r.stdout()).isEqualTo("children 39, then EAGAIN, reaped 39\n");
      assertThat(r.exit()).isZero();
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long taskThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jvisor-task-")).count();
  }

  @Test
  void hundredsOfProcessesLeaveNoThreadsOrGuestMemoryBehind() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    try (Sandbox sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(512L << 20))) {
      List<String> env = List.of("PATH=/usr/bin:/bin");
      // Warm up once so the platform's own frames (vCPU stacks, page tables of the kernel half) exist.
      assertThat(sandbox.start(ProcessSpec.of(List.of("/bin/true"), env), new Stdio(-1, -1, -1)).waitFor())
          .isZero();
      long baseline = sandbox.guestMemoryInUse();
      var p = sandbox.start(ProcessSpec.of(List.of("/bin/sh", "-c",
          "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; echo $i"), env), new Stdio(-1, -1, -1));
      assertThat(p.waitFor(Duration.ofMinutes(3))).isZero();
      assertThat(sandbox.pids()).isEmpty();
      assertThat(sandbox.guestMemoryInUse()).as("guest memory after 300 fork/exec/exit cycles")
          .isLessThanOrEqualTo(baseline + (64L << 10)); // vCPU pool may keep a few more exception-stack frames
    }
    // Every task's host thread ends with its task (library threads such as JNA's cleaner are not tasks).
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (taskThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(taskThreads()).isZero();
  }
}
