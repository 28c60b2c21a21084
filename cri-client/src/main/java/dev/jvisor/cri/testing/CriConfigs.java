package dev.jvisor.cri.testing;

import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.ContainerMetadata;
import dev.jvisor.cri.v1.ImageSpec;
import dev.jvisor.cri.v1.LinuxContainerConfig;
import dev.jvisor.cri.v1.LinuxContainerSecurityContext;
import dev.jvisor.cri.v1.LinuxPodSandboxConfig;
import dev.jvisor.cri.v1.LinuxSandboxSecurityContext;
import dev.jvisor.cri.v1.NamespaceMode;
import dev.jvisor.cri.v1.NamespaceOption;
import dev.jvisor.cri.v1.PodSandboxConfig;
import dev.jvisor.cri.v1.PodSandboxMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** What a kubelet would send for simple test pods: host network (no CNI here), busybox containers. */
public final class CriConfigs {
  private CriConfigs() {}

  /**
   * A host-network pod (no hostname: runc refuses one without a private UTS namespace, as kubelet knows) logging to {@code logDirectory}.
   *
   * @param sharePids whether containers share the pod's PID namespace ({@code shareProcessNamespace: true})
   */
  public static PodSandboxConfig pod(String name, Path logDirectory, boolean sharePids) {
    NamespaceOption ns = NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)
        .setPid(sharePids ? NamespaceMode.POD : NamespaceMode.CONTAINER).build();
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
            .setUid(UUID.randomUUID().toString()).setAttempt(0))
        .setLogDirectory(logDirectory.toString())
        .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
            LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
        .build();
  }

  /** A busybox container running {@code command}, logging to {@code logPath} (relative to the pod's log dir). */
  public static ContainerConfig container(String name, String image, List<String> command, String logPath,
      PodSandboxConfig pod) {
    NamespaceOption podNs = pod.getLinux().getSecurityContext().getNamespaceOptions();
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(command)
        .setLogPath(logPath)
        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
            LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(podNs)))
        .build();
  }
}
