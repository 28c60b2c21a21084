package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.host.ArtifactInstaller;
import dev.jvisor.nodeagent.lifecycle.AgentSettings;
import dev.jvisor.nodeagent.lifecycle.InstallRecord;
import dev.jvisor.nodeagent.verify.HandlerProbe;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print what is installed, which config file was changed how, and whether containerd serves the "
        + "handler. Exit 0 when installed and served (or not checkable), 3 when not installed, 1 when not served.")
final class StatusCommand implements Callable<Integer> {
  static final int NOT_INSTALLED = 3;

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() {
    AgentSettings settings = options.settings();
    InstallRecord record = InstallRecord.read(settings.recordPath());
    String current = new ArtifactInstaller(settings.agentPath(AgentSettings.OPT_DIR)).currentVersion();
    System.out.println("installed version: " + (current == null ? "none" : current));
    if (record == null) {
      System.out.println("containerd config: not changed by jvisor");
    } else {
      System.out.println("handler:           " + record.handler());
      System.out.println("distribution:      " + record.distribution());
      System.out.println("config mode:       " + record.mode() + " (schema version " + record.configVersion() + ")");
      System.out.println("main file:         " + record.mainFile());
      System.out.println("backup:            " + record.backupFile());
      System.out.println("drop-in:           " + record.dropInFile());
      System.out.println("imports entry:     " + record.importEntry());
    }
    if (!settings.restart().restarts()) {
      System.out.println("served by containerd: not checked (--restart-mode none)");
      return record == null ? NOT_INSTALLED : 0;
    }
    try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
      boolean served = probe.servedHandlers().contains(settings.handler());
      System.out.println("containerd " + probe.runtimeVersion() + " serves handler " + settings.handler() + ": "
          + served);
      return record == null ? NOT_INSTALLED : served ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("containerd at " + settings.criSocketPath() + " does not answer: " + e.getMessage());
      return 1;
    }
  }
}
