package dev.jvisor.sentry.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameRunsTest {
  private static List<String> runs(long... gpas) {
    List<String> out = new ArrayList<>();
    FrameRuns.forEach(gpas, gpas.length, (gpa, length) -> out.add(Long.toHexString(gpa) + "+" + length));
    return out;
  }

  @Test
  void adjacentFramesBecomeOneRunInAddressOrder() {
    assertThat(runs(0x3000, 0x1000, 0x2000, 0x8000, 0x9000)).containsExactly("1000+12288", "8000+8192");
  }

  @Test
  void aFrameListedTwiceCountsOnceAndGapsSplitRuns() {
    assertThat(runs(0x5000, 0x5000, 0x6000, 0x8000)).containsExactly("5000+8192", "8000+4096");
    assertThat(runs()).isEmpty();
  }
}
