package dev.jvisor.operator.api.v1alpha1;

/** Schema defaults, shared by the {@code @Default} annotations and the Java field initialisers. */
public final class Defaults {
    public static final String RUNTIME_CLASS_NAME = "gvisor";
    public static final String HANDLER = "jvisor";
    /**
     * RuntimeClass overhead. Not measured yet: 128Mi/100m is a placeholder in the range kata uses (130-320Mi, 250m)
     * for a VM-backed sandbox; docs/operator.md says so. Replace with a measured sandbox cost.
     */
    public static final String OVERHEAD_CPU = "100m";
    public static final String OVERHEAD_MEMORY = "128Mi";
    public static final String IMAGE_PULL_POLICY = "IfNotPresent";
    public static final String PRIORITY_CLASS_NAME = "system-node-critical";
    public static final String KERNEL_RELEASE = "4.4.0";
    public static final String MAX_UNAVAILABLE = "1";

    /** Kubernetes DNS-1123 label: RuntimeClass handlers, SandboxRuntime names. */
    public static final String DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    /** Kubernetes DNS-1123 subdomain: RuntimeClass and PriorityClass names. */
    public static final String DNS1123_SUBDOMAIN =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** The API server's quantity grammar (resource.Quantity), as a regular expression. */
    public static final String QUANTITY =
            "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
    /** A Linux kernel release string as uname(2) reports it, e.g. 4.4.0 or 5.15.0-jvisor. */
    public static final String KERNEL_RELEASE_PATTERN = "^[0-9]+\\.[0-9]+\\.[0-9]+([-+.][0-9A-Za-z.-]+)?$";

    private Defaults() {
    }
}
