package dev.jvisor.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jvisor.operator.api.v1alpha1.ContainerdSpec;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import dev.jvisor.operator.dependent.AgentObjects;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Applying and updating a SandboxRuntime produces exactly the expected dependents. */
class InstallTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static MockCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new MockCluster(MockCluster.settings());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static SandboxRuntime sandboxRuntime(String name, SandboxRuntimeSpec spec) {
        SandboxRuntime r = new SandboxRuntime();
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        r.setSpec(spec);
        return r;
    }

    @Test
    void aDefaultSandboxRuntimeCreatesTheRuntimeClassDaemonSetRbacAndConfigMap() {
        SandboxRuntime r = cluster.client.resource(sandboxRuntime("defaults", new SandboxRuntimeSpec())).create();
        String agent = "jvisor-node-agent-defaults";
        String ns = MockCluster.NAMESPACE;

        RuntimeClass rc = await().atMost(WAIT).until(
                () -> cluster.client.resources(RuntimeClass.class).withName("gvisor").get(), o -> o != null);
        assertThat(rc.getHandler()).isEqualTo("jvisor");
        assertThat(rc.getOverhead().getPodFixed()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")));
        assertThat(rc.getScheduling().getNodeSelector()).containsExactly(Map.entry("jvisor.dev/defaults", "ready"));
        assertThat(rc.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid()));

        DaemonSet ds = await().atMost(WAIT).until(
                () -> cluster.client.apps().daemonSets().inNamespace(ns).withName(agent).get(), o -> o != null);
        var pod = ds.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ghcr.io/jvisor/node-agent:test");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(pod.getHostPID()).as("systemd restart needs the host PID namespace").isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo(agent);
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("kubernetes.io/os", "linux"));
        assertThat(ds.getSpec().getSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("app.kubernetes.io/name", "jvisor-node-agent", "app.kubernetes.io/instance", "defaults"));
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        assertThat(env.get("SANDBOXRUNTIME_NAME").getValue()).isEqualTo("defaults");
        assertThat(env.get("HANDLER").getValue()).isEqualTo("jvisor");
        assertThat(env.get("CONTAINERD_DISTRIBUTION").getValue()).isEqualTo("auto");
        assertThat(env.get("CONTAINERD_RESTART_MODE").getValue()).isEqualTo("systemd");
        assertThat(env.get("SANDBOX_OPTIONS_FILE").getValue()).isEqualTo("/etc/jvisor/sandbox/sandbox.json");
        assertThat(env).doesNotContainKey("CONTAINERD_CONFIG_PATH");
        assertThat(pod.getVolumes()).extracting(v -> v.getHostPath() == null ? "configMap:" + v.getConfigMap().getName()
                : v.getHostPath().getPath()).containsExactlyInAnyOrder("/opt/jvisor", "/run", "/usr/local/bin", "/etc/containerd",
                        "/var/lib/rancher", "/etc/k0s", "configMap:jvisor-sandbox-defaults");
        assertThat(container.getVolumeMounts()).allSatisfy(m -> assertThat(m.getMountPath()).matches(
                "/host/.*|/etc/jvisor/sandbox"));

        var sa = cluster.client.serviceAccounts().inNamespace(ns).withName(agent).get();
        assertThat(sa).isNotNull();
        var clusterRole = await().atMost(WAIT).until(
                () -> cluster.client.rbac().clusterRoles().withName(agent).get(), o -> o != null);
        assertThat(clusterRole.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("nodes");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        var crb = cluster.client.rbac().clusterRoleBindings().withName(agent).get();
        assertThat(crb.getRoleRef().getName()).isEqualTo(agent);
        assertThat(crb.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(agent);
            assertThat(s.getNamespace()).isEqualTo(ns);
        });
        var role = cluster.client.rbac().roles().inNamespace(ns).withName(agent).get();
        PolicyRule rule = role.getRules().get(0);
        assertThat(role.getRules()).hasSize(1);
        assertThat(rule.getResources()).containsExactly("configmaps");
        assertThat(rule.getResourceNames()).containsExactly("jvisor-sandbox-defaults");
        assertThat(rule.getVerbs()).containsExactly("get");
        var rb = cluster.client.rbac().roleBindings().inNamespace(ns).withName(agent).get();
        assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(rb.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo(agent));

        ConfigMap cm = cluster.client.configMaps().inNamespace(ns).withName("jvisor-sandbox-defaults").get();
        assertThat(cm.getData()).containsExactly(Map.entry(AgentObjects.SANDBOX_OPTIONS_KEY,
                "{\"debug\":false,\"handler\":\"jvisor\",\"kernelRelease\":\"4.4.0\",\"memoryOverhead\":null,"
                        + "\"strace\":false}"));

        // No node is selected yet: honest Pending, not Ready.
        var status = await().atMost(WAIT).until(() -> cluster.get("defaults").getStatus(),
                s -> s != null && s.getPhase() != null);
        assertThat(status.getPhase().name()).isEqualTo("Pending");
        assertThat(status.getReadyNodes()).isEqualTo("0/0");
        assertThat(status.getRuntimeClassNames()).containsExactly("gvisor");
        assertThat(Conditions.find(status.getConditions(), "Ready").orElseThrow().getReason())
                .isEqualTo("NoNodesSelected");
        assertThat(status.getObservedGeneration()).isEqualTo(r.getMetadata().getGeneration());
    }

    @Test
    void updatingTheSpecUpdatesTheDependents() {
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setRuntimeClassName("jvisor-upd");
        spec.setHandler("jvisor-upd");
        cluster.client.resource(sandboxRuntime("upd", spec)).create();
        String ns = MockCluster.NAMESPACE;
        await().atMost(WAIT).until(() -> cluster.client.apps().daemonSets().inNamespace(ns)
                .withName("jvisor-node-agent-upd").get() != null);

        SandboxRuntime changed = cluster.get("upd");
        changed.getSpec().getAgent().setImage("registry.example/jvisor/node-agent:0.2.0");
        changed.getSpec().setNodeSelector(Map.of("pool", "sandbox"));
        changed.getSpec().getOverhead().setMemory("256Mi");
        changed.getSpec().getSandbox().setDebug(true);
        changed.getSpec().getSandbox().setKernelRelease("5.15.0");
        changed.getSpec().getContainerd().setDistribution(ContainerdSpec.Distribution.K3S);
        changed.getSpec().getContainerd().setRestartMode(ContainerdSpec.RestartMode.NONE);
        changed.getSpec().getContainerd().setConfigPath("/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl");
        cluster.client.resource(changed).update();

        DaemonSet ds = await().atMost(WAIT).until(() -> cluster.client.apps().daemonSets().inNamespace(ns)
                .withName("jvisor-node-agent-upd").get(), d -> d.getSpec().getTemplate().getSpec().getContainers()
                        .get(0).getImage().endsWith(":0.2.0"));
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyInAnyOrderEntriesOf(
                Map.of("kubernetes.io/os", "linux", "pool", "sandbox"));
        assertThat(pod.getHostPID()).as("restartMode none needs no host PID namespace").isFalse();
        assertThat(pod.getVolumes()).extracting(Volume::getHostPath).filteredOn(h -> h != null)
                .extracting(h -> h.getPath())
                .containsExactlyInAnyOrder("/opt/jvisor", "/run", "/usr/local/bin",
                        "/var/lib/rancher/k3s/agent/etc/containerd");
        Map<String, String> env = pod.getContainers().get(0).getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("CONTAINERD_DISTRIBUTION", "k3s").containsEntry("CONTAINERD_RESTART_MODE", "none")
                .containsEntry("CONTAINERD_CONFIG_PATH", "/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl");

        RuntimeClass rc = await().atMost(WAIT).until(() -> cluster.client.resources(RuntimeClass.class)
                .withName("jvisor-upd").get(), c -> c.getOverhead().getPodFixed().get("memory").toString().equals("256Mi"));
        assertThat(rc.getHandler()).isEqualTo("jvisor-upd");
        ConfigMap cm = await().atMost(WAIT).until(() -> cluster.client.configMaps().inNamespace(ns)
                .withName("jvisor-sandbox-upd").get(), c -> c.getData().get("sandbox.json").contains("5.15.0"));
        assertThat(cm.getData().get("sandbox.json")).contains("\"debug\":true");
        assertThat(List.of(ds.getMetadata().getGeneration())).isNotEmpty();
    }

    @Test
    void changingSandboxOptionsUpdatesTheConfigMapButDoesNotRollTheAgents() {
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setRuntimeClassName("gvisor-opts");
        spec.setHandler("jvisor-opts");
        cluster.client.resource(sandboxRuntime("opts", spec)).create();
        String ns = MockCluster.NAMESPACE;
        DaemonSet before = await().atMost(WAIT).until(() -> cluster.client.apps().daemonSets().inNamespace(ns)
                .withName("jvisor-node-agent-opts").get(), d -> d != null);
        await().atMost(WAIT).until(() -> cluster.get("opts").getStatus() != null);

        SandboxRuntime changed = cluster.get("opts");
        changed.getSpec().getSandbox().setStrace(true);
        changed.getSpec().getSandbox().setMemoryOverhead("64Mi");
        cluster.client.resource(changed).update();

        await().atMost(WAIT).until(() -> cluster.client.configMaps().inNamespace(ns).withName("jvisor-sandbox-opts")
                .get().getData().get("sandbox.json").contains("\"strace\":true"));
        assertThat(cluster.client.configMaps().inNamespace(ns).withName("jvisor-sandbox-opts").get().getData()
                .get("sandbox.json")).contains("\"memoryOverhead\":\"64Mi\"");
        await().atMost(WAIT).until(() -> cluster.get("opts").getStatus().getObservedGeneration()
                .equals(cluster.get("opts").getMetadata().getGeneration()));
        DaemonSet after = cluster.client.apps().daemonSets().inNamespace(ns).withName("jvisor-node-agent-opts").get();
        assertThat(after.getSpec().getTemplate()).as("no rollout: the agents pick the file up").isEqualTo(
                before.getSpec().getTemplate());
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    }
}
