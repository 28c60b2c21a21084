package dev.jvisor.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The daemon logs through java.util.logging to stderr, which start pointed at containerd's log fifo. */
final class ShimLogging {
  private ShimLogging() {}

  static void configure(boolean debug) {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "time=\"%1$tFT%1$tT.%1$tLZ\" level=%4$s msg=\"%5$s%6$s\" runtime=io.containerd.jvisor.v1%n");
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler h = new ConsoleHandler();
    h.setFormatter(new SimpleFormatter());
    Level level = debug ? Level.FINE : Level.INFO;
    h.setLevel(level);
    root.setLevel(level);
    root.addHandler(h);
  }

  /**
   * Adds the runtime options' log_path (appending; "%ID%" becomes the shim's id) next to the log fifo, so a shim's
   * lines outlive containerd's log. A bad path is reported and otherwise ignored.
   */
  static void addFile(String logPath, String id, boolean debug) {
    if (logPath == null || logPath.isEmpty()) {
      return;
    }
    Path p = Path.of(logPath.replace("%ID%", id));
    try {
      if (p.getParent() != null) {
        Files.createDirectories(p.getParent());
      }
      FileHandler f = new FileHandler(p.toString(), true);
      f.setFormatter(new SimpleFormatter());
      f.setLevel(debug ? Level.FINE : Level.INFO);
      Logger root = Logger.getLogger("");
      if (debug) {
        root.setLevel(Level.FINE);
      }
      root.addHandler(f);
    } catch (IOException | RuntimeException e) {
      Logger.getLogger(ShimLogging.class.getName()).warning("cannot log to " + p + ": " + e.getMessage());
    }
  }
}
