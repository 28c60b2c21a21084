/**
 * Format-preserving TOML editing on top of tomlj: comments and tables we do not touch come back byte for byte.
 * Knows nothing about containerd. Go-template lines of k3s/rke2 templates are masked as comments before parsing
 * and put back after rendering, so they are never parsed as TOML.
 */
package dev.jvisor.nodeagent.toml;
