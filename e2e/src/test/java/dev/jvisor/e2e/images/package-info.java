/**
 * Checks of the operator and node-agent image tars that Jib builds offline (e2e/pom.xml): tags, entrypoints, users,
 * the distribution layout the node-agent installs from, and that the image's own userland runs the entrypoint.
 */
package dev.jvisor.e2e.images;
