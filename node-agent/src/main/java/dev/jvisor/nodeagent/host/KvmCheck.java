package dev.jvisor.nodeagent.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Is /dev/kvm present and openable read-write? Without it no sandbox can start, so install fails early with a
 * reason an operator can act on instead of labelling a node where every pod would fail.
 */
public final class KvmCheck {
  private KvmCheck() {}

  /** Empty when usable, otherwise why not. */
  public static Optional<String> unavailabilityCause(Path kvmDevice) {
    if (!Files.exists(kvmDevice)) {
      return Optional.of(kvmDevice + " does not exist: enable hardware virtualization (VT-x/AMD-V or nested "
          + "virtualization) on this node and load kvm_intel or kvm_amd");
    }
    try (RandomAccessFile ignored = new RandomAccessFile(kvmDevice.toFile(), "rw")) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(kvmDevice + " cannot be opened read-write (" + e.getMessage()
          + "): the agent needs it mounted into its pod and the permission to open it");
    }
  }
}
