/**
 * The whole product on a real cluster: k3s in a container (Testcontainers), the chart installed with helm-java and
 * the locally built image tars, a SandboxRuntime, the seed's pod. Needs a Docker engine and /dev/kvm; without Docker
 * the test skips itself with that reason (docs/install.md "Running the k3s end-to-end test").
 */
package dev.jvisor.e2e.k3s;
