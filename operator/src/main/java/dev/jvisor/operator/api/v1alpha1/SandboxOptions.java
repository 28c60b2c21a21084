package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/**
 * Options for every sandbox on the selected nodes. They travel in a ConfigMap mounted into the node-agent, which
 * writes them where the shim reads them, so changing them never reinstalls the runtime.
 */
public class SandboxOptions {
    @JsonPropertyDescription("Kernel release the Sentry reports through uname(2).")
    @Default(Defaults.KERNEL_RELEASE)
    @Pattern(Defaults.KERNEL_RELEASE_PATTERN)
    private String kernelRelease = Defaults.KERNEL_RELEASE;

    @JsonPropertyDescription("Debug logging in the shim and the Sentry.")
    @Default("false")
    private Boolean debug = false;

    @JsonPropertyDescription("Log every system call the sandboxed program makes (strace-like). Slow.")
    @Default("false")
    private Boolean strace = false;

    @JsonPropertyDescription("Memory the sandbox may use beyond the container's limit for the Sentry itself "
            + "(a quantity); empty means the runtime's default.")
    @Pattern(Defaults.QUANTITY)
    private String memoryOverhead;

    public String getKernelRelease() { return kernelRelease == null ? Defaults.KERNEL_RELEASE : kernelRelease; }
    public void setKernelRelease(String kernelRelease) { this.kernelRelease = kernelRelease; }
    public Boolean getDebug() { return debug != null && debug; }
    public void setDebug(Boolean debug) { this.debug = debug; }
    public Boolean getStrace() { return strace != null && strace; }
    public void setStrace(Boolean strace) { this.strace = strace; }
    public String getMemoryOverhead() { return memoryOverhead; }
    public void setMemoryOverhead(String memoryOverhead) { this.memoryOverhead = memoryOverhead; }
}
