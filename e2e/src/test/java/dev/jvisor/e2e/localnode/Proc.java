package dev.jvisor.e2e.localnode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A finished child process: exit code and merged output; runs are bounded. */
record Proc(List<String> command, int exitCode, String output) {

  static Proc run(List<String> command, Duration timeout) throws IOException {
    return run(command, Map.of(), timeout);
  }

  static Proc run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[][] out = new byte[1][];
    Thread reader = new Thread(() -> {
      try {
        out[0] = p.getInputStream().readAllBytes();
      } catch (IOException e) {
        out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
      }
    }, "proc-output");
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Proc(command, p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
  }

  /** The output when the exit code is 0; otherwise an error naming the command and its output. */
  String requireOk(String what) throws IOException {
    if (exitCode != 0) {
      throw new IOException(what + " exited " + exitCode + ": " + output.strip());
    }
    return output;
  }
}
