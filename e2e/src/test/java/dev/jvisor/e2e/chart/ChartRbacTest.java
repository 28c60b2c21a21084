package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC rules, verb by verb, against what its code does (operator/: the reconciler, its dependents,
 * the uninstaller and the event recorder): adding a verb to the chart must be a deliberate change of this table.
 */
class ChartRbacTest {

  private static final List<String> CRUD = List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> WRITE = List.of("create", "delete", "patch", "update");

  @Test
  void operatorClusterRoleGrantsExactlyWhatTheReconcilerUses() {
    ClusterRole role = RenderedChart.renderDefaults().one(ClusterRole.class, "jvisor-operator");

    assertThat(flatten(role.getRules())).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("jvisor.dev/sandboxruntimes", List.of("get", "list", "patch", "update", "watch")),
        Map.entry("jvisor.dev/sandboxruntimes/status", List.of("get", "patch", "update")),
        Map.entry("jvisor.dev/sandboxruntimes/finalizers", List.of("update")),
        Map.entry("apiextensions.k8s.io/customresourcedefinitions[sandboxruntimes.jvisor.dev]", List.of("get")),
        Map.entry("node.k8s.io/runtimeclasses", CRUD),
        Map.entry("rbac.authorization.k8s.io/clusterroles", CRUD),
        Map.entry("rbac.authorization.k8s.io/clusterrolebindings", CRUD),
        Map.entry("apps/daemonsets", READ),
        Map.entry("core/serviceaccounts", READ),
        Map.entry("core/configmaps", READ),
        Map.entry("rbac.authorization.k8s.io/roles", READ),
        Map.entry("rbac.authorization.k8s.io/rolebindings", READ),
        Map.entry("core/nodes", List.of("get", "list", "patch", "watch")),
        Map.entry("core/pods", List.of("list")),
        Map.entry("core/events", List.of("create"))));
  }

  @Test
  void operatorWritesNamespacedDependentsAndItsLeaseOnlyInTheReleaseNamespace() {
    Role role = RenderedChart.renderDefaults().one(Role.class, "jvisor-operator");

    assertThat(role.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(flatten(role.getRules())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "apps/daemonsets", WRITE,
        "core/serviceaccounts", WRITE,
        "core/configmaps", WRITE,
        "rbac.authorization.k8s.io/roles", WRITE,
        "rbac.authorization.k8s.io/rolebindings", WRITE,
        "coordination.k8s.io/leases", List.of("create", "get", "update")));
  }

  @Test
  void operatorHoldsEveryPermissionItGrantsTheNodeAgentsSoKubernetesLetsItGrantThem() {
    // Kubernetes refuses to let the operator create a (Cluster)Role granting more than it holds itself (RBAC
    // escalation check). Its node-agent roles: NodeAccessClusterRoleDependent (nodes get, patch) and
    // ConfigMapReaderRoleDependent (its own ConfigMap, get).
    RenderedChart chart = RenderedChart.renderDefaults();
    Map<String, List<String>> cluster = flatten(chart.one(ClusterRole.class, "jvisor-operator").getRules());

    assertThat(cluster.get("core/nodes")).contains("get", "patch");
    assertThat(cluster.get("core/configmaps")).contains("get");
  }

  @Test
  void everyKindTheOperatorsBuildSaysItManagesIsFullyCoveredByTheChart() throws java.io.IOException {
    // QOSDK derives a coarse ClusterRole from the controller and its dependents at build time. A dependent kind the
    // operator adds later must show up here: the chart must let the operator read it everywhere and write it.
    java.nio.file.Path manifests = java.nio.file.Path.of(System.getProperty("jvisor.operator.manifests",
        "../operator/target/kubernetes/kubernetes.yml"));
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(manifests),
        "no " + manifests + ": build the operator first (mvn -pl e2e -am verify does)");
    List<PolicyRule> generated = new java.util.ArrayList<>();
    Object parsed;
    try (var in = java.nio.file.Files.newInputStream(manifests)) {
      parsed = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in);
    }
    for (Object object : parsed instanceof List<?> all ? all : List.of(parsed)) {
      if (object instanceof ClusterRole r) {
        generated.addAll(r.getRules());
      }
    }
    assertThat(generated).as("ClusterRole rules in %s", manifests).isNotEmpty();
    RenderedChart chart = RenderedChart.renderDefaults();
    Map<String, java.util.Set<String>> granted = new TreeMap<>();
    chart.all(ClusterRole.class).forEach(r -> flatten(r.getRules()).forEach((k, v) ->
        granted.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v)));
    chart.all(Role.class).forEach(r -> flatten(r.getRules()).forEach((k, v) ->
        granted.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v)));

    for (String kind : flatten(generated).keySet()) {
      if (kind.startsWith("jvisor.dev/")) {
        // The primary resource: the chart grants what the reconciler does with it (see the exact table above).
        assertThat(granted).containsKey(kind);
        continue;
      }
      assertThat(granted.get(kind)).as("verbs the chart grants on %s", kind).containsAll(CRUD);
    }
  }

  @Test
  void noRuleUsesWildcardsOrTouchesSecrets() {
    RenderedChart chart = RenderedChart.renderDefaults();
    List<PolicyRule> rules = new java.util.ArrayList<>();
    chart.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
    chart.all(Role.class).forEach(r -> rules.addAll(r.getRules()));

    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
      assertThat(rule.getResources()).doesNotContain("*", "secrets");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    });
  }

  @Test
  void rbacCanBeLeftToTheClusterAdmin() {
    RenderedChart chart = RenderedChart.render(null, Map.of("rbac.create", false));

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.kindsAndNames()).contains("ServiceAccount/jvisor-operator", "Deployment/jvisor-operator");
  }

  /** "group/resource[names]" -> sorted verbs, merging rules that name several resources. */
  private static Map<String, List<String>> flatten(List<PolicyRule> rules) {
    Map<String, TreeSet<String>> merged = new TreeMap<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          String names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? ""
              : rule.getResourceNames().toString();
          String key = (group.isEmpty() ? "core" : group) + "/" + resource + names;
          merged.computeIfAbsent(key, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    Map<String, List<String>> result = new TreeMap<>();
    merged.forEach((k, v) -> result.put(k, List.copyOf(v)));
    return result;
  }
}
