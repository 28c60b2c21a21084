package dev.jvisor.shim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ShimConfigTest {
  @Test
  void readsEveryOptionAndWarnsAboutUnknownOnes() throws Exception {
    ShimConfig c = ShimConfig.parse("""
        debug = true
        strace = true
        log_path = "/var/log/jvisor.log"
        kernel_release = "5.10.0"
        memory_overhead = "32M"
        default_memory = 1073741824
        platform = "kvm"
        """, "test.toml");
    assertThat(c.debug()).isTrue();
    assertThat(c.strace()).isTrue();
    assertThat(c.logPath()).isEqualTo("/var/log/jvisor.log");
    assertThat(c.kernelRelease()).isEqualTo("5.10.0");
    assertThat(c.memoryOverhead()).isEqualTo(32L << 20);
    assertThat(c.defaultMemory()).isEqualTo(1L << 30);
    assertThat(c.warnings()).containsExactly("test.toml: unknown option 'platform' ignored");
  }

  @Test
  void emptyFileMeansDefaults() throws Exception {
    assertThat(ShimConfig.parse("", "e.toml")).isEqualTo(ShimConfig.defaults());
  }

  @Test
  void badValuesAreClearErrors() {
    assertThatThrownBy(() -> ShimConfig.parse("debug = \"yes\"", "b.toml")).isInstanceOf(IOException.class)
        .hasMessageContaining("b.toml");
    assertThatThrownBy(() -> ShimConfig.parse("memory_overhead = \"lots\"", "b.toml"))
        .hasMessageContaining("not a size like 64M");
    assertThatThrownBy(() -> ShimConfig.parse("memory_overhead = -1", "b.toml")).hasMessageContaining("negative");
    assertThatThrownBy(() -> ShimConfig.parse("debug = = true", "b.toml")).isInstanceOf(IOException.class)
        .hasMessageContaining("b.toml");
  }
}
