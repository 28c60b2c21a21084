/**
 * The {@code jvisor.dev/v1alpha1} API: the cluster-scoped {@code SandboxRuntime} resource.
 *
 * <p>These classes are the source of truth for the CRD: its OpenAPI schema (validation, defaults, CEL rules) is
 * generated from the annotations here and committed under {@code crds/}. Java-side field initialisers repeat the
 * schema defaults (from {@link dev.jvisor.operator.api.v1alpha1.Defaults}) so that an object read from an API server
 * that did not default it (a test mock server, an older object) behaves the same.
 */
package dev.jvisor.operator.api.v1alpha1;
