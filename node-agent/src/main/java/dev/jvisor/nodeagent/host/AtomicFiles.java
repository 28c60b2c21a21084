package dev.jvisor.nodeagent.host;

import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes that leave either the old or the new file, never a half one: temp file in the same directory, fsync,
 * rename over the target, fsync of the directory. A full disk or a read-only file system fails the temp write
 * and leaves the target untouched.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      Set<PosixFilePermission> mode = Files.exists(target) ? Files.getPosixFilePermissions(target) : null;
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".jvisor-tmp");
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      if (mode != null) {
        Files.setPosixFilePermissions(temp, mode);
      } else {
        Files.setPosixFilePermissions(temp, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
      }
      move(temp, target);
      temp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new AgentException("cannot write " + target + " (" + e + "); the previous content is unchanged", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a stray temp file is harmless and named .jvisor-tmp
        }
      }
    }
  }

  /** Renames atomically within one file system (callers keep source and target in one directory tree). */
  public static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + source + " to " + target + " atomically", e);
    }
  }

  public static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse fsync on directories; the rename itself already happened.
    }
  }

  public static void deleteIfExists(Path file) {
    try {
      if (Files.deleteIfExists(file)) {
        syncDirectory(file.toAbsolutePath().getParent());
      }
    } catch (IOException e) {
      throw new AgentException("cannot delete " + file + ": " + e, e);
    }
  }

  public static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static String sha256(Path file) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new AgentException("cannot read " + file + ": " + e, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
