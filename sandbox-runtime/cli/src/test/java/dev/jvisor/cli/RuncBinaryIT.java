package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.testing.PrivateContainerd;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** jvisor as a runc replacement under containerd's own runc shim ({@code ctr run --runc-binary}). */
@Timeout(180)
class RuncBinaryIT {
  @TempDir static Path tmp;
  static PrivateContainerd containerd;
  static Path binary;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PrivateContainerd.available(), "containerd is not installed");
    SentryProbe.cannotRunPrograms().ifPresent(why -> assumeTrue(false, why));
    binary = ShimLauncher.writeRuncBinary(tmp.resolve("bin"));
    containerd = PrivateContainerd.start(null, null);
    containerd.importTestImages();
  }

  @AfterAll
  static void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
      assertThat(containerd.shimPids()).isEmpty();
    }
  }

  @Test
  void runcShimDrivesJvisorRunExitCodeAndKill() throws Exception {
    PrivateContainerd.Result r = containerd.ctr("default", "run", "--rm", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb1", "uname", "-sr");
    assertThat(r.output().trim()).as(r.output()).isEqualTo("Linux 4.4.0");
    assertThat(r.exitCode()).isZero();
    PrivateContainerd.Result fail = containerd.ctr("default", "run", "--rm", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb2", "sh", "-c", "exit 7");
    assertThat(fail.exitCode()).as(fail.output()).isEqualTo(7);

    assertThat(containerd.ctr("default", "run", "-d", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb3", "sleep", "600").exitCode()).isZero();
    PrivateContainerd.Result exec = containerd.ctr("default", "task", "exec", "--exec-id", "e1", "rb3",
        "uname", "-s");
    assertThat(exec.output().trim()).as(exec.output()).isEqualTo("Linux");
    assertThat(containerd.ctr("default", "task", "kill", "-s", "SIGKILL", "rb3").exitCode()).isZero();
    Instant end = Instant.now().plusSeconds(20);
    String ls = "";
    while (Instant.now().isBefore(end)) {
      ls = containerd.ctr("default", "task", "ls").output();
      if (ls.contains("STOPPED")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(ls).containsPattern("rb3\\s+\\d+\\s+STOPPED");
    assertThat(containerd.ctr("default", "task", "rm", "rb3").exitCode()).isZero();
    assertThat(containerd.ctr("default", "container", "rm", "rb3").exitCode()).isZero();
  }
}
