package dev.jvisor.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import org.junit.jupiter.api.Test;

class NodeReportTest {
    @Test
    void parsesTheDocumentedJsonAndIgnoresUnknownFields() throws Exception {
        NodeReport r = NodeReport.parse("{\"phase\":\"Failed\",\"message\":\"no /dev/kvm\",\"runtimeVersion\":\"0.1.0\","
                + "\"containerdVersion\":\"1.6.20\",\"since\":\"2026-11-28T17:40:03Z\",\"newField\":42}");
        assertThat(r.phaseValue()).contains(NodePhase.Failed);
        assertThat(r.message()).isEqualTo("no /dev/kvm");
        assertThat(r.containerdVersion()).isEqualTo("1.6.20");
        assertThat(NodeReport.parse(r.toJson())).isEqualTo(r);
    }

    @Test
    void rejectsNonJsonAndUnknownPhasesWithAReadableReason() {
        assertThatThrownBy(() -> NodeReport.parse("Ready")).isInstanceOf(NodeReport.InvalidReportException.class)
                .hasMessageStartingWith("status annotation is not the JSON object the node-agent should write");
        assertThatThrownBy(() -> NodeReport.parse("{\"phase\":\"ready\"}"))
                .hasMessageContaining("phase ready, expected one of [Pending, Installing, Ready, Failed, Uninstalling, "
                        + "Uninstalled]");
        assertThatThrownBy(() -> NodeReport.parse("{}")).hasMessageContaining("phase null");
    }
}
