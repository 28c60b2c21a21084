package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.lifecycle.Installer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "install", mixinStandardHelpOptions = true,
    description = "Install the runtime, configure containerd, restart it if needed, verify, label the node.")
final class InstallCommand implements Callable<Integer> {
  @Mixin
  CommonOptions options;

  @Override
  public Integer call() {
    Installer.Result result = new Installer(options.settings(), options.reporter(), CommonOptions.log()).install();
    System.out.println("installed jvisor " + result.record().version() + " as handler " + result.record().handler()
        + " (" + result.record().mode() + " " + result.record().mainFile() + "; config "
        + (result.configChanged() ? "changed" : "unchanged") + ", containerd "
        + (result.restarted() ? "restarted" : "not restarted") + ")");
    return 0;
  }
}
