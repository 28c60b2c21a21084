package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.testing.PrivateContainerd;
import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.ContainerState;
import dev.jvisor.cri.v1.ContainerStatus;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.cri.v1.LinuxContainerResources;
import dev.jvisor.cri.v1.PodSandboxConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pause/Resume, Stats, Update and the OOM event through a real containerd: {@code ctr task pause/resume/metrics} on a
 * container that logs a counter, and a CRI container that exceeds its memory limit (CRI then reports OOMKilled,
 * which it only does on a /tasks/oom event).
 */
@Timeout(300)
class PauseStatsIT {
  /** How long a paused container is watched for output it must not produce. */
  private static final Duration WATCH = Duration.ofMillis(700);
  private static final Duration PATIENCE = Duration.ofSeconds(30);
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

  @AfterEach
  void nothingLeft() throws Exception {
    Instant end = Instant.now().plusSeconds(10);
    while (!containerd.shimPids().isEmpty() && Instant.now().isBefore(end)) {
      Thread.sleep(100);
    }
    assertThat(containerd.shimPids()).as("shims left").isEmpty();
  }

  static long awaitGrowth(Path file, long than) throws InterruptedException {
    Instant end = Instant.now().plus(PATIENCE);
    long size = file.toFile().length();
    while (size <= than && Instant.now().isBefore(end)) {
      Thread.sleep(50);
      size = file.toFile().length();
    }
    return size;
  }

  @Test
  void pauseFreezesResumeContinuesAndMetricsAreReal() throws Exception {
    ContainerdShimIT.requireFork(ContainerdShimIT.JVISOR);
    String id = "pause-" + UUID.randomUUID().toString().substring(0, 8);
    Path log = tmp.resolve(id + ".log");
    PrivateContainerd.Result run = containerd.ctr("default", "run", "-d", "--runtime", "io.containerd.jvisor.v1",
        "--log-uri", "file://" + log, PrivateContainerd.BUSYBOX_IMAGE, id, "sh", "-c",
        "i=0; while :; do i=$((i+1)); echo $i; sleep 0.02; done");
    assertThat(run.exitCode()).as(run.output()).isZero();
    try {
      awaitGrowth(log, 20);
      PrivateContainerd.Result pause = containerd.ctr("default", "task", "pause", id);
      assertThat(pause.exitCode()).as(pause.output()).isZero();
      assertThat(containerd.ctr("default", "task", "ls").output()).containsPattern(id + "\\s+\\d+\\s+PAUSED");
      Thread.sleep(100); // a line already written by the guest may still reach the log
      long frozen = log.toFile().length();
      Thread.sleep(WATCH.toMillis());
      assertThat(log.toFile().length()).as("no output while paused").isEqualTo(frozen);

      PrivateContainerd.Result metrics = containerd.ctr("default", "task", "metrics", id);
      assertThat(metrics.exitCode()).as(metrics.output()).isZero();
      // containerd decoded our cgroup v2 metrics: the shell and (usually) its sleep, guest memory in use.
      assertThat(metrics.output()).containsPattern("pids\\.current\\s+[12]\\b")
          .containsPattern("memory\\.usage\\s+[1-9]\\d*").containsPattern("cpu\\.usage_usec\\s+[1-9]\\d*");

      PrivateContainerd.Result resume = containerd.ctr("default", "task", "resume", id);
      assertThat(resume.exitCode()).as(resume.output()).isZero();
      assertThat(awaitGrowth(log, frozen)).as("output again after resume").isGreaterThan(frozen);
      assertThat(containerd.ctr("default", "task", "ls").output()).containsPattern(id + "\\s+\\d+\\s+RUNNING");
    } finally {
      containerd.ctr("default", "task", "kill", "-s", "SIGKILL", id);
      for (Instant end = Instant.now().plusSeconds(20); Instant.now().isBefore(end); Thread.sleep(100)) {
        if (containerd.ctr("default", "task", "rm", id).exitCode() == 0) {
          break;
        }
      }
      containerd.ctr("default", "container", "rm", id);
    }
  }

