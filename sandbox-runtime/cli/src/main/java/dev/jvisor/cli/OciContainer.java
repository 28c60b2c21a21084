package dev.jvisor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One OCI-CLI container on disk: {@code <root>/<id>/state.json} (who its daemon is) and the daemon's socket.
 * The status is never stored: it is asked of the live daemon, and a dead daemon means "stopped".
 */
record OciContainer(String id, String bundle, long pid, String created, String socket) {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Sockets live apart from --root so their paths stay short (sun_path is 108 bytes). */
  static final Path SOCKET_DIR = Path.of("/run/jvisor/s");
  static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,255}";

  static Path dir(String id) {
    if (!id.matches(ID_PATTERN)) {
      throw new IllegalArgumentException("invalid container id '" + id + "'");
    }
    return OciGlobalOptions.root().resolve(id);
  }

  static Path socketFor(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(dir(id).toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
      return SOCKET_DIR.resolve(HexFormat.of().formatHex(d).substring(0, 32));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Optional<OciContainer> load(String id) throws IOException {
    Path f = dir(id).resolve("state.json");
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(f.toFile(), OciContainer.class));
  }

  static OciContainer require(String id) throws IOException {
    return load(id).orElseThrow(() -> new IllegalArgumentException("container " + id + " does not exist"));
  }

  void save() throws IOException {
    Path d = Files.createDirectories(dir(id));
    Path tmp = d.resolve("state.json.tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, d.resolve("state.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  boolean daemonAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  void remove() throws IOException {
    Files.deleteIfExists(Path.of(socket));
    Path d = dir(id);
    if (Files.exists(d)) {
      try (Stream<Path> walk = Files.walk(d)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
