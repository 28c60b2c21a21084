/**
 * containerd-shim-jvisor-v1: {@link dev.jvisor.shim.Shim} implements the three modes containerd uses (start,
 * delete, and the long-lived daemon serving ttrpc). Subpackages: {@code ttrpc} (protocol), {@code task} (the Task
 * service), {@code oci} (bundles), {@code events}, {@code config} (runtime options), {@code proto} (generated).
 */
package dev.jvisor.shim;