  /**
   * Two containers of a pod sharing its PID namespace (jvisor runs both in one Sentry): pausing one freezes its
   * counter while the other goes on and answers ExecSync; resuming it continues its count. runc does the same with
   * the cgroup freezer, which is what the comparison is about.
   */
  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void pausingOneContainerOfASharedPidPodLeavesTheOtherRunning(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    Path logs = Files.createDirectories(tmp.resolve("pause-shared-" + handler + "-" + UUID.randomUUID()));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("pause-shared-" + handler, logs, true);
      String podId = cri.runPodSandbox(pod, handler);
      try {
        List<String> counter = List.of("sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.02; done");
        String running = cri.createContainer(podId, CriConfigs.container("running", PrivateContainerd.BUSYBOX_IMAGE,
            counter, "running.log", pod), pod);
        String paused = cri.createContainer(podId, CriConfigs.container("paused", PrivateContainerd.BUSYBOX_IMAGE,
            counter, "paused.log", pod), pod);
        cri.startContainer(running);
        cri.startContainer(paused);
        Path runningLog = logs.resolve("running.log");
        Path pausedLog = logs.resolve("paused.log");
        awaitGrowth(runningLog, 200);
        awaitGrowth(pausedLog, 200);

        PrivateContainerd.Result pause = containerd.ctr(CRI_NAMESPACE, "task", "pause", paused);
        assertThat(pause.exitCode()).as(pause.output()).isZero();
        String ls = containerd.ctr(CRI_NAMESPACE, "task", "ls").output();
        assertThat(ls).containsPattern(paused + "\\s+\\d+\\s+PAUSED")
            .containsPattern(running + "\\s+\\d+\\s+RUNNING");
        Thread.sleep(100); // a line already written by the guest may still reach the log
        long frozen = pausedLog.toFile().length();
        long other = runningLog.toFile().length();
        ExecSyncResponse alive = cri.execSync(running, List.of("echo", "alive"), PATIENCE);
        assertThat(alive.getStdout().toString(StandardCharsets.UTF_8)).isEqualTo("alive\n");
        Thread.sleep(WATCH.toMillis());
        assertThat(pausedLog.toFile().length()).as("no output from the paused container").isEqualTo(frozen);
        assertThat(awaitGrowth(runningLog, other)).as("the other container counts on").isGreaterThan(other);

        PrivateContainerd.Result resume = containerd.ctr(CRI_NAMESPACE, "task", "resume", paused);
        assertThat(resume.exitCode()).as(resume.output()).isZero();
        assertThat(awaitGrowth(pausedLog, frozen)).as("output again after resume").isGreaterThan(frozen);
        assertThat(containerd.ctr(CRI_NAMESPACE, "task", "ls").output())
            .containsPattern(paused + "\\s+\\d+\\s+RUNNING");
        assertThat(lastCount(pausedLog)).as("the count went on from where it stopped").isGreaterThan(0);
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }

  /** The containers CRI creates live in containerd's k8s.io namespace, where ctr finds their tasks. */
  private static final String CRI_NAMESPACE = "k8s.io";

  /** The counter's last complete line in a CRI log ("TIMESTAMP stdout F N"), and that each follows its predecessor. */
  private static long lastCount(Path criLog) throws Exception {
    List<Long> counts = Files.readAllLines(criLog).stream().filter(l -> l.contains(" stdout F "))
        .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).toList();
    for (int i = 1; i < counts.size(); i++) {
      assertThat(counts.get(i)).as("line %d of %s", i, criLog).isEqualTo(counts.get(i - 1) + 1);
    }
    return counts.get(counts.size() - 1);
  }

  /**
   * UpdateContainerResources (kubelet's in-place resize) lowering a running container's memory limit: an exec
   * that then outgrows it is OOM-killed (137) while the container lives on, under runc (its cgroup) and jvisor
   * (the guest's memory limit) alike. Raising it past the guest's boot size is refused by jvisor only.
   */
  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void aLoweredMemoryLimitOomKillsAnExecThatOutgrowsIt(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    Path logs = Files.createDirectories(tmp.resolve("update-" + handler + "-" + UUID.randomUUID()));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("update-" + handler, logs, false);
      String podId = cri.runPodSandbox(pod, handler);
      try {
        ContainerConfig base = CriConfigs.container("resized", PrivateContainerd.BUSYBOX_IMAGE,
            List.of("sleep", "3600"), "resized.log", pod);
        String cid = cri.createContainer(podId, base.toBuilder().setLinux(base.getLinux().toBuilder().setResources(
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(256L << 20))).build(), pod);
        cri.startContainer(cid);
        cri.updateContainerResources(cid, LinuxContainerResources.newBuilder()
            .setMemoryLimitInBytes(32L << 20).build());
        ExecSyncResponse hog = cri.execSync(cid, List.of("busybox", "tail", "/dev/zero"), PATIENCE);
        assertThat(hog.getExitCode()).as("the exec outgrowing the new limit is OOM-killed").isEqualTo(128 + 9);
        ExecSyncResponse alive = cri.execSync(cid, List.of("echo", "alive"), PATIENCE);
        assertThat(alive.getStdout().toString(StandardCharsets.UTF_8)).isEqualTo("alive\n");
        assertThat(cri.containerStatus(cid, false).getStatus().getState())
            .isEqualTo(ContainerState.CONTAINER_RUNNING);
        LinuxContainerResources grown = LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1L << 30).build();
        if (handler.equals(ContainerdShimIT.JVISOR)) {
          assertThatThrownBy(() -> cri.updateContainerResources(cid, grown))
              .as("the guest's memory cannot grow past its boot size").hasMessageContaining("cannot grow");
        } else {
          cri.updateContainerResources(cid, grown);
        }
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }

  @Test
  void aContainerOverItsMemoryLimitIsReportedOomKilled() throws Exception {
    ContainerdShimIT.requireFork(ContainerdShimIT.JVISOR);
    Path logs = Files.createDirectories(tmp.resolve("oom-" + UUID.randomUUID()));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("oom", logs, false);
      String podId = cri.runPodSandbox(pod, ContainerdShimIT.JVISOR);
      try {
        ContainerConfig base = CriConfigs.container("hog", PrivateContainerd.BUSYBOX_IMAGE, List.of("busybox",
            "tail", "/dev/zero"), "hog.log", pod); // tail keeps the never-ending "line" in memory
        ContainerConfig config = base.toBuilder().setLinux(base.getLinux().toBuilder().setResources(
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32L << 20))).build();
        String cid = cri.createContainer(podId, config, pod);
        cri.startContainer(cid);
        ContainerStatus status = cri.containerStatus(cid, false).getStatus();
        for (Instant end = Instant.now().plus(PATIENCE); Instant.now().isBefore(end)
            && status.getState() != ContainerState.CONTAINER_EXITED; Thread.sleep(100)) {
          status = cri.containerStatus(cid, false).getStatus();
        }
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).as("killed by the OOM killer's SIGKILL").isEqualTo(128 + 9);
        assertThat(status.getReason()).as("CRI saw /tasks/oom").isEqualTo("OOMKilled");
        cri.removeContainer(cid);
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }
}
