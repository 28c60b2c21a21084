package dev.jvisor.operator.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.operator.api.v1alpha1.NodePhase;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the node-agent writes into {@code jvisor.dev/<name>.status}:
 * {@code {"phase":"Ready","message":"...","runtimeVersion":"0.1.0","containerdVersion":"1.6.20","since":"2026-..."}}.
 * Unknown fields are ignored so a newer agent can add some.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeReport(String phase, String message, String runtimeVersion, String containerdVersion, String since) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a report; a malformed one is an error the status shows, not something to hide. */
    public static NodeReport parse(String json) throws InvalidReportException {
        NodeReport report;
        try {
            report = JSON.readValue(json, NodeReport.class);
        } catch (JsonProcessingException e) {
            throw new InvalidReportException("status annotation is not the JSON object the node-agent should write: "
                    + e.getOriginalMessage());
        }
        if (report == null || report.phaseValue().isEmpty()) {
            throw new InvalidReportException("status annotation has phase " + (report == null ? null : report.phase)
                    + ", expected one of " + Arrays.toString(NodePhase.values()));
        }
        return report;
    }

    public Optional<NodePhase> phaseValue() {
        return Arrays.stream(NodePhase.values()).filter(p -> p.name().equals(phase)).findFirst();
    }

    /** Serialises a report; used by tests and simulators that play the node-agent. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A report that cannot be read. */
    public static final class InvalidReportException extends Exception {
        public InvalidReportException(String message) {
            super(message);
        }
    }
}
