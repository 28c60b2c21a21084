package dev.jvisor.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.testing.OciImages;
import dev.jvisor.cri.v1.ContainerState;
import dev.jvisor.cri.v1.PodSandboxConfig;
import dev.jvisor.cri.v1.PodSandboxState;
import dev.jvisor.nodeagent.testing.ScriptedContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the agent installed actually runs pods: containerd (in a private mount namespace where the temp host root's
 * /opt is /opt, so the runtime_path the agent wrote resolves to the installed copy) starts a jvisor pod through
 * {@code /opt/jvisor/current/bin/containerd-shim-jvisor-v1} and the jlink'ed runtime. Uninstall afterwards must still
 * restore the config byte for byte.
 */
@Timeout(300)
class InstalledShimPodIT {
  static final String BUSYBOX_IMAGE = "jvisor.dev/test/busybox:1";
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
  static ScriptedContainerd containerd;
  static byte[] originalConfig;

  @BeforeAll
  static void install() throws Exception {
    containerd = ScriptedContainerd.start();
    originalConfig = Files.readAllBytes(containerd.host().path(ScriptedContainerd.CONFIG));
    Path images = Files.createDirectories(containerd.root().resolve("images"));
    importImage(OciImages.pause(images, ScriptedContainerd.PAUSE_IMAGE));
    importImage(OciImages.busybox(images, BUSYBOX_IMAGE, List.of("sh")));
    ScriptedContainerd.Run install = containerd.agent("install");
    assertThat(install.exitCode()).as(install.output()).isZero();
  }

  static void importImage(Path tar) throws Exception {
    ScriptedContainerd.Run r = containerd.ctr("-n", "k8s.io", "images", "import", tar.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (containerd == null) {
      return;
    }
    try {
      ScriptedContainerd.Run uninstall = containerd.agent("uninstall");
      assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
      assertThat(Files.readAllBytes(containerd.host().path(ScriptedContainerd.CONFIG))).isEqualTo(originalConfig);
      assertThat(containerd.servedHandlers()).doesNotContain("jvisor");
    } finally {
      containerd.close();
    }
  }

  @Test
  void aPodSandboxStartsThroughTheInstalledShim() throws Exception {
    Path logs = Files.createDirectories(containerd.root().resolve("logs/sandbox"));
    try (CriClient cri = CriClient.connect(containerd.socket())) {
      PodSandboxConfig pod = CriConfigs.pod("agent-pod", logs, false);
      String podId = runPod(cri, pod);
      try {
        assertThat(cri.podSandboxStatus(podId, false).getStatus().getState())
            .isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(cri.podSandboxStatus(podId, false).getStatus().getRuntimeHandler()).isEqualTo("jvisor");
        assertThat(containerd.leftoverProcesses()).as("the shim runs").isNotEmpty();
        // The launcher resolves `current` once, so a running shim keeps its version directory across upgrades.
        assertThat(cmdlines(containerd.leftoverProcesses())).anySatisfy(c -> assertThat(c)
            .containsPattern("^/opt/jvisor/[^/ ]+/runtime/bin/java ")
            .containsPattern("dev\\.jvisor\\.(cli\\.Main|shim\\.DaemonMain)"));
      } finally {
        cri.stopPodSandbox(podId);
        cri.removePodSandbox(podId);
      }
    }
  }

  @Test
  void aContainerSeesTheSentrysKernel() throws Exception {
    // The installed CLI tells whether this Sentry runs programs yet; the pod path is only meaningful if it does.
    Path jvisor = containerd.host().path("/opt/jvisor/current/bin/jvisor");
    ScriptedContainerd.Run probe = ScriptedContainerd.run(
        List.of(jvisor.toString(), "do", "--", "/bin/busybox", "uname", "-sr"), Duration.ofSeconds(60));
    assumeTrue(probe.exitCode() == 0 && probe.output().contains("Linux 4.4.0"),
        "the installed Sentry cannot run busybox yet: " + probe.output());

    Path logs = Files.createDirectories(containerd.root().resolve("logs/uname"));
    try (CriClient cri = CriClient.connect(containerd.socket())) {
      PodSandboxConfig pod = CriConfigs.pod("uname-pod", logs, false);
      String podId = runPod(cri, pod);
      try {
        String cid = cri.createContainer(podId,
            CriConfigs.container("uname", BUSYBOX_IMAGE, List.of("uname", "-sr"), "uname.log", pod), pod);
        cri.startContainer(cid);
        Instant end = Instant.now().plus(EXIT_TIMEOUT);
        while (cri.containerStatus(cid, false).getStatus().getState() != ContainerState.CONTAINER_EXITED) {
          assertThat(Instant.now()).as("container exits within " + EXIT_TIMEOUT).isBefore(end);
          Thread.sleep(100);
        }
        assertThat(cri.containerStatus(cid, false).getStatus().getExitCode()).isZero();
        assertThat(Files.readString(logs.resolve("uname.log"))).contains("Linux 4.4.0");
        cri.removeContainer(cid);
      } finally {
        cri.stopPodSandbox(podId);
        cri.removePodSandbox(podId);
      }
    }
  }

  static String runPod(CriClient cri, PodSandboxConfig pod) {
    try {
      return cri.runPodSandbox(pod, "jvisor");
    } catch (RuntimeException e) {
      throw new AssertionError(e + "\n" + containerd.logTail(), e);
    }
  }

  static List<String> cmdlines(List<Long> pids) {
    return pids.stream().map(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse(""))
        .toList();
  }
}
