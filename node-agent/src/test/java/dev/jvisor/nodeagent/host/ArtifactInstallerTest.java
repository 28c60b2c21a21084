package dev.jvisor.nodeagent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.testing.TestDistribution;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactInstallerTest {
  @TempDir Path dir;

  @Test
  void copiesVerifiesAndPointsCurrentAtTheVersion() throws Exception {
    Path source = TestDistribution.create(dir.resolve("dist"), "1.0.0");
    ArtifactInstaller installer = new ArtifactInstaller(dir.resolve("opt/jvisor"));

    ArtifactInstaller.Installed installed = installer.install(source);

    assertThat(installed.copied()).isTrue();
    Path shim = dir.resolve("opt/jvisor/current/bin/containerd-shim-jvisor-v1");
    assertThat(Files.readString(shim)).contains("shim 1.0.0");
    assertThat(Files.isExecutable(shim)).isTrue();
    assertThat(Files.readSymbolicLink(dir.resolve("opt/jvisor/current"))).isEqualTo(Path.of("1.0.0"));
    assertThat(Files.isSymbolicLink(dir.resolve("opt/jvisor/1.0.0/bin/jvisor-link"))).isTrue();
    assertThat(installer.currentVersion()).isEqualTo("1.0.0");
    try (var leftovers = Files.list(dir.resolve("opt/jvisor"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1.0.0", "current");
    }
  }

  @Test
  void aSecondInstallOfTheSameVersionCopiesNothing() throws Exception {
    Path source = TestDistribution.create(dir.resolve("dist"), "1.0.0");
    ArtifactInstaller installer = new ArtifactInstaller(dir.resolve("opt/jvisor"));
    installer.install(source);
    Path shim = dir.resolve("opt/jvisor/1.0.0/bin/containerd-shim-jvisor-v1");
    Object inode = Files.getAttribute(shim, "unix:ino");

    assertThat(installer.install(source).copied()).isFalse();
    assertThat(Files.getAttribute(shim, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void anUpgradeRenamesNewFilesInSoARunningShimKeepsItsInode() throws Exception {
    ArtifactInstaller installer = new ArtifactInstaller(dir.resolve("opt/jvisor"));
    installer.install(TestDistribution.create(dir.resolve("v1"), "1.0.0"));
    Path oldShim = dir.resolve("opt/jvisor/1.0.0/bin/containerd-shim-jvisor-v1");
    // A damaged install of the same version is replaced by rename, never rewritten in place (lesson 11).
    Files.writeString(oldShim, "damaged");
    try (var running = Files.newInputStream(oldShim)) {
      installer.install(dir.resolve("v1"));
      assertThat(new String(running.readAllBytes())).isEqualTo("damaged");
    }
    installer.install(TestDistribution.create(dir.resolve("v2"), "2.0.0"));
    assertThat(installer.currentVersion()).isEqualTo("2.0.0");
    assertThat(Files.readString(dir.resolve("opt/jvisor/current/bin/containerd-shim-jvisor-v1")))
        .contains("shim 2.0.0");
    assertThat(Files.readString(oldShim)).contains("shim 1.0.0");
  }

  @Test
  void refusesASourceThatDoesNotMatchItsManifest() throws Exception {
    Path source = TestDistribution.create(dir.resolve("dist"), "1.0.0");
    Files.writeString(source.resolve("lib/jvisor-cli.jar"), "tampered");

    assertThatThrownBy(() -> new ArtifactInstaller(dir.resolve("opt/jvisor")).install(source))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("lib/jvisor-cli.jar checksum differs");
    assertThat(dir.resolve("opt/jvisor/current")).doesNotExist();
  }

  @Test
  void refusesAMissingDistributionWithAHint() {
    assertThatThrownBy(() -> new ArtifactInstaller(dir.resolve("opt/jvisor")).install(dir.resolve("nowhere")))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("--artifacts");
  }

  @Test
  void removeAllLeavesNothing() {
    ArtifactInstaller installer = new ArtifactInstaller(dir.resolve("opt/jvisor"));
    installer.install(TestDistribution.create(dir.resolve("dist"), "1.0.0"));
    installer.removeAll();
    assertThat(dir.resolve("opt/jvisor")).doesNotExist();
  }
}
