package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where containerd's config lives and how the node-agent restarts it. */
@ValidationRule(value = "!has(self.configPath) || self.distribution != 'auto'",
        message = "containerd.configPath needs an explicit containerd.distribution: auto finds the path itself")
public class ContainerdSpec {
    @JsonPropertyDescription("Kubernetes distribution that owns containerd; decides the config file (or k3s/rke2 "
            + "template) and the systemd unit. auto detects it on each node.")
    @Default("auto")
    private Distribution distribution = Distribution.AUTO;

    @JsonPropertyDescription("Absolute path of containerd's config file (or template) on the host; empty means the "
            + "distribution's default.")
    @Pattern("^/[^\\s]*$")
    @Size(max = 4096)
    private String configPath;

    @JsonPropertyDescription("systemd: restart the containerd unit through systemd when its config changed. "
            + "none: never restart (the node-agent reports that a restart is pending).")
    @Default("systemd")
    private RestartMode restartMode = RestartMode.SYSTEMD;

    public Distribution getDistribution() { return distribution == null ? Distribution.AUTO : distribution; }
    public void setDistribution(Distribution distribution) { this.distribution = distribution; }
    public String getConfigPath() { return configPath; }
    public void setConfigPath(String configPath) { this.configPath = configPath; }
    public RestartMode getRestartMode() { return restartMode == null ? RestartMode.SYSTEMD : restartMode; }
    public void setRestartMode(RestartMode restartMode) { this.restartMode = restartMode; }

    /** Distributions whose containerd layout the node-agent knows. */
    public enum Distribution {
        @JsonProperty("auto") AUTO,
        @JsonProperty("containerd") CONTAINERD,
        @JsonProperty("k3s") K3S,
        @JsonProperty("rke2") RKE2,
        @JsonProperty("k0s") K0S;

        /** The spelling in the API and in the node-agent's CONTAINERD_DISTRIBUTION variable. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How containerd picks up a changed config. */
    public enum RestartMode {
        @JsonProperty("systemd") SYSTEMD,
        @JsonProperty("none") NONE;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
