package dev.jvisor.nodeagent.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tomlj.Toml;

class ConfigVersionTest {
  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                 | V1",
      "'root = \"/x\"'    | V1",
      "'version = 1'      | V1",
      "'version = 2'      | V2",
      "'version = 3'      | V3_PLUS",
      "'version = 4'      | V3_PLUS",
      "'version = 7'      | V3_PLUS"})
  void detectsEveryKnownAndFutureVersion(String text, ConfigVersion expected) {
    assertThat(ConfigVersion.detect(Toml.parse(text), ConfigVersion.V1)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"V1, plugins.cri.containerd.runtimes",
      "V2, plugins.io.containerd.grpc.v1.cri.containerd.runtimes",
      "V3_PLUS, plugins.io.containerd.cri.v1.runtime.containerd.runtimes"})
  void runtimesLiveUnderTheVersionsCriPlugin(ConfigVersion version, String path) {
    assertThat(String.join(".", version.runtimesPath())).isEqualTo(path);
  }

  @org.junit.jupiter.api.Test
  void aNonIntegerVersionIsRefused() {
    assertThatThrownBy(() -> ConfigVersion.detect(Toml.parse("version = \"2\""), ConfigVersion.V1))
        .isInstanceOf(AgentException.class).hasMessageContaining("not an integer");
  }
}
