package dev.jvisor.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The daemon logs through java.util.logging to stderr, which start pointed at containerd's log fifo. */
final class ShimLogging {
  private ShimLogging() {}

  static void configure(boolean debug) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler h = new StderrHandler();
    h.setFormatter(new ContainerdLogFormatter());
    Level level = debug ? Level.FINE : Level.INFO;
    h.setLevel(level);
    root.setLevel(level);
    root.addHandler(h);
  }

  /**
   * Lines to stderr, each written whole and flushed. Not ConsoleHandler: its constructor builds a SimpleFormatter
   * (see {@link ContainerdLogFormatter}) even when another formatter replaces it at once.
   */
  private static final class StderrHandler extends Handler {
    @Override
    public synchronized void publish(LogRecord r) {
      if (isLoggable(r)) {
        System.err.print(getFormatter().format(r));
        System.err.flush();
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      flush();
    }
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
      f.setFormatter(new ContainerdLogFormatter());
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
