package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.testing.PrivateContainerd;
import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.cri.v1.Mount;
import dev.jvisor.cri.v1.PodSandboxConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What CRI mounts into a container, with runc (the control) and jvisor: a read-only host directory (readable,
 * writes fail with EROFS), a read-write one, the /etc/hosts and /etc/resolv.conf containerd adds, and the
 * process's rlimits (the same numbers under both runtimes).
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.MethodName.class)
class CriMountsIT {
  @TempDir static Path tmp;
  static PrivateContainerd containerd;
  /** What runc's container printed for the rlimit check, for jvisor's to match. */
  static final Map<String, String> RUNC_SAW = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PrivateContainerd.available(), "containerd is not installed");
    containerd = PrivateContainerd.start(ShimLauncher.write(tmp.resolve("bin")), null);
    containerd.importTestImages();
  }

  @AfterAll
  static void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
      assertThat(containerd.shimPids()).isEmpty();
    }
  }

  @AfterEach
  void nothingLeft() throws Exception {
    Instant end = Instant.now().plusSeconds(10);
    while (!containerd.shimPids().isEmpty() && Instant.now().isBefore(end)) {
      Thread.sleep(100);
    }
    assertThat(containerd.shimPids()).as("shims left").isEmpty();
    assertThat(containerd.mountsUnder()).as("mounts left").isEmpty();
  }

  static String out(ExecSyncResponse r) {
    return r.getStdout().toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void hostDirectoriesEtcHostsAndRlimits(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    Path logs = Files.createDirectories(tmp.resolve("logs-" + handler + "-" + UUID.randomUUID()));
    Path ro = Files.createDirectories(tmp.resolve("ro-" + handler));
    Files.writeString(ro.resolve("f"), "from the host\n");
    Path rw = Files.createDirectories(tmp.resolve("rw-" + handler));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("mounts-" + handler, logs, false);
      String podId = cri.runPodSandbox(pod, handler);
      try {
        ContainerConfig config = CriConfigs.container("app", PrivateContainerd.BUSYBOX_IMAGE,
            List.of("sleep", "3600"), "app.log", pod).toBuilder()
            .addMounts(Mount.newBuilder().setContainerPath("/data/ro").setHostPath(ro.toString()).setReadonly(true))
            .addMounts(Mount.newBuilder().setContainerPath("/data/rw").setHostPath(rw.toString()))
            .build();
        String cid = cri.createContainer(podId, config, pod);
        cri.startContainer(cid);
        Duration t = Duration.ofSeconds(30);
        assertThat(out(cri.execSync(cid, List.of("cat", "/data/ro/f"), t))).isEqualTo("from the host\n");
        ExecSyncResponse denied = cri.execSync(cid, List.of("sh", "-c", "echo x > /data/ro/g"), t);
        assertThat(denied.getExitCode()).isNotZero();
        assertThat(denied.getStderr().toString(StandardCharsets.UTF_8)).contains("Read-only file system");
        ExecSyncResponse written = cri.execSync(cid, List.of("sh", "-c", "echo y > /data/rw/g && cat /data/rw/g"), t);
        assertThat(out(written)).isEqualTo("y\n");
        // A host-network pod gets the node's /etc/hosts and /etc/resolv.conf, copied by containerd.
        assertThat(out(cri.execSync(cid, List.of("cat", "/etc/hosts"), t))).isEqualTo(
            Files.readString(Path.of("/etc/hosts")));
        if (Files.exists(Path.of("/etc/resolv.conf"))) {
          assertThat(out(cri.execSync(cid, List.of("cat", "/etc/resolv.conf"), t))).isEqualTo(
              Files.readString(Path.of("/etc/resolv.conf")));
        }
        String limits = out(cri.execSync(cid, List.of("sh", "-c", "ulimit -n; ulimit -Hn; ulimit -c"), t));
        assertThat(limits).matches("(\\d+|unlimited)\n(\\d+|unlimited)\n(\\d+|unlimited)\n");
        if (handler.equals(ContainerdShimIT.RUNC)) {
          RUNC_SAW.put("limits", limits);
        } else if (RUNC_SAW.containsKey("limits")) {
          assertThat(limits).as("same rlimits as under runc").isEqualTo(RUNC_SAW.get("limits"));
        }
        if (handler.equals(ContainerdShimIT.JVISOR)) {
          // jvisor never writes to host files: a read-write bind's changes stay in the sandbox.
          assertThat(rw.resolve("g")).doesNotExist();
        } else {
          assertThat(rw.resolve("g")).hasContent("y");
        }
        cri.stopContainer(cid, Duration.ofSeconds(2));
        cri.removeContainer(cid);
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }
}
