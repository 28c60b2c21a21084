package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.host.LibC;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freeze/thaw (the shim's Pause/Resume), the CPU time the shim reports in Stats, and out-of-memory reports. */
class FreezeIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** How long a frozen sandbox is watched for progress it must not make. */
  private static final Duration WATCH = Duration.ofMillis(500);
  @TempDir Path tmp;
  private Sandbox sandbox;

  @BeforeEach
  void boot() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(256L << 20));
  }

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private long awaitGrowth(Path file, long than) throws InterruptedException {
    long end = System.nanoTime() + PATIENCE.toNanos();
    long size = file.toFile().length();
    while (size <= than && System.nanoTime() < end) {
      Thread.sleep(20);
      size = file.toFile().length();
    }
    return size;
  }

  @Test
  void aFrozenSandboxMakesNoProgressAndResumesWhereItWas() throws Exception {
    Path out = Files.createFile(tmp.resolve("count"));
    int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_APPEND, 0);
    SandboxProcess p;
    try {
      // Two processes: a counting shell and a pure-CPU child, so both syscall-heavy and spinning tasks are frozen.
      p = sandbox.start(ProcessSpec.of(List.of("busybox", "sh", "-c",
          "(while :; do :; done) & i=0; while :; do i=$((i+1)); echo $i; done"),
          List.of("PATH=/bin:/usr/bin")), new Stdio(-1, fd, fd));
    } finally {
      LibC.close(fd);
    }
    awaitGrowth(out, 1000);
    long cpuBefore = sandbox.cpuNanos();
    sandbox.freeze();
    Thread.sleep(50); // a write already inside the host kernel may still land
    long frozenSize = out.toFile().length();
    Thread.sleep(WATCH.toMillis());
    assertThat(out.toFile().length()).as("no output while frozen").isEqualTo(frozenSize);
    assertThat(p.isAlive()).isTrue();
    sandbox.thaw();
    assertThat(awaitGrowth(out, frozenSize)).as("output again after thaw").isGreaterThan(frozenSize);
    assertThat(sandbox.cpuNanos()).isGreaterThan(cpuBefore).isPositive();
    // The counter continued from where it was: the last full line before freezing is followed by its successor.
    String text = Files.readString(out);
    String[] lines = text.substring(0, text.lastIndexOf('\n')).split("\n");
    for (int i = 1; i < lines.length; i++) {
      assertThat(Long.parseLong(lines[i])).isEqualTo(Long.parseLong(lines[i - 1]) + 1);
    }
    sandbox.freeze();
    p.signal(9);
    assertThat(p.waitFor(PATIENCE)).as("SIGKILL ends a frozen process").isEqualTo(128 + 9);
    sandbox.thaw();
  }

  @Test
  void runningOutOfGuestMemoryIsReported() throws Exception {
    sandbox.close();
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(48L << 20));
    java.util.concurrent.atomic.AtomicInteger reports = new java.util.concurrent.atomic.AtomicInteger();
    sandbox.onOutOfMemory(reports::incrementAndGet);
    SandboxProcess p = sandbox.start(ProcessSpec.of(List.of("python3", "-c",
        "b = bytearray(256 << 20)\nprint('allocated')"), List.of("PATH=/bin:/usr/bin")), new Stdio(-1, -1, -1));
    int status = p.waitFor(PATIENCE);
    assertThat(status).as("the process does not survive a 256 MiB touch in 48 MiB").isNotZero().isNotEqualTo(-1);
    assertThat(reports.get()).as("out-of-memory reports (one per second at most)").isPositive();
  }
}
