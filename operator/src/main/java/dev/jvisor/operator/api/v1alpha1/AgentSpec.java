package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The node-agent container. */
public class AgentSpec {
    @JsonPropertyDescription("Node-agent image. Empty means ghcr.io/jvisor/node-agent:<operator version>. "
            + "Changing it rolls the DaemonSet (an upgrade).")
    @Size(max = 512)
    @Pattern("^[^\\s]+$")
    private String image;

    @JsonPropertyDescription("Image pull policy of the node-agent container.")
    @Default(Defaults.IMAGE_PULL_POLICY)
    private PullPolicy imagePullPolicy = PullPolicy.IfNotPresent;

    @JsonPropertyDescription("Requests and limits of the node-agent container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("PriorityClass of the node-agent pods, so they are not evicted before the workloads.")
    @Default(Defaults.PRIORITY_CLASS_NAME)
    @Pattern(Defaults.DNS1123_SUBDOMAIN)
    @Size(max = 253)
    private String priorityClassName = Defaults.PRIORITY_CLASS_NAME;

    public String getImage() { return image; }
    public void setImage(String image) { this.image = image; }
    public PullPolicy getImagePullPolicy() { return imagePullPolicy == null ? PullPolicy.IfNotPresent : imagePullPolicy; }
    public void setImagePullPolicy(PullPolicy imagePullPolicy) { this.imagePullPolicy = imagePullPolicy; }
    public ResourceRequirements getResources() { return resources; }
    public void setResources(ResourceRequirements resources) { this.resources = resources; }
    public String getPriorityClassName() { return priorityClassName; }
    public void setPriorityClassName(String priorityClassName) { this.priorityClassName = priorityClassName; }

    /** Kubernetes imagePullPolicy values, spelled as the API spells them. */
    public enum PullPolicy { Always, IfNotPresent, Never }
}
