package dev.jvisor.shim;

import java.util.logging.ConsoleHandler;
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
}
