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

  /** The script that chooses the runtime for ./jvisor and the distribution alike. */
  static final Path RUNTIME_JDK = Path.of("../../scripts/runtime-jdk.sh");

  /**
   * The java the shim runs on: what the distribution links its runtime from ({@link #RUNTIME_JDK}: a JDK 25 or
   * later when the machine has one, for its AOT cache), unless {@code -Djvisor.shim.java=/path/to/java} names
   * another; the tests' own java when the script chooses none.
   */
  static String runtimeJava() throws IOException {
    String chosen = System.getProperty("jvisor.shim.java", "");
    if (!chosen.isEmpty()) {
      return chosen;
    }
    Process p = new ProcessBuilder(RUNTIME_JDK.toString()).redirectErrorStream(true).start();
    String home = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    try {
      if (p.waitFor() != 0) {
        throw new IOException(RUNTIME_JDK + " failed: " + home);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return home.isEmpty() ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
        : Path.of(home, "bin", "java").toString();
  }

  /** JNA's native stub where the installed layout has it ({@code <home>/lib/native}), as assemble.sh puts it. */
  private static void extractJnaStub(Path nativeDir) throws IOException {
    Path lib = Path.of("target", "lib");
    if (!Files.isDirectory(lib)) {
      return; // the launcher then lets JNA unpack it, as it does for any runtime without the directory
    }
    try (var jars = Files.list(lib)) {
      Path jna = jars.filter(j -> j.getFileName().toString().startsWith("jna-")).findFirst().orElse(null);
      if (jna == null) {
        return;
      }
      try (var zip = new java.util.zip.ZipFile(jna.toFile())) {
        var entry = zip.getEntry("com/sun/jna/linux-x86-64/libjnidispatch.so");
        if (entry != null) {
          Files.createDirectories(nativeDir);
          try (var in = zip.getInputStream(entry)) {
            Files.copy(in, nativeDir.resolve("libjnidispatch.so"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
  }

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

  /** The installed launcher ({@code distribution/.../containerd-shim-jvisor-v1}), pointed at this run's classes. */
  static final Path DISTRIBUTION_LAUNCHER = Path.of("../../distribution/src/main/dist/bin", NAME);

  /**
   * The distribution's own launcher script, its shell fast path for {@code start} included, with its two
   * runtime-location lines pointed at this test run's java and class path.
   */
  static Path write(Path dir) throws IOException {
    // Jars, as installed: AppCDS refuses a class path with directories (and the archive is part of the launcher).
    Path jar = Path.of("target", "jvisor-cli.jar").toAbsolutePath();
    Path lib = Path.of("target", "lib").toAbsolutePath();
    String cp = Files.isRegularFile(jar) && Files.isDirectory(lib) ? jar + ":" + lib + "/*"
        : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = runtimeJava();
    String script = Files.readString(DISTRIBUTION_LAUNCHER);
    String pointed = script.replace("java=\"$home/runtime/bin/java\"", "java='" + java + "'")
        .replace("cp=\"$home/lib/*\"", "cp='" + cp + "'");
    if (pointed.equals(script)) {
      throw new IllegalStateException(DISTRIBUTION_LAUNCHER + " no longer has the lines tests replace");
    }
    extractJnaStub(dir.toAbsolutePath().getParent().resolve("lib/native"));
    Path shim = Files.createDirectories(dir).resolve(NAME);
    Files.writeString(shim, pointed);
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    return shim;
  }
}
