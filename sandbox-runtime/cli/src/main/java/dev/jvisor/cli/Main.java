package dev.jvisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./jvisor}. */
@Command(
    name = "jvisor",
    mixinStandardHelpOptions = true,
    version = "jvisor 0.1.0",
    description = "Runs Linux programs in a sandbox: a KVM guest whose kernel is written in Java.",
    subcommands = {DoCommand.class, HelpCommand.class, BenchCommand.class, ShimCommand.class, OciCommands.Create.class,
        OciCommands.Start.class, OciCommands.State.class, OciCommands.Kill.class, OciCommands.Delete.class,
        OciExecCommands.Exec.class, OciCommands.Ps.class, OciCommands.Run.class, OciCommands.Spec.class,
        OciCommands.Daemon.class, OciExecCommands.ExecWait.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
