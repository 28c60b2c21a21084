package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.lifecycle.Uninstaller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "uninstall", mixinStandardHelpOptions = true,
    description = "Remove the label, restore containerd's config, restart, verify the handler is gone, remove files.")
final class UninstallCommand implements Callable<Integer> {
  @Mixin
  CommonOptions options;

  @Override
  public Integer call() {
    new Uninstaller(options.settings(), options.reporter(), CommonOptions.log()).uninstall();
    System.out.println("uninstalled jvisor");
    return 0;
  }
}
