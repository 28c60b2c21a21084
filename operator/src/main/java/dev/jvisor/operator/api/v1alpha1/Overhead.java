package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** RuntimeClass {@code overhead.podFixed}: what one sandbox costs beyond the container's own requests. */
public class Overhead {
    @JsonPropertyDescription("CPU quantity added to every sandboxed pod's requests, e.g. 100m.")
    @Default(Defaults.OVERHEAD_CPU)
    @Pattern(Defaults.QUANTITY)
    private String cpu = Defaults.OVERHEAD_CPU;

    @JsonPropertyDescription("Memory quantity added to every sandboxed pod's requests, e.g. 128Mi.")
    @Default(Defaults.OVERHEAD_MEMORY)
    @Pattern(Defaults.QUANTITY)
    private String memory = Defaults.OVERHEAD_MEMORY;

    public String getCpu() { return cpu == null ? Defaults.OVERHEAD_CPU : cpu; }
    public void setCpu(String cpu) { this.cpu = cpu; }
    public String getMemory() { return memory == null ? Defaults.OVERHEAD_MEMORY : memory; }
    public void setMemory(String memory) { this.memory = memory; }
}
