package dev.jvisor.nodeagent.restart;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.host.Processes;
import java.time.Duration;
import java.util.List;

/**
 * Runs an explicit restart command ({@code --restart-command}) with {@code sh -c}: for tests that start their own
 * containerd and for hosts supervised by something other than systemd. Must exit 0 once containerd was restarted.
 */
public final class CommandRestart implements RestartStrategy {
  public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

  private final String command;

  public CommandRestart(String command) {
    if (command == null || command.isBlank()) {
      throw new AgentException("--restart-mode command needs --restart-command");
    }
    this.command = command;
  }

  @Override
  public void restart(Distribution distribution) {
    Processes.Result result = Processes.run(List.of("sh", "-c", command), COMMAND_TIMEOUT);
    if (!result.ok()) {
      throw new AgentException("restart command failed (exit " + result.exitCode() + "): " + command + ": "
          + result.output());
    }
  }
}
