package dev.jvisor.nodeagent;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar jvisor-node-agent.jar <install|uninstall|status|run> [options]}. */
@Command(
    name = "jvisor-node-agent",
    mixinStandardHelpOptions = true,
    version = "jvisor-node-agent 0.1.0",
    description = "Installs the jvisor sandbox runtime on this node: artifacts, containerd config, restart, "
        + "verification, node label; and undoes it exactly.",
    subcommands = {InstallCommand.class, UninstallCommand.class, StatusCommand.class, RunCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    // An AgentException is an expected failure: print its message, not a stack trace.
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof AgentException) {
        err.println("jvisor-node-agent: " + e.getMessage());
        err.flush();
        return 1;
      }
      throw e;
    });
    return commandLine.execute(args);
  }
}
