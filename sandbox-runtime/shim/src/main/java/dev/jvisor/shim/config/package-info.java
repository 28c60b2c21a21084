/** jvisor's runtime options: the TOML file CRI names in {@code runtimeoptions.v1.Options.config_path}. */
package dev.jvisor.shim.config;
