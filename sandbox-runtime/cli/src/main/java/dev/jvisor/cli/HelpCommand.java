package dev.jvisor.cli;

import dev.jvisor.sentry.syscalls.Linux64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvisor help [syscalls | COMMAND]}. */
@Command(name = "help", description = "Show help for a command, or 'help syscalls' for the syscall table.")
final class HelpCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "'syscalls' or a command name.")
  String topic;

  @Override
  public Integer call() {
    CommandLine root = spec.parent().commandLine();
    if (topic == null) {
      root.usage(System.out);
      return 0;
    }
    if (topic.equals("syscalls")) {
      Linux64.table().print(System.out);
      return 0;
    }
    CommandLine sub = root.getSubcommands().get(topic);
    if (sub == null) {
      System.err.println("jvisor: no help topic '" + topic + "' (try: syscalls, "
          + String.join(", ", root.getSubcommands().keySet()) + ")");
      return 2;
    }
    sub.usage(System.out);
    return 0;
  }
}
