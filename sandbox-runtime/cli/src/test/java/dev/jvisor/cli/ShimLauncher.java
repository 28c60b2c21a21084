package dev.jvisor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a {@code containerd-shim-jvisor-v1} for tests: the installed launcher's shape (java ... Main shim "$@")
 * over this test run's class path.
 */
final class ShimLauncher {
  static final String NAME = "containerd-shim-jvisor-v1";

  private ShimLauncher() {}

  /** {@code java ... dev.jvisor.cli.Main args...} as a separate process, over this test run's class path. */
  static java.util.List<String> cli(String... args) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName()));
    cmd.addAll(java.util.List.of(args));
    return cmd;
  }

  /** A runc-compatible binary for containerd's runc shim ({@code BinaryName}): RuncCompat over this class path. */
  static Path writeRuncBinary(Path dir) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path bin = Files.createDirectories(dir).resolve("jvisor-runc");
    Files.writeString(bin, "#!/bin/sh\n"
        + "exec " + java + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
        + " -cp '" + cp + "' " + RuncCompat.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  static Path write(Path dir) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path shim = Files.createDirectories(dir).resolve(NAME);
    Files.writeString(shim, "#!/bin/sh\n"
        + "exec " + java + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
        + " -cp '" + cp + "' " + Main.class.getName() + " shim \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    return shim;
  }
}
