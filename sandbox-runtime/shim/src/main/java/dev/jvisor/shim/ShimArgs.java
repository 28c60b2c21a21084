package dev.jvisor.shim;

import java.nio.file.Path;

/**
 * containerd's Go-style shim flags ({@code -namespace NS -address A -publish-binary B -id ID [-bundle B] [-debug]})
 * plus {@code -socket}, which only our own start passes to the daemon it spawns.
 */
public record ShimArgs(String namespace, String address, String publishBinary, String id, Path bundle,
    boolean debug, String socket, Action action) {
  /** What containerd asks for (the last argument). */
  public enum Action {
    START,
    DELETE,
    /** Internal: the long-lived server that start spawns. */
    DAEMON
  }

  public ShimArgs {
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("-namespace is required");
    }
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("-id is required");
    }
    if (action == null) {
      throw new IllegalArgumentException("an action is required: start or delete");
    }
    address = address == null ? "" : address;
    publishBinary = publishBinary == null ? "" : publishBinary;
    socket = socket == null ? "" : socket;
  }

  /** The bundle: -bundle when given, else the working directory (containerd runs start inside the bundle). */
  public Path bundleDir() {
    return bundle != null ? bundle : Path.of("").toAbsolutePath();
  }

  public static Action action(String word) {
    return switch (word) {
      case "start" -> Action.START;
      case "delete" -> Action.DELETE;
      case "daemon" -> Action.DAEMON;
      default -> throw new IllegalArgumentException("unknown action '" + word + "': want start or delete");
    };
  }
}
