/**
 * End-to-end tests of jvisor as users meet it: the Helm chart ({@code chart}), the container images
 * ({@code images}), the one-node flow this machine can run ({@code localnode}) and a real k3s cluster ({@code k3s}).
 */
package dev.jvisor.e2e;
