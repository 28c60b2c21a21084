package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The message buffer dmesg reads: level prefixes, order, the bound on later lines. */
class KernelLogTest {
  @Test
  void laterLinesFollowTheBootLinesWithTheirLevelAndALaterStamp() {
    KernelLog log = new KernelLog(System.nanoTime());
    log.log(BootLog.KERN_ERR, "Out of memory: Killed process 2 (python3)");
    List<String> lines = log.text().lines().toList();
    assertThat(lines.get(0)).isEqualTo("<6>[    0.000000] Starting jvisor...");
    assertThat(lines.get(lines.size() - 2)).isEqualTo("<6>[    4.350000] Ready!");
    String last = lines.get(lines.size() - 1);
    assertThat(last).matches("<3>\\[ +\\d+\\.\\d{6}\\] Out of memory: Killed process 2 \\(python3\\)");
    double stamp = Double.parseDouble(last.substring(last.indexOf('[') + 1, last.indexOf(']')).strip());
    assertThat(stamp).isGreaterThanOrEqualTo(4.35);
  }

  @Test
  void onlyTheNewestLaterLinesAreKept() {
    KernelLog log = new KernelLog(System.nanoTime());
    for (int i = 0; i < KernelLog.MAX_LINES + 10; i++) {
      log.log(BootLog.KERN_INFO, "line " + i);
    }
    String text = log.text();
    assertThat(text).contains("Starting jvisor...", "line " + (KernelLog.MAX_LINES + 9)).doesNotContain("] line 9\n");
    assertThat(text.lines().count()).isEqualTo(BootLog.text().lines().count() + KernelLog.MAX_LINES);
  }
}
