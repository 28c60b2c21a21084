/**
 * Test support shared by every module's integration tests: {@link dev.jvisor.cri.testing.PrivateContainerd} starts a
 * throw-away containerd from the Debian package (own root, state and sockets; handlers {@code runc} and
 * {@code jvisor}) and {@link dev.jvisor.cri.testing.OciImages} builds OCI image tars offline from busybox-static.
 * Main sources rather than test sources so other modules can depend on them with plain test scope.
 */
package dev.jvisor.cri.testing;
