package dev.jvisor.nodeagent.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the systemd strategy would run (systemd itself does not run on the build machines). */
class SystemdRestartTest {
  @Test
  void onTheHostItCallsSystemctlDirectly() {
    assertThat(new SystemdRestart(Path.of("/")).systemctl("restart", "containerd"))
        .containsExactly("systemctl", "restart", "containerd");
  }

  @Test
  void fromTheDaemonSetItEntersTheHostMountNamespace() {
    assertThat(new SystemdRestart(Path.of("/host")).systemctl("is-active", "k3s"))
        .containsExactly("nsenter", "--target", "1", "--mount", "--", "systemctl", "is-active", "k3s");
  }

  @Test
  void k0sHasNoUnitToRestart() {
    new SystemdRestart(Path.of("/nonexistent")).restart(Distribution.K0S);
    assertThat(Distribution.K0S.units()).isEmpty();
  }

  @Test
  void aCommandRestartThatFailsSaysWhy() {
    assertThatThrownBy(() -> new CommandRestart("echo broken >&2; exit 3").restart(Distribution.CONTAINERD))
        .isInstanceOf(AgentException.class).hasMessageContaining("exit 3").hasMessageContaining("broken");
    assertThatThrownBy(() -> new CommandRestart(" ")).isInstanceOf(AgentException.class)
        .hasMessageContaining("--restart-command");
  }
}
