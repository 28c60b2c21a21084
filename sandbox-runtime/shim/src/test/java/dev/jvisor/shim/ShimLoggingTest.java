package dev.jvisor.shim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShimLoggingTest {
  @TempDir Path tmp;

  @Test
  void logPathGetsTheShimsLinesWithTheIdSubstituted() throws Exception {
    Logger root = Logger.getLogger("");
    int before = root.getHandlers().length;
    ShimLogging.addFile(tmp.resolve("logs/%ID%.log").toString(), "pod1", false);
    try {
      Logger.getLogger("dev.jvisor.shim.test").info("hello from the shim");
      for (Handler h : root.getHandlers()) {
        h.flush();
      }
      assertThat(Files.readString(tmp.resolve("logs/pod1.log"))).contains("hello from the shim");
    } finally {
      for (Handler h : root.getHandlers()) {
        if (h instanceof java.util.logging.FileHandler) {
          root.removeHandler(h);
          h.close();
        }
      }
    }
    assertThat(root.getHandlers()).hasSize(before);
  }
}
