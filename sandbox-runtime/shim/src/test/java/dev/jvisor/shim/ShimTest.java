package dev.jvisor.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.shim.proto.task.DeleteResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShimTest {
  @TempDir Path tmp;

  @Test
  void socketPathIsTheRuncShimsHash() {
    // sha256("/run/containerd/containerd.sock/k8s.io/abc"), computed independently.
    assertThat(ShimSocket.forGroup("/run/containerd/containerd.sock", "k8s.io", "abc").toString())
        .isEqualTo("/run/containerd/s/" + EXPECTED_HASH);
    assertThat(ShimSocket.path("unix:///run/x")).isEqualTo(Path.of("/run/x"));
    assertThat(ShimSocket.path("/run/x")).isEqualTo(Path.of("/run/x"));
  }

  static final String EXPECTED_HASH = "a99a1752d3a0fadfb1f869026f16760475df03a572e20f4ccea9e6c1e5470b72";

  @Test
  void deleteWritesABinaryDeleteResponseQuicklyAndIsIdempotent() throws Exception {
    Files.writeString(tmp.resolve("address"), "unix://" + tmp.resolve("gone.sock"));
    ShimArgs a = new ShimArgs("k8s.io", "/x.sock", "", "t1", tmp, false, null, ShimArgs.Action.DELETE);
    for (int i = 0; i < 2; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Instant t0 = Instant.now();
      assertThat(Shim.delete(a, out, new PrintStream(new ByteArrayOutputStream()))).isZero();
      assertThat(Duration.between(t0, Instant.now())).isLessThan(Duration.ofSeconds(2));
      DeleteResponse r = DeleteResponse.parseFrom(out.toByteArray());
      assertThat(r.getExitStatus()).isEqualTo(137);
      assertThat(r.getExitedAt().getSeconds()).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
    }
  }

  @Test
  void argsNeedNamespaceIdAndAKnownAction() {
    assertThatThrownBy(() -> new ShimArgs("", "a", "", "id", null, false, null, ShimArgs.Action.START))
        .hasMessageContaining("-namespace");
    assertThatThrownBy(() -> new ShimArgs("ns", "a", "", "", null, false, null, ShimArgs.Action.START))
        .hasMessageContaining("-id");
    assertThatThrownBy(() -> ShimArgs.action("frobnicate")).hasMessageContaining("start or delete");
    assertThat(ShimArgs.action("delete")).isEqualTo(ShimArgs.Action.DELETE);
  }
}
