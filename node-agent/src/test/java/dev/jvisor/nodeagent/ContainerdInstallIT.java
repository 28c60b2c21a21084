package dev.jvisor.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.ScriptedContainerd;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real thing on this machine: Debian's containerd 1.6 with its default config (generated) inside a temporary
 * host root, the packaged agent jar with {@code --restart-mode command}, the real distribution from the build.
 * Checks through CRI (containerd's own Status) that handler jvisor is served after install and gone after
 * uninstall, and that uninstall gives the config back byte for byte.
 */
class ContainerdInstallIT {
  ScriptedContainerd containerd;

  @BeforeEach
  void start() throws Exception {
    containerd = ScriptedContainerd.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
    }
  }

  @Test
  void installServesTheHandlerAndUninstallRestoresTheConfigByteForByte() throws Exception {
    HostTree host = containerd.host();
    String config = ScriptedContainerd.CONFIG;
    byte[] original = Files.readAllBytes(host.path(config));
    assertThat(containerd.servedHandlers()).contains("runc").doesNotContain("jvisor");
    String pidBefore = containerd.pid();

    ScriptedContainerd.Run install = containerd.agent("install");
    System.out.println("install:\n" + install.output());
    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(install.output()).contains("containerd restarted");
    assertThat(containerd.servedHandlers()).contains("runc", "jvisor");
    assertThat(containerd.pid()).isNotEqualTo(pidBefore);
    assertThat(host.path("/opt/jvisor/current/bin/containerd-shim-jvisor-v1")).isExecutable();
    assertThat(host.path("/opt/jvisor/current/runtime/bin/java")).isExecutable();
    // containerd 1.6 ignores runtime_path: the agent links the shim onto containerd's PATH.
    assertThat(Files.readSymbolicLink(host.path("/usr/local/bin/containerd-shim-jvisor-v1")).toString())
        .isEqualTo("/opt/jvisor/current/bin/containerd-shim-jvisor-v1");

    String pidAfterInstall = containerd.pid();
    ScriptedContainerd.Run again = containerd.agent("install");
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("config unchanged").contains("containerd not restarted");
    assertThat(containerd.pid()).isEqualTo(pidAfterInstall);

    ScriptedContainerd.Run status = containerd.agent("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).contains("serves handler jvisor: true").contains("MAIN_FILE");

    ScriptedContainerd.Run uninstall = containerd.agent("uninstall");
    System.out.println("uninstall:\n" + uninstall.output());
    assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
    assertThat(containerd.servedHandlers()).contains("runc").doesNotContain("jvisor");
    assertThat(Files.readAllBytes(host.path(config))).isEqualTo(original);
    assertThat(host.path("/opt/jvisor")).doesNotExist();
    assertThat(host.path(config + ".jvisor.bak")).doesNotExist();
    assertThat(host.path("/usr/local/bin").toFile().list()).isEmpty();

    assertThat(containerd.agent("status").exitCode()).isEqualTo(3);
  }
}
