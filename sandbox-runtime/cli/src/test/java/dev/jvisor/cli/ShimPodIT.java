package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.testing.PrivateContainerd;
import dev.jvisor.cri.v1.PodSandboxConfig;
import dev.jvisor.cri.v1.PodSandboxState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim protocol against a real containerd, with nothing that needs the Sentry: a jvisor pod's sandbox
 * (pause) container goes through shim start, Create, Connect, Wait, Start, Kill, Delete, Shutdown and the delete
 * binary call, and the shim process is gone afterwards.
 */
@Timeout(180)
class ShimPodIT {
  @TempDir static Path tmp;
  static PrivateContainerd containerd;

  @BeforeAll
  static void start() throws Exception {
    containerd = ShimContainerd.start(tmp);
  }

  @AfterAll
  static void stop() throws Exception {
    ShimContainerd.stop(containerd);
  }

  @Test
  void podSandboxLifecycleThroughTheJvisorShim() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("pausepod", logs, false);
      Instant t0 = Instant.now();
      String podId;
      try {
        podId = cri.runPodSandbox(pod, "jvisor");
      } catch (RuntimeException e) {
        throw new AssertionError(e + "\n" + containerd.logTail(), e);
      }
      System.out.println("jvisor RunPodSandbox took " + Duration.between(t0, Instant.now()).toMillis() + " ms");
      assertThat(cri.podSandboxStatus(podId, false).getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
      assertThat(cri.podSandboxStatus(podId, false).getStatus().getRuntimeHandler()).isEqualTo("jvisor");
      assertThat(containerd.shimPids()).hasSize(1);
      long shim = containerd.shimPids().get(0);
      List<Path> sockets = PrivateContainerdAccess.jvisorSockets(List.of(shim));
      assertThat(sockets).hasSize(1);
      assertThat(sockets.get(0)).exists();
      assertThat(PrivateContainerdAccess.cmdline(shim)).contains("dev.jvisor.shim.DaemonMain", "daemon");

      cri.stopPodSandbox(podId);
      assertThat(cri.podSandboxStatus(podId, false).getStatus().getState())
          .isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
      cri.removePodSandbox(podId);
      awaitGone(shim);
      assertThat(containerd.mountsUnder()).isEmpty();
      assertThat(sockets.get(0)).as("the shim removed its socket").doesNotExist();
    }
  }

  static void awaitGone(long pid) throws InterruptedException {
    Instant end = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(end) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("shim " + pid + " exited")
        .isFalse();
  }
}
