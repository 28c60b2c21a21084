/** containerd-shim-jvisor-v1: ttrpc server, the Task service, OCI bundles, events. */
package dev.jvisor.shim;
