package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * writes fail with EROFS), a read-write one (written on the host), the /etc/hosts and /etc/resolv.conf
 * containerd adds, and the process's rlimits (the same numbers under both runtimes); and two containers of one
 * pod sharing a read-write host directory as they would an emptyDir volume.
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
    containerd = ShimContainerd.start(tmp);
  }

  @AfterAll
  static void stop() throws Exception {
    ShimContainerd.stop(containerd);
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
        // A read-write bind writes to the host directory, under either runtime.
        assertThat(rw.resolve("g")).hasContent("y");
        assertThat(ro.resolve("g")).doesNotExist();
        cri.stopContainer(cid, Duration.ofSeconds(2));
        cri.removeContainer(cid);
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }

  /** An emptyDir-like volume: one host directory mounted read-write into both containers of a pod. */
  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void twoContainersOfAPodShareAReadWriteHostDirectory(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    Path logs = Files.createDirectories(tmp.resolve("logs-shared-" + handler + "-" + UUID.randomUUID()));
    Path shared = Files.createDirectories(tmp.resolve("shared-" + handler));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("shared-" + handler, logs, false);
      String podId = cri.runPodSandbox(pod, handler);
      try {
        String[] ids = new String[2];
        for (int i = 0; i < 2; i++) {
          ContainerConfig config = CriConfigs.container("c" + i, PrivateContainerd.BUSYBOX_IMAGE,
              List.of("sleep", "360" + i), "c" + i + ".log", pod).toBuilder()
              .addMounts(Mount.newBuilder().setContainerPath("/shared").setHostPath(shared.toString()))
              .build();
          ids[i] = cri.createContainer(podId, config, pod);
          cri.startContainer(ids[i]);
        }
        Duration t = Duration.ofSeconds(30);
        ExecSyncResponse wrote = cri.execSync(ids[0], List.of("sh", "-c",
            "mkdir /shared/d && echo from-c0 > /shared/d/note && echo more >> /shared/d/note"), t);
        assertThat(wrote.getExitCode()).as(wrote.getStderr().toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out(cri.execSync(ids[1], List.of("cat", "/shared/d/note"), t))).isEqualTo("from-c0\nmore\n");
        ExecSyncResponse moved = cri.execSync(ids[1], List.of("sh", "-c",
            "mv /shared/d/note /shared/answer && rmdir /shared/d && echo from-c1 >> /shared/answer"), t);
        assertThat(moved.getExitCode()).as(moved.getStderr().toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out(cri.execSync(ids[0], List.of("sh", "-c", "ls /shared; cat /shared/answer"), t)))
            .isEqualTo("answer\nfrom-c0\nmore\nfrom-c1\n");
        assertThat(shared.resolve("answer")).hasContent("from-c0\nmore\nfrom-c1");
        assertThat(shared.resolve("d")).doesNotExist();
        Files.writeString(shared.resolve("from-host"), "host\n"); // and the host's writes reach the containers
        assertThat(out(cri.execSync(ids[1], List.of("cat", "/shared/from-host"), t))).isEqualTo("host\n");
        for (String id : ids) {
          cri.stopContainer(id, Duration.ofSeconds(2));
          cri.removeContainer(id);
        }
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }
}
