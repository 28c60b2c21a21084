package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Rolling update of the node-agent DaemonSet: how many nodes may be (re)installing at once. */
public class UpdateStrategy {
    @JsonPropertyDescription("Nodes that may be unavailable during an agent rollout: a number >= 1 or a percentage "
            + "such as 10%.")
    @Default(Defaults.MAX_UNAVAILABLE)
    @ValidationRule(value = "type(self) == int ? self >= 1 : self.matches('^[1-9][0-9]?%$|^100%$')",
            message = "maxUnavailable must be an integer >= 1 or a percentage from 1% to 100%")
    private IntOrString maxUnavailable = new IntOrString(1);

    public IntOrString getMaxUnavailable() { return maxUnavailable == null ? new IntOrString(1) : maxUnavailable; }
    public void setMaxUnavailable(IntOrString maxUnavailable) { this.maxUnavailable = maxUnavailable; }
}
