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
