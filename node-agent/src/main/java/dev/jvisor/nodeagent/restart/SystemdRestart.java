package dev.jvisor.nodeagent.restart;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.host.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code systemctl restart <unit>} for the first active unit of the distribution (containerd; k3s / k3s-agent;
 * rke2-server / rke2-agent). With a host root other than / (the DaemonSet), the host's own systemctl runs in the
 * host's mount namespace through {@code nsenter --target 1 --mount}: the operator gives the pod hostPID and
 * privileges for exactly this, and mounts only parts of the host, so a chroot would find no systemctl.
 * A restart that leaves the unit inactive or failed is an error. k0s has no unit to restart: it reloads its
 * containerd.d drop-ins itself.
 */
public final class SystemdRestart implements RestartStrategy {
  /** systemd's own default stop+start timeouts are 90 s each; containerd normally restarts in about a second. */
  public static final Duration RESTART_TIMEOUT = Duration.ofMinutes(3);
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(15);

  private final Path hostRoot;

  public SystemdRestart(Path hostRoot) {
    this.hostRoot = hostRoot;
  }

  @Override
  public void restart(Distribution distribution) {
    if (distribution.units().isEmpty()) {
      return;
    }
    String unit = activeUnit(distribution);
    Processes.Result restart = Processes.run(systemctl("restart", unit), RESTART_TIMEOUT);
    if (!restart.ok()) {
      throw new AgentException("systemctl restart " + unit + " failed (exit " + restart.exitCode() + "): "
          + restart.output() + "; see 'journalctl -u " + unit + "'");
    }
    Processes.Result active = Processes.run(systemctl("is-active", unit), QUERY_TIMEOUT);
    if (!active.ok()) {
      throw new AgentException(unit + " is '" + active.output() + "' after the restart; see 'journalctl -u "
          + unit + "'");
    }
  }

  String activeUnit(Distribution distribution) {
    for (String unit : distribution.units()) {
      if (Processes.run(systemctl("is-active", "--quiet", unit), QUERY_TIMEOUT).ok()) {
        return unit;
      }
    }
    throw new AgentException("none of the systemd units " + distribution.units() + " is active; is this a "
        + distribution.name().toLowerCase() + " node? (use --distribution or --restart-mode)");
  }

  List<String> systemctl(String... args) {
    List<String> command = new ArrayList<>();
    if (!hostRoot.toAbsolutePath().normalize().equals(Path.of("/"))) {
      command.addAll(List.of("nsenter", "--target", "1", "--mount", "--"));
    }
    command.add("systemctl");
    command.addAll(List.of(args));
    return command;
  }
}
