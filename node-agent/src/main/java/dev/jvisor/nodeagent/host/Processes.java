package dev.jvisor.nodeagent.host;

import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command with a bounded wait (lesson 12) and keeps its combined output for error messages. */
public final class Processes {
  private Processes() {}

  /** Exit code and combined stdout/stderr of a finished command. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  public static Result run(List<String> command, Duration timeout) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AgentException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    try {
      // Read in a helper thread so a chatty command cannot block on a full pipe while we wait.
      StringBuilder output = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the process went away; what was read is kept
        }
      }, "process-output");
      reader.setDaemon(true);
      reader.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AgentException(String.join(" ", command) + " did not finish within " + timeout);
      }
      reader.join(Duration.ofSeconds(5).toMillis());
      synchronized (output) {
        return new Result(process.exitValue(), output.toString().strip());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AgentException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
