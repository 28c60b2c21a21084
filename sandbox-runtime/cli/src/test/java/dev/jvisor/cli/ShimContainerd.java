package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.testing.PrivateContainerd;
import java.nio.file.Path;

/**
 * The private containerd the shim ITs drive as a kubelet would: handler {@code jvisor} over this build's
 * launcher ({@link ShimLauncher}), handler {@code runc} as the control, the test images imported. One per test
 * class; stopping it checks the "no leftover shim processes".
 */
final class ShimContainerd {
  private ShimContainerd() {}

  /** Starts one under {@code tmp} (its launcher in {@code tmp/bin}); skips the class where containerd is absent. */
  static PrivateContainerd start(Path tmp) throws Exception {
    assumeTrue(PrivateContainerd.available(), "containerd is not installed");
    PrivateContainerd containerd = PrivateContainerd.start(ShimLauncher.write(tmp.resolve("bin")), null);
    containerd.importTestImages();
    return containerd;
  }

  /** Stops it (if it started) and checks that no shim outlived it. */
  static void stop(PrivateContainerd containerd) throws Exception {
    if (containerd != null) {
      containerd.close();
      assertThat(containerd.shimPids()).as("shim processes left after the test class").isEmpty();
    }
  }
}
