package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignalsTest {
  @Test
  void namesWithAndWithoutSigAndNumbers() {
    assertThat(Signals.parse("SIGTERM")).isEqualTo(15);
    assertThat(Signals.parse("term")).isEqualTo(15);
    assertThat(Signals.parse("KILL")).isEqualTo(9);
    assertThat(Signals.parse("9")).isEqualTo(9);
    assertThat(Signals.parse("64")).isEqualTo(64);
    assertThatThrownBy(() -> Signals.parse("65")).hasMessageContaining("unknown signal");
    assertThatThrownBy(() -> Signals.parse("SIGFOO")).hasMessageContaining("unknown signal");
  }

  @Test
  void badContainerIdsAreRefusedBeforeTouchingTheDisk() {
    assertThatThrownBy(() -> OciContainer.dir("../etc")).hasMessageContaining("invalid container id");
    assertThatThrownBy(() -> OciContainer.dir("")).hasMessageContaining("invalid container id");
    assertThat(OciContainer.socketFor("abc").toString()).hasSizeLessThan(100);
  }
}
