package dev.jvisor.operator.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one operator deployment (from application.properties / environment in Quarkus, from tests directly).
 *
 * @param namespace where the namespaced dependents (DaemonSet, ServiceAccount, ConfigMap, Role) live: the operator's
 *     own namespace
 * @param defaultAgentImage node-agent image when a SandboxRuntime names none
 * @param uninstallTimeout how long deletion waits for nodes to report Uninstalled before giving up on them
 * @param uninstallPollInterval how often deletion re-checks nodes and pods
 * @param conflictRecheckInterval how often a SandboxRuntime that lost a name conflict checks whether it can proceed
 * @param eventNamespace where Events about cluster-scoped SandboxRuntimes are written
 */
public record OperatorSettings(String namespace, String defaultAgentImage, Duration uninstallTimeout,
        Duration uninstallPollInterval, Duration conflictRecheckInterval, String eventNamespace) {
    public static final String IMAGE_REPOSITORY = "ghcr.io/jvisor/node-agent";
    public static final Duration DEFAULT_UNINSTALL_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_UNINSTALL_POLL_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONFLICT_RECHECK_INTERVAL = Duration.ofSeconds(30);
    /** Events of cluster-scoped objects go to "default", as kubectl describe expects. */
    public static final String DEFAULT_EVENT_NAMESPACE = "default";

    public OperatorSettings {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(defaultAgentImage, "defaultAgentImage");
        if (uninstallTimeout.isNegative() || uninstallPollInterval.isNegative() || uninstallPollInterval.isZero()) {
            throw new IllegalArgumentException("uninstall timeout must be >= 0 and poll interval > 0, got "
                    + uninstallTimeout + " and " + uninstallPollInterval);
        }
    }

    /** Settings with the default durations. */
    public static OperatorSettings of(String namespace, String operatorVersion) {
        return new OperatorSettings(namespace, IMAGE_REPOSITORY + ":" + operatorVersion, DEFAULT_UNINSTALL_TIMEOUT,
                DEFAULT_UNINSTALL_POLL_INTERVAL, DEFAULT_CONFLICT_RECHECK_INTERVAL, DEFAULT_EVENT_NAMESPACE);
    }

    public OperatorSettings withUninstallTimeout(Duration timeout, Duration pollInterval) {
        return new OperatorSettings(namespace, defaultAgentImage, timeout, pollInterval, conflictRecheckInterval,
                eventNamespace);
    }
}
