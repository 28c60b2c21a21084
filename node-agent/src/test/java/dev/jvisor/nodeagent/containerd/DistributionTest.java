package dev.jvisor.nodeagent.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class DistributionTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/etc/containerd, CONTAINERD",
      "/var/lib/rancher/k3s/agent/etc/containerd, K3S",
      "/var/lib/rancher/rke2/agent/etc/containerd, RKE2",
      "/etc/k0s/containerd.d, K0S",
      "/etc/k0s, CONTAINERD",
      "/var/lib/k0s, K0S",
      "/nothing, CONTAINERD"})
  // An empty /etc/k0s is what the operator's DirectoryOrCreate hostPath leaves on every node: not k0s.
  void detectsFromHostDirectories(String dir, Distribution expected, @TempDir Path root) throws Exception {
    Files.createDirectories(HostPaths.resolve(root, dir));
    assertThat(Distribution.detect(root)).isEqualTo(expected);
  }
}
