package dev.jvisor.cri.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.v1.ContainerState;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.cri.v1.PodSandboxConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control for the shim's tests: the private containerd, the offline images and the kubelet-like CRI flow work
 * with the stock runc handler on this machine.
 */
class RuncControlIT {
  /** Logs a line, then sleeps until SIGTERM, which it honours (a plain sleep as PID 1 would ignore it). */
  static final String TERM_AWARE = "trap 'exit 0' TERM; echo hello-log; while true; do sleep 1; done";
  static PrivateContainerd containerd;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PrivateContainerd.available(), "containerd is not installed");
    containerd = PrivateContainerd.start(null, null);
    containerd.importTestImages();
  }

  @AfterAll
  static void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
      assertThat(containerd.shimPids()).isEmpty();
      assertThat(containerd.dir()).doesNotExist();
    }
  }

  @Test
  void ctrRunPrintsTheHostKernelAndPassesExitCodes() throws Exception {
    PrivateContainerd.Result r = containerd.ctr("default", "run", "--rm", PrivateContainerd.BUSYBOX_IMAGE, "t1",
        "uname", "-s");
    assertThat(r.output().trim()).isEqualTo("Linux");
    assertThat(r.exitCode()).isZero();
    PrivateContainerd.Result fail = containerd.ctr("default", "run", "--rm", PrivateContainerd.BUSYBOX_IMAGE, "t2",
        "sh", "-c", "exit 7");
    assertThat(fail.exitCode()).isEqualTo(7);
  }

  @Test
  void kubeletFlowRunsExecsLogsAndStops() throws Exception {
    Path logs = Files.createDirectories(containerd.dir().resolve("podlogs-runc"));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("control", logs, false);
      String podId = cri.runPodSandbox(pod, "runc");
      String cid = cri.createContainer(podId, CriConfigs.container("app", PrivateContainerd.BUSYBOX_IMAGE,
          List.of("sh", "-c", TERM_AWARE), "app.log", pod), pod);
      cri.startContainer(cid);
      ExecSyncResponse exec = cri.execSync(cid, List.of("uname", "-s"), Duration.ofSeconds(10));
      assertThat(exec.getStdout().toString(StandardCharsets.UTF_8).trim()).isEqualTo("Linux");
      assertThat(exec.getExitCode()).isZero();
      assertThat(cri.execSync(cid, List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10)).getExitCode())
          .isEqualTo(3);
      awaitLog(logs.resolve("app.log"), "hello-log");
      Instant t0 = Instant.now();
      cri.stopContainer(cid, Duration.ofSeconds(30));
      Duration stop = Duration.between(t0, Instant.now());
      // SIGTERM honoured: well before the 30 s grace period would have ended in SIGKILL, with exit code 0.
      assertThat(stop).isLessThan(Duration.ofSeconds(10));
      assertThat(cri.containerStatus(cid, false).getStatus().getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
      assertThat(cri.containerStatus(cid, false).getStatus().getExitCode()).isZero();
      cri.removeContainer(cid);
      cri.stopPodSandbox(podId);
      cri.removePodSandbox(podId);
      assertThat(cri.listPodSandbox().getItemsList()).isEmpty();
    }
  }

  static void awaitLog(Path file, String text) throws Exception {
    Instant end = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(end)) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        // CRI log format: RFC3339Nano time, stream, tag P/F, the line.
        assertThat(Files.readString(file)).containsPattern("\\S+ stdout F " + text);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(file + " never contained '" + text + "'");
  }
}
