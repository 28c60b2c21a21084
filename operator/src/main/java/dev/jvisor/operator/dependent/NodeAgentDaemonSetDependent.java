package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.ContainerdSpec;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.node.NodeContract;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node-agent on every selected node: privileged (it edits host files and restarts containerd), hostPID only
 * when it must reach systemd, hostPath mounts limited to {@link HostMounts}, rolling update with the spec's
 * maxUnavailable. Changing spec.agent.image rolls it: that is the upgrade path.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class NodeAgentDaemonSetDependent extends CRUDKubernetesDependentResource<DaemonSet, SandboxRuntime> {
    public static final String CONTAINER_NAME = "node-agent";
    static final String OPTIONS_VOLUME = "sandbox-options";

    public NodeAgentDaemonSetDependent() {
        super(DaemonSet.class);
    }

    @Override
    protected DaemonSet desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        var settings = AgentObjects.settings(context);
        var spec = r.getSpec();
        var agent = spec.getAgent();
        ContainerdSpec containerd = spec.getContainerd();
        boolean systemd = containerd.getRestartMode() == ContainerdSpec.RestartMode.SYSTEMD;
        String image = agent.getImage() == null || agent.getImage().isBlank() ? settings.defaultAgentImage()
                : agent.getImage();

        Map<String, String> nodeSelector = new LinkedHashMap<>(spec.getNodeSelector());
        nodeSelector.put(NodeContract.OS_LABEL, NodeContract.LINUX);

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        for (HostMounts.Mount m : HostMounts.forDistribution(containerd.getDistribution())) {
            volumes.add(new VolumeBuilder().withName(m.volume()).withNewHostPath().withPath(m.hostPath())
                    .withType(m.type()).endHostPath().build());
            mounts.add(new VolumeMountBuilder().withName(m.volume()).withMountPath(m.mountPath()).build());
        }
        volumes.add(new VolumeBuilder().withName(OPTIONS_VOLUME).withNewConfigMap()
                .withName(AgentObjects.configMapName(r)).endConfigMap().build());
        mounts.add(new VolumeMountBuilder().withName(OPTIONS_VOLUME).withMountPath(AgentObjects.SANDBOX_OPTIONS_DIR)
                .withReadOnly(true).build());

        var container = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(image)
                .withImagePullPolicy(agent.getImagePullPolicy().name())
                .withEnv(env(r))
                .withNewSecurityContext().withPrivileged(true).endSecurityContext()
                .withVolumeMounts(mounts);
        if (agent.getResources() != null) {
            container.withResources(agent.getResources());
        }

        return new DaemonSetBuilder()
                .withMetadata(AgentObjects.namespaced(r, AgentObjects.agentName(r), settings).build())
                .withNewSpec()
                .withNewSelector().withMatchLabels(AgentObjects.selectorLabels(r)).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(spec.getUpdateStrategy().getMaxUnavailable()).endRollingUpdate()
                .endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(AgentObjects.labels(r)).endMetadata()
                .withNewSpec()
                .withServiceAccountName(AgentObjects.agentName(r))
                .withHostPID(systemd)
                .withPriorityClassName(agent.getPriorityClassName())
                .withNodeSelector(nodeSelector)
                .withTolerations(spec.getTolerations())
                .withContainers(container.build())
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The environment contract with the node-agent (docs/operator.md). */
    static List<EnvVar> env(SandboxRuntime r) {
        var spec = r.getSpec();
        var containerd = spec.getContainerd();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());
        env.add(new EnvVar("SANDBOXRUNTIME_NAME", r.getMetadata().getName(), null));
        env.add(new EnvVar("HANDLER", spec.getHandler(), null));
        env.add(new EnvVar("RUNTIME_CLASS_NAME", spec.getRuntimeClassName(), null));
        env.add(new EnvVar("CONTAINERD_DISTRIBUTION", containerd.getDistribution().value(), null));
        if (containerd.getConfigPath() != null) {
            env.add(new EnvVar("CONTAINERD_CONFIG_PATH", containerd.getConfigPath(), null));
        }
        env.add(new EnvVar("CONTAINERD_RESTART_MODE", containerd.getRestartMode().value(), null));
        env.add(new EnvVar("SANDBOX_OPTIONS_FILE",
                AgentObjects.SANDBOX_OPTIONS_DIR + "/" + AgentObjects.SANDBOX_OPTIONS_KEY, null));
        env.add(new EnvVar("HOST_ROOT", HostMounts.HOST_PREFIX, null));
        return env;
    }
}
