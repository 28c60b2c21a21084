package dev.jvisor.operator.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code jvisor.operator.*} in application.properties, or JVISOR_OPERATOR_* in the environment. */
@ConfigMapping(prefix = "jvisor.operator")
public interface OperatorConfig {
    /** The operator's namespace; the Helm chart sets POD_NAMESPACE from the downward API. */
    @WithDefault("${POD_NAMESPACE:jvisor-system}")
    String namespace();

    /** Node-agent image used when a SandboxRuntime names none; default ghcr.io/jvisor/node-agent:<version>. */
    Optional<String> agentImage();

    /** How long deletion waits for nodes to report Uninstalled. */
    @WithDefault("5m")
    Duration uninstallTimeout();

    @WithDefault("5s")
    Duration uninstallPollInterval();

    @WithDefault("30s")
    Duration conflictRecheckInterval();

    @WithDefault("default")
    String eventNamespace();

    /** Bound of the API-server check before the operator starts. */
    @WithDefault("10s")
    Duration startupCheckTimeout();

    /** Name of the Lease two replicas compete for. */
    @WithDefault("jvisor-operator-leader")
    String leaseName();
}
