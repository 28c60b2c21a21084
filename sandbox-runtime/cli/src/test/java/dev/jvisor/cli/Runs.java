package dev.jvisor.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command natively and inside `jvisor do`, as separate processes, and captures what they print. */
final class Runs {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Path MODULE = Path.of(System.getProperty("user.dir"));
  static final Path JAR = MODULE.resolve("target/jvisor-cli.jar");

  record Result(int exit, String stdout, String stderr) {}

  private Runs() {}

  static Result run(List<String> cmd, Path cwd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Path out = Files.createTempFile("jvisor-out", ".txt");
    Path err = Files.createTempFile("jvisor-err", ".txt");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null"));
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result natively(Path cwd, String... cmd) throws IOException, InterruptedException {
    return run(List.of(cmd), cwd);
  }

  /** `jvisor do [opts] -- cmd`: the built CLI jar, started the way ./jvisor starts it. */
  static Result sandboxed(Path cwd, List<String> opts, String... cmd) throws IOException, InterruptedException {
    assertTrue(Files.exists(JAR), "the CLI jar must be built before integration tests: " + JAR);
    List<String> full = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-jar", JAR.toString(), "do"));
    full.addAll(opts);
    full.add("--");
    full.addAll(List.of(cmd));
    return run(full, cwd);
  }

  static Result sandboxed(Path cwd, String... cmd) throws IOException, InterruptedException {
    return sandboxed(cwd, List.of(), cmd);
  }
}
