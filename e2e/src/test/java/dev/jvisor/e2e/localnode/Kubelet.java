package dev.jvisor.e2e.localnode;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.cri.v1.PodSandboxConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the kubelet does for one pod with {@code runtimeClassName}, through CRI, with the RuntimeClass's handler. */
final class Kubelet implements AutoCloseable {

  static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final String LOG_FILE = "sleeper.log";
  /** The container says hello, then sleeps: the hello line proves logs flow, the sleep keeps it up for exec. */
  static final String HELLO = "hello from a jvisor sandbox";

  private final CriClient cri;
  private final Path logDir;
  private String podId;
  private String containerId;

  Kubelet(CriClient cri, Path logDir) {
    this.cri = cri;
    this.logDir = logDir;
  }

  String runPod(String handler, String image) throws IOException {
    Files.createDirectories(logDir);
    PodSandboxConfig pod = CriConfigs.pod("sandboxed", logDir, false);
    podId = cri.runPodSandbox(pod, handler);
    ContainerConfig container = CriConfigs.container("sleeper", image,
        List.of("sh", "-c", "echo '" + HELLO + "'; exec sleep 3600"), LOG_FILE, pod);
    containerId = cri.createContainer(podId, container, pod);
    cri.startContainer(containerId);
    return podId;
  }

  ExecSyncResponse exec(String... command) {
    return cri.execSync(containerId, List.of(command), EXEC_TIMEOUT);
  }

  static String stdout(ExecSyncResponse r) {
    return r.getStdout().toString(StandardCharsets.UTF_8).strip();
  }

  String containerLog() throws IOException {
    Path log = logDir.resolve(LOG_FILE);
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** StopContainer (SIGTERM, then the grace period), RemoveContainer, StopPodSandbox, RemovePodSandbox. */
  void deletePod() {
    if (containerId != null) {
      cri.stopContainer(containerId, STOP_GRACE);
      cri.removeContainer(containerId);
      containerId = null;
    }
    if (podId != null) {
      cri.stopPodSandbox(podId);
      cri.removePodSandbox(podId);
      podId = null;
    }
  }

  @Override
  public void close() {
    try {
      deletePod();
    } catch (RuntimeException e) {
      System.err.println("local-node: pod cleanup: " + e.getMessage());
    } finally {
      cri.close();
    }
  }
}
