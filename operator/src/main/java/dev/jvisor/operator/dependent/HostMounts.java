package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.ContainerdSpec.Distribution;
import java.util.ArrayList;
import java.util.List;

/**
 * Host paths the node-agent touches, per containerd distribution. Each is mounted at {@code /host<path>}; nothing
 * else of the host is visible to the agent.
 */
public final class HostMounts {
    /** Where the runtime is installed (binaries, shim, per-handler sandbox options). */
    public static final String INSTALL_DIR = "/opt/jvisor";
    /** containerd's socket, systemd's private socket and D-Bus live under /run. */
    public static final String RUN_DIR = "/run";
    /**
     * On containerd's PATH: the agent links containerd-shim-jvisor-v1 here because containerd 1.6 ignores
     * runtime_path and looks shims up by name.
     */
    public static final String SHIM_LINK_DIR = "/usr/local/bin";
    /** Prefix inside the container. */
    public static final String HOST_PREFIX = "/host";

    /** A hostPath volume: volume name, host path, hostPath type. */
    public record Mount(String volume, String hostPath, String type) {
        public String mountPath() {
            return HOST_PREFIX + hostPath;
        }
    }

    private HostMounts() {
    }

    public static List<Mount> forDistribution(Distribution distribution) {
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount("install-dir", INSTALL_DIR, "DirectoryOrCreate"));
        mounts.add(new Mount("run", RUN_DIR, "Directory"));
        mounts.add(new Mount("shim-link-dir", SHIM_LINK_DIR, "DirectoryOrCreate"));
        switch (distribution) {
            case CONTAINERD -> mounts.add(new Mount("containerd-config", "/etc/containerd", "DirectoryOrCreate"));
            case K3S -> mounts.add(new Mount("containerd-config", "/var/lib/rancher/k3s/agent/etc/containerd", "Directory"));
            case RKE2 -> mounts.add(new Mount("containerd-config", "/var/lib/rancher/rke2/agent/etc/containerd", "Directory"));
            case K0S -> mounts.add(new Mount("containerd-config", "/etc/k0s", "Directory"));
            case AUTO -> {
                // Detection needs to look at every candidate; an absent one shows up as an empty directory.
                mounts.add(new Mount("containerd-config", "/etc/containerd", "DirectoryOrCreate"));
                mounts.add(new Mount("rancher-config", "/var/lib/rancher", "DirectoryOrCreate"));
                mounts.add(new Mount("k0s-config", "/etc/k0s", "DirectoryOrCreate"));
            }
        }
        return mounts;
    }
}
