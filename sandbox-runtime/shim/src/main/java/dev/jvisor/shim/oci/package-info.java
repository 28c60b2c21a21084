/**
 * The OCI runtime spec as jvisor reads it: {@link dev.jvisor.shim.oci.Spec} (Jackson model of config.json with
 * every unknown field kept for a warning), {@link dev.jvisor.shim.oci.Bundle} (a bundle directory, validated) and
 * {@link dev.jvisor.shim.oci.SpecCheck} (what jvisor applies, ignores or refuses).
 */
package dev.jvisor.shim.oci;
