package dev.jvisor.shim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a shim group's socket lives, as containerd's runc shim computes it (and so ours coexist with theirs). */
public final class ShimSocket {
  public static final Path SOCKET_DIR = Path.of("/run/containerd/s");
  public static final String SCHEME = "unix://";
  /** sun_path is 108 bytes including the terminating NUL. */
  static final int MAX_PATH = 106;

  private ShimSocket() {}

  /** {@code /run/containerd/s/hex(sha256(address/namespace/group))}. */
  public static Path forGroup(String containerdAddress, String namespace, String groupId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest((containerdAddress + "/" + namespace + "/" + groupId).getBytes(StandardCharsets.UTF_8));
      Path p = SOCKET_DIR.resolve(HexFormat.of().formatHex(d));
      if (p.toString().length() > MAX_PATH) {
        throw new IllegalStateException("socket path too long: " + p);
      }
      return p;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Whether something accepts connections on {@code path}. */
  public static boolean serving(Path path) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(path));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code unix:///run/...} -> {@code /run/...}; a bare path stays as it is. */
  public static Path path(String address) {
    return Path.of(address.startsWith(SCHEME) ? address.substring(SCHEME.length()) : address);
  }
}
