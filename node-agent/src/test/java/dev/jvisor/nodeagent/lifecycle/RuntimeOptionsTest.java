package dev.jvisor.nodeagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

class RuntimeOptionsTest {
  @TempDir Path dir;

  @Test
  void turnsTheOperatorsSandboxJsonIntoTheShimsToml() throws Exception {
    Path json = Files.writeString(dir.resolve("sandbox.json"), "{\"debug\":true,\"handler\":\"jvisor\","
        + "\"kernelRelease\":\"5.10.0\",\"memoryOverhead\":\"64Mi\",\"strace\":false}");
    TomlParseResult toml = Toml.parse(RuntimeOptions.toml(json));
    assertThat(toml.errors()).isEmpty();
    assertThat(toml.getBoolean("debug")).isTrue();
    assertThat(toml.getBoolean("strace")).isFalse();
    assertThat(toml.getString("kernel_release")).isEqualTo("5.10.0");
    assertThat(toml.getLong("memory_overhead")).isEqualTo(64L << 20);
    assertThat(toml.keySet()).containsExactlyInAnyOrder("debug", "strace", "kernel_release", "memory_overhead");
  }

  @Test
  void withoutSandboxJsonTheShimDefaultsApply() {
    assertThat(Toml.parse(RuntimeOptions.toml(null)).isEmpty()).isTrue();
    assertThat(Toml.parse(RuntimeOptions.toml(dir.resolve("absent.json"))).isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"64Mi, 67108864", "1Gi, 1073741824", "512Ki, 524288", "1G, 1000000000", "100k, 100000",
      "4096, 4096"})
  void quantitiesBecomeBytes(String quantity, long bytes) {
    assertThat(RuntimeOptions.bytes(quantity, dir)).isEqualTo(bytes);
  }

  @Test
  void badInputIsAClearError() throws Exception {
    Path json = Files.writeString(dir.resolve("sandbox.json"), "{\"memoryOverhead\":\"lots\"}");
    assertThatThrownBy(() -> RuntimeOptions.toml(json)).isInstanceOf(AgentException.class)
        .hasMessageContaining("memoryOverhead 'lots'");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{");
    assertThatThrownBy(() -> RuntimeOptions.toml(broken)).isInstanceOf(AgentException.class)
        .hasMessageContaining("not valid JSON");
  }
}
