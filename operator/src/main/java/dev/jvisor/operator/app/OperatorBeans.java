package dev.jvisor.operator.app;

import dev.jvisor.operator.config.OperatorSettings;
import dev.jvisor.operator.reconciler.OperatorMetrics;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the framework-free settings and metrics the reconciler takes, from Quarkus config and Micrometer. */
public class OperatorBeans {
    @Produces
    @Singleton
    OperatorSettings settings(OperatorConfig config,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        OperatorSettings defaults = OperatorSettings.of(config.namespace(), version);
        return new OperatorSettings(config.namespace(), config.agentImage().orElse(defaults.defaultAgentImage()),
                config.uninstallTimeout(), config.uninstallPollInterval(), config.conflictRecheckInterval(),
                config.eventNamespace());
    }

    @Produces
    @Singleton
    OperatorMetrics metrics(MeterRegistry registry) {
        return new OperatorMetrics(registry);
    }

    /**
     * Two replicas are safe: only the Lease holder reconciles. QOSDK activates this bean only in the profiles of
     * quarkus.operator-sdk.activate-leader-election-for-profiles (prod by default), so tests run without a Lease.
     */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
                .withLeaseNamespace(config.namespace())
                .build();
    }
}
